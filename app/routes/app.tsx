import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { boundary } from "@shopify/shopify-app-remix/server";

import { EmbeddedAppProvider } from "~/components/embedded-app-provider";
import { env } from "~/env.server";
import { authenticate, verifiedDocumentHeaders } from "~/shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

interface LayoutData {
  apiKey: string;
  appBridgeUrl: string;
}

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request, context);
  // The API key is public (it is the App Bridge client id); nothing secret goes here.
  // Every page below is framed for the shop the session token proved, not the URL's.
  return data<LayoutData>({ apiKey: env.SHOPIFY_API_KEY, appBridgeUrl: env.APP_BRIDGE_URL }, { headers: verifiedDocumentHeaders(session.shop) });
};

export default function AppLayout() {
  const { apiKey, appBridgeUrl } = useLoaderData<LayoutData>();
  return (
    <EmbeddedAppProvider apiKey={apiKey} appBridgeUrl={appBridgeUrl}>
      <NavMenu>
        <Link to="/app" rel="home">Dashboard</Link>
        <Link to="/app/reports">Reports</Link>
        <Link to="/app/costs">Costs</Link>
        <Link to="/app/expenses">Expenses</Link>
        <Link to="/app/activity">Activity</Link>
        <Link to="/app/settings">Settings</Link>
        <Link to="/app/trust">Security</Link>
      </NavMenu>
      <main>
        <Outlet />
      </main>
    </EmbeddedAppProvider>
  );
}

// Shopify's auth flow throws Responses (bounce page, exit-iframe) that must reach
// the browser with their headers intact.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
