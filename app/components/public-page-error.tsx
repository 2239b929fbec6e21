/**
 * The error boundary of a public page (/trust, /privacy): a refusal's own text
 * (a 429 says when to come back), never a stack or an internal message.
 */
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { AppProvider, Page, Text } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";

export function PublicPageError({ title }: { title: string }) {
  const error = useRouteError();
  // Remix's own refusals (no route, a bad method) carry its internal text: not for the reader.
  const internal = isRouteErrorResponse(error) && (error as { internal?: boolean }).internal === true;
  const message = !isRouteErrorResponse(error) || error.status >= 500 ? "Something went wrong. Try again."
    : error.status === 404 && internal ? "There is no page at this address."
    : typeof error.data === "string" && !internal ? error.data
    : "This request cannot be answered.";
  return (
    <AppProvider i18n={en}>
      <Page title={title}>
        <main>
          <Text as="p">{message}</Text>
        </main>
      </Page>
    </AppProvider>
  );
}
