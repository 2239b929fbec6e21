import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Page } from "@shopify/polaris";

import { TrustReport } from "~/components/trust-report";
import { authenticate } from "~/shopify.server";
import { trustPageData } from "~/trust/trust-page.server";

export const meta: MetaFunction = () => [{ title: "Security · Margin Notes" }];

// The same report as the public /trust page, inside the admin (the layout verifies the session).
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  await authenticate.admin(request, context);
  return trustPageData();
};

export default function Security() {
  const trust = useLoaderData<typeof loader>();
  return (
    <Page title="Security">
      <TitleBar title="Security" />
      <TrustReport data={trust} />
    </Page>
  );
}
