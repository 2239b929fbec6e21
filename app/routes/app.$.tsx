/**
 * Any address under /app that no page answers: an in-app 404 inside the admin frame, with the
 * App Bridge title bar (https://shopify.dev/docs/api/app-bridge-library/react-components/titlebar)
 * and a way back to the dashboard, instead of Remix's bare "Not Found". Authenticated like
 * every page: an unauthenticated request gets Shopify's auth response, not this page.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Card, EmptyState, Page } from "@shopify/polaris";

import type { PageHandle } from "~/components/boot-skeleton";
import { appRouteError } from "~/components/app-error-page";
import { authenticate } from "~/shopify.server";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Page not found" };

export const meta: MetaFunction = () => [{ title: "Page not found · Margin Notes" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  await authenticate.admin(request, context);
  // A 404 status with the page's own body: the layout (nav menu, App Bridge) stays around it.
  throw new Response("Not found", { status: 404 });
};

export default function NotFound() {
  return <NotFoundPage />;
}

function NotFoundPage() {
  return (
    <Page title="Page not found">
      <TitleBar title="Page not found" />
      <Card>
        <EmptyState heading="There is no page at this address" image="/images/empty-state.svg" action={{ content: "Go to the dashboard", url: "/app" }}>
          <p>The link may be old or mistyped. The dashboard, reports, activity and settings are in the app&apos;s menu.</p>
        </EmptyState>
      </Card>
    </Page>
  );
}

// The loader's 404 lands here and shows the page; anything else goes to appRouteError (Shopify's auth
// responses as they are, an unexpected error as the app's error page).
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return appRouteError(error);
}
