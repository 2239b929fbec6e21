import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/react";

import { isShopDomain } from "~/db/tenant.server";
import { securityHeaders } from "~/security/headers.server";
import { secureResponse } from "~/security/request-guards.server";

// The app's public root. Shopify opens the app at /app; a request here that names a
// shop is sent there (where authenticate.admin validates it); anything else sees a
// static page that reflects nothing from the request.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop");
  if (shop && isShopDomain(shop)) throw secureResponse(redirect(`/app?${url.searchParams.toString()}`));
  return null;
};

export const headers = () => securityHeaders(new Headers());

export default function Landing() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", padding: "0 1rem", lineHeight: 1.5 }}>
      <h1>Margin Notes</h1>
      <p>Profit and sales reports inside your Shopify admin, with a plain-language summary of each report.</p>
      <p>Install Margin Notes from the Shopify App Store, then open it from your admin.</p>
    </main>
  );
}
