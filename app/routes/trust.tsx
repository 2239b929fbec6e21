import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { AppProvider, Page, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import en from "@shopify/polaris/locales/en.json";

import { TrustReport } from "~/components/trust-report";
import { securityHeaders } from "~/security/headers.server";
import { PUBLIC_CACHE, publicTrustPage, type TrustPageData } from "~/trust/trust-page.server";

// Public, outside the admin (no session): linkable from the App Store listing.
// It frames nowhere (frame-ancestors 'none', as every non-embedded response).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const meta: MetaFunction = () => [
  { title: "Security & trust · Margin Notes" },
  { name: "description", content: "Every security claim Margin Notes makes, the code that keeps it, and the tests that prove it for this build." },
];

export const loader = async ({ request, context }: LoaderFunctionArgs) =>
  data<TrustPageData>(await publicTrustPage(request, context), { headers: { "Cache-Control": PUBLIC_CACHE } });

// The loader's caching, or a refusal's Retry-After, with the app's header set.
export const headers: HeadersFunction = ({ loaderHeaders, errorHeaders }) => {
  const headers = new Headers({ "Cache-Control": errorHeaders ? "no-store" : (loaderHeaders.get("Cache-Control") ?? "no-store") });
  const retryAfter = errorHeaders?.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return securityHeaders(headers);
};

export default function Trust() {
  const trust = useLoaderData<TrustPageData>();
  return (
    <AppProvider i18n={en}>
      <Page title="Security & trust" subtitle="Margin Notes: profit reports inside your Shopify admin">
        <main>
          <TrustReport data={trust} />
        </main>
      </Page>
    </AppProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) && error.status < 500 && typeof error.data === "string" ? error.data : "Something went wrong. Try again.";
  return (
    <AppProvider i18n={en}>
      <Page title="Security & trust">
        <main>
          <Text as="p">{message}</Text>
        </main>
      </Page>
    </AppProvider>
  );
}
