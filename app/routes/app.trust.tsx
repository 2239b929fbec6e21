import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Page } from "@shopify/polaris";

import type { PageHandle } from "~/components/boot-skeleton";
import { DataRightsCard } from "~/components/data-rights-card";
import { TrustReport } from "~/components/trust-report";
import { TrustShopFacts } from "~/components/trust-shop-facts";
import { authenticate } from "~/shopify.server";
import { adminTrustPage } from "~/trust/trust-page.server";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Security" };

export const meta: MetaFunction = () => [{ title: "Security · Margin Notes" }];

// The public /trust report inside the admin, with this shop's own facts (the shop from the verified session).
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request, context);
  return { ...(await adminTrustPage(session.shop)), shopDomain: session.shop };
};

export default function Security() {
  const { trust, shop, shopDomain } = useLoaderData<typeof loader>();
  return (
    <Page title="Security">
      <TitleBar title="Security" />
      <BlockStack gap="500">
        <TrustShopFacts facts={shop} />
        <DataRightsCard shop={shopDomain} />
        <TrustReport data={trust} shopAi={shop.ai} />
      </BlockStack>
    </Page>
  );
}
