import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppProvider, BlockStack, Card, Link, List, Page, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import en from "@shopify/polaris/locales/en.json";

import { PublicPageError } from "~/components/public-page-error";
import { publicPageHeaders } from "~/security/headers.server";
import type { PrivacyPolicy } from "~/trust/privacy-policy";
import { PUBLIC_CACHE, publicPrivacyPage } from "~/trust/trust-page.server";
import { FactTable } from "~/components/fact-table";

// Public, outside the admin (no session), as the App Store listing requires; written
// from the same data inventory as /trust (app/trust/privacy-policy.ts).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const meta: MetaFunction = () => [
  { title: "Privacy policy · Margin Notes" },
  { name: "description", content: "What Margin Notes collects from your Shopify store, why, who else receives it, how long it is kept and how to have it deleted." },
];

export const loader = async ({ request, context }: LoaderFunctionArgs) =>
  data<PrivacyPolicy>(await publicPrivacyPage(request, context), { headers: { "Cache-Control": PUBLIC_CACHE } });

export const headers: HeadersFunction = publicPageHeaders;

export default function Privacy() {
  const policy = useLoaderData<PrivacyPolicy>();
  return (
    <AppProvider i18n={en}>
      <main>
        <Page title="Privacy policy" subtitle="Margin Notes: profit reports inside your Shopify admin">
          <BlockStack gap="500">
            <Text as="p">
              Margin Notes is a Shopify app. It reads your store's orders and products through Shopify's API to build profit
              reports. This page lists everything it keeps, why, who else receives it, how long it is kept and how to have it
              deleted. The technical detail and the tests behind each statement are on the <Link url="/trust">security & trust page</Link>.
            </Text>
            <section aria-labelledby="privacy-collected">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingLg" id="privacy-collected">What we collect, why, and how long we keep it</Text>
                  <FactTable headings={["What", "Why", "How long"]} rows={policy.collected.map((c) => [c.kind, c.why, c.kept])} />
                  <Text as="h3" variant="headingMd">What we never collect</Text>
                  <List type="bullet">
                    {policy.neverCollected.map((n) => <List.Item key={n}>{n}</List.Item>)}
                  </List>
                </BlockStack>
              </Card>
            </section>
            <section aria-labelledby="privacy-shared">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingLg" id="privacy-shared">Where it goes</Text>
                  <Text as="p">We do not sell data or use it for advertising. These services process it for this deployment:</Text>
                  <List type="bullet">
                    {policy.sharedWith.map((p) => (
                      <List.Item key={p.name}>
                        <strong>{p.name}</strong> ({p.role}): {p.receives ?? "not used by this deployment; it receives nothing"}
                      </List.Item>
                    ))}
                  </List>
                </BlockStack>
              </Card>
            </section>
            <section aria-labelledby="privacy-deletion">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingLg" id="privacy-deletion">How to have it deleted</Text>
                  <List type="bullet">
                    {policy.deletion.map((d) => <List.Item key={d}>{d}</List.Item>)}
                  </List>
                  <Text as="p">
                    {policy.contact
                      ? <>Questions about your data: <Link url={policy.contact}>{policy.contact.replace(/^mailto:/, "")}</Link>.</>
                      : "Questions about your data: contact the developer through the app's Shopify App Store listing."}
                  </Text>
                </BlockStack>
              </Card>
            </section>
          </BlockStack>
        </Page>
      </main>
    </AppProvider>
  );
}

export const ErrorBoundary = () => <PublicPageError title="Privacy policy" />;
