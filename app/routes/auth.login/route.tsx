import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, isRouteErrorResponse, useActionData, useLoaderData, useRouteError } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import en from "@shopify/polaris/locales/en.json";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState } from "react";

import { login } from "~/shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

// Installs are Shopify-managed; this page only serves a merchant who opens the app
// outside the admin. `login` (our door around Shopify's) validates the domain and
// redirects into the admin; bad methods and bodies are 4xx, never 500.
const loginErrorMessage = (errors: { shop?: string } | undefined) =>
  errors?.shop === "MISSING_SHOP" ? "Enter your store's domain" : errors?.shop ? "That is not a valid store domain" : undefined;

export const loader = async ({ request, context }: LoaderFunctionArgs) => ({ error: loginErrorMessage(await login(request, context)) });
export const action = async ({ request, context }: ActionFunctionArgs) => ({ error: loginErrorMessage(await login(request, context)) });

// A refusal's own headers (Allow, Retry-After) reach the browser with the error page.
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  return (
    <AppProvider i18n={en}>
      <Page narrowWidth>
        <Card>
          <Form method="post" action="/auth/login">
            <FormLayout>
              <Text variant="headingMd" as="h1">Open Margin Notes</Text>
              <TextField
                type="text" name="shop" label="Store domain" helpText="example.myshopify.com"
                value={shop} onChange={setShop} autoComplete="on" error={(actionData ?? loaderData).error}
              />
              <Button submit>Continue</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}

// Refusals (405, 415, 429) are this route's: their text says what to do, and their
// headers (Allow, Retry-After) reach the browser through `headers` above.
export function ErrorBoundary() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) && error.status < 500 && typeof error.data === "string" ? error.data : "Something went wrong. Try again.";
  return (
    <AppProvider i18n={en}>
      <Page narrowWidth>
        <Card>
          <Text as="p">{message}</Text>
        </Card>
      </Page>
    </AppProvider>
  );
}
