import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppProvider, Page } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import en from "@shopify/polaris/locales/en.json";

import { PublicPageError } from "~/components/public-page-error";
import { TrustReport } from "~/components/trust-report";
import { publicPageHeaders } from "~/security/headers.server";
import { PUBLIC_CACHE, publicTrustPage, type TrustPageData } from "~/trust/trust-page.server";

// Public, outside the admin (no session): linkable from the App Store listing.
// It frames nowhere (frame-ancestors 'none', as every non-embedded response).
export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const meta: MetaFunction = () => [
  { title: "Security & trust · Margin Notes" },
  { name: "description", content: "Every security claim Margin Notes makes, the code that keeps it, and the tests that prove it for this build." },
];

export const loader = async ({ request, context }: LoaderFunctionArgs) =>
  data<TrustPageData>(await publicTrustPage(request, context), { headers: { "Cache-Control": PUBLIC_CACHE } });

export const headers: HeadersFunction = publicPageHeaders;

export default function Trust() {
  const trust = useLoaderData<TrustPageData>();
  return (
    <AppProvider i18n={en}>
      <main>
        <Page title="Security & trust" subtitle="Margin Notes: profit reports inside your Shopify admin">
          <TrustReport data={trust} />
        </Page>
      </main>
    </AppProvider>
  );
}

export const ErrorBoundary = () => <PublicPageError title="Security & trust" />;
