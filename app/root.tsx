import type { LinksFunction } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";

import { PublicPageError } from "~/components/public-page-error";

// Only the error page below needs Polaris at the root; every route that renders
// Polaris links its styles itself (Remix dedupes the link).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

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
