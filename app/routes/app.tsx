import { data, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useRouteError, useRouteLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { boundary } from "@shopify/shopify-app-remix/server";
import type { ReactNode } from "react";

import { AppErrorPage } from "~/components/app-error-page";
import { EmbeddedAppProvider } from "~/components/embedded-app-provider";
import { env } from "~/env.server";
import { currentRequestId } from "~/lib/request-id.server";
import { authenticate, verifiedDocumentHeaders, verifiedFramingShop } from "~/shopify.server";

// Polaris' stylesheet: in the body of every page below, behind the first paint (app/root.tsx).

export interface LayoutData {
  apiKey: string;
  appBridgeUrl: string;
  /** The id of the request that loaded this (server.ts's X-Request-Id), for an error page to quote. */
  requestId: string | null;
}

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  // The admin opening a page: the token is proved here and the frame can have its shell at once;
  // the page's own loader still waits for (or, the dashboard, streams after) the library's whole
  // authentication before it reads anything of the shop's.
  const shop = (await verifiedFramingShop(request)) ?? (await authenticate.admin(request, context)).session.shop;
  // The API key is public (it is the App Bridge client id); nothing secret goes here.
  // Every page below is framed for the shop the session token proved, not the URL's.
  return data<LayoutData>(
    { apiKey: env.SHOPIFY_API_KEY, appBridgeUrl: env.APP_BRIDGE_URL, requestId: currentRequestId() ?? null },
    { headers: verifiedDocumentHeaders(shop) },
  );
};

// Loaded again with each page (one request: the page's loader shares its authentication),
// so the request id an error page quotes is the request that failed, not the first one.
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, defaultShouldRevalidate }) =>
  defaultShouldRevalidate || currentUrl.pathname !== nextUrl.pathname;

/** Polaris and the admin's nav menu around a page (App Bridge's script: the document's head, app/root.tsx). */
function AppFrame({ children }: { children: ReactNode }) {
  return (
    <EmbeddedAppProvider>
      <NavMenu>
        <Link to="/app" rel="home">Dashboard</Link>
        <Link to="/app/reports">Reports</Link>
        <Link to="/app/costs">Costs</Link>
        <Link to="/app/expenses">Expenses</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/settings">Settings</Link>
        <Link to="/app/trust">Security</Link>
      </NavMenu>
      <main>{children}</main>
    </EmbeddedAppProvider>
  );
}

export default function AppLayout() {
  return (
    <AppFrame>
      <Outlet />
    </AppFrame>
  );
}

/**
 * Shopify's auth flow throws Responses (bounce page, exit-iframe) that must reach the browser
 * with their headers and body intact, and the app's own refusals (4xx; the 503s that say the
 * shop's data is being erased or Shopify could not be reached) carry the text the merchant
 * reads: those go to Shopify's boundary, as before. Anything else that failed on the server
 * under /app (a loader that threw, which a page's own boundary passed on) is shown in the app's
 * frame, with its title bar, nav and the way back, never the error's text: the server logged it
 * with the request id the page quotes.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const layout = useRouteLoaderData<LayoutData>("routes/app");
  if (isRouteErrorResponse(error) && (error.status < 500 || error.status === 503)) return boundary.error(error);
  // The layout's own loader failed: no App Bridge to draw a title bar with (and the
  // page, without its verified shop, may not be framed anyway).
  if (!layout) {
    return (
      <AppProvider i18n={en}>
        <AppErrorPage requestId={null} />
      </AppProvider>
    );
  }
  return (
    <AppFrame>
      <AppErrorPage requestId={layout.requestId} />
    </AppFrame>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
