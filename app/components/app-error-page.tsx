/**
 * An unexpected server error inside the app (a loader or action that failed with nothing more
 * specific to say): the admin's title bar, what happened in plain words, the way back to the
 * dashboard, and the request id to quote (the X-Request-Id every log line of that request
 * carries). Never the error's own text or stack: they are the app's internals, not the
 * merchant's (in production Remix hands the page a sanitized error anyway).
 */
import { isRouteErrorResponse, useRouteLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Card, EmptyState, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

export const APP_ERROR_TITLE = "Something went wrong";

export function AppErrorPage({ requestId }: { requestId?: string | null }) {
  return (
    <Page title={APP_ERROR_TITLE}>
      <TitleBar title={APP_ERROR_TITLE} />
      <Card>
        <EmptyState heading="This page could not be shown" image="/images/empty-state.svg" action={{ content: "Go to the dashboard", url: "/app" }}>
          <p>Margin Notes ran into a problem on its side. Try again in a moment; if it keeps happening, quote the request id below when you report it.</p>
          {requestId ? (
            <Text as="p" tone="subdued">
              Request id: <code>{requestId}</code>
            </Text>
          ) : null}
        </EmptyState>
      </Card>
    </Page>
  );
}

/** The layout's request id (routes/app.tsx loads it with every page). */
function FailedPage() {
  const layout = useRouteLoaderData<{ requestId?: string | null }>("routes/app");
  return <AppErrorPage requestId={layout?.requestId ?? null} />;
}

/**
 * What a page under /app shows for an error its own boundary does not handle. Shopify's auth
 * flow throws Responses (bounce page, exit-iframe) that must reach the browser as they are, and
 * the app's refusals (4xx; a 503 that says why) carry the text the merchant reads: those go to
 * Shopify's boundary, as before. Anything else is the app's error page, rendered here, inside the
 * layout (App Bridge, nav menu, the shop's frame-ancestors). Passing it on instead (Shopify's
 * boundary rethrows it) works in the browser, whose React catches it in the layout's boundary,
 * but not on the server, which has no error boundaries: the document's render failed and Remix
 * answered with the root's page and headers, which the admin's frame refuses to show.
 */
export function appRouteError(error: unknown) {
  if (isRouteErrorResponse(error) && (error.status < 500 || error.status === 503)) return boundary.error(error);
  return <FailedPage />;
}
