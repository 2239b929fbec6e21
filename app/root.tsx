import type { LinksFunction } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";

import { PublicPageError } from "~/components/public-page-error";
import type { LayoutData } from "~/routes/app";

// Only the error page below needs Polaris at the root; every route that renders
// Polaris links its styles itself (Remix dedupes the link).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

/**
 * App Bridge on every page of the embedded app, in the document's <head> as Shopify's setup has it
 * (https://shopify.dev/docs/api/app-bridge-library: the `shopify-api-key` meta and the
 * `app-bridge.js` script; required in the head of every document for App Store apps since
 * 2025-10-15: https://shopify.dev/changelog/shopify-app-store-apps-require-the-latest-app-bridge).
 * Last in the head: the script runs while the parser is there, and what it adds to the head then
 * lands after everything React rendered in it (a node it inserted between two of React's threw
 * #418 at hydration; React leaves extra nodes at the head's end alone). Public pages (no /app
 * layout) load none.
 */
function AppBridgeHead() {
  const layout = useRouteLoaderData<LayoutData>("routes/app");
  if (!layout) return null;
  return (
    <>
      <meta name="shopify-api-key" content={layout.apiKey} />
      <script src={layout.appBridgeUrl} data-api-key={layout.apiKey} />
    </>
  );
}

export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <link rel="icon" href="data:," />
        <Meta />
        <Links />
        <AppBridgeHead />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

/**
 * Outside every route with a boundary of its own (an unknown top-level address, a
 * bad method): Remix's default boundary would print the error with console.error
 * and show a bare stack-less "404 Not Found". A 4xx is the request's, not the
 * app's: a page that says so, nothing logged (entry.server's handleError logs
 * the 5xx).
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const title = isRouteErrorResponse(error) && error.status === 404 ? "Page not found" : isRouteErrorResponse(error) && error.status < 500 ? "Request refused" : "Something went wrong";
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>{`${title} · Margin Notes`}</title>
        <Meta />
        <Links />
      </head>
      <body>
        <PublicPageError title={title} />
        <Scripts />
      </body>
    </html>
  );
}
