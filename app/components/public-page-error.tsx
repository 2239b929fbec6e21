/**
 * The error boundary of a public page (/trust, /privacy): a refusal's own text
 * (a 429 says when to come back), never a stack or an internal message.
 */
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { AppProvider, Page, Text } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";

export function PublicPageError({ title }: { title: string }) {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) && error.status < 500 && typeof error.data === "string" ? error.data : "Something went wrong. Try again.";
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
