import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";

import { BOOT_STYLE, BootSkeleton, type PageHandle, PolarisStylesheetGate } from "~/components/boot-skeleton";
import { PublicPageError } from "~/components/public-page-error";
import { STORAGE_FALLBACK_SCRIPT } from "~/lib/storage-fallback";
import type { LayoutData } from "~/routes/app";

// No root `links`: the embedded pages have Polaris' stylesheet in their body, behind their
// first paint (components/boot-skeleton.tsx); the public pages link it in their head themselves;
// the error page below links it itself.

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

/**
 * The embedded pages (everything under the /app layout, its error page included): the skeleton
 * their first paint shows, with the title of the page that is loading (its route's handle).
 */
function useEmbeddedPage(): { title: string } | null {
  const matches = useMatches();
  if (!matches.some((match) => match.id === "routes/app")) return null;
  const titled = matches.findLast((match) => typeof (match.handle as PageHandle | undefined)?.title === "string");
  return { title: (titled?.handle as PageHandle | undefined)?.title ?? "Margin Notes" };
}

export default function App() {
  const embedded = useEmbeddedPage();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <link rel="icon" href="data:," />
        <Meta />
        <Links />
        {embedded ? <style dangerouslySetInnerHTML={{ __html: BOOT_STYLE }} /> : null}
        <AppBridgeHead />
      </head>
      <body>
        {embedded ? (
          <>
            <BootSkeleton title={embedded.title} />
            {/* Before Remix's scroll restoration and the app's scripts; after App Bridge, the head's only script. */}
            <script dangerouslySetInnerHTML={{ __html: STORAGE_FALLBACK_SCRIPT }} />
            <PolarisStylesheetGate />
          </>
        ) : null}
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
        <link rel="stylesheet" href={polarisStyles} />
      </head>
      <body>
        <PublicPageError title={title} />
        <Scripts />
      </body>
    </html>
  );
}
