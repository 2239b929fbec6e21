import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, EmptyState, InlineStack, Layout, Page, Text } from "@shopify/polaris";

import { requireShop } from "~/shops.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Margin Notes" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request);
  const shop = await requireShop(session.shop, session.scope, admin);
  return { shop: { name: shop.name ?? shop.shopId, domain: shop.shopId, currency: shop.currencyCode, timezone: shop.ianaTimezone } };
};

export default function Dashboard() {
  const { shop } = useLoaderData<typeof loader>();
  return (
    <Page title="Dashboard">
      <TitleBar title="Margin Notes" />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">{shop.name}</Text>
              <InlineStack gap="400">
                <Text as="span" tone="subdued">{shop.domain}</Text>
                <Text as="span" tone="subdued">Currency: {shop.currency}</Text>
                <Text as="span" tone="subdued">Time zone: {shop.timezone}</Text>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <EmptyState
              heading="Your first reports are on their way"
              image="/images/empty-state.svg"
            >
              <p>
                Margin Notes is reading your orders, products and costs. Revenue, profit and margin
                reports appear here as soon as the first sync finishes.
              </p>
            </EmptyState>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
