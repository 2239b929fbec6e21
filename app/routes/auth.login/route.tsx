import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import en from "@shopify/polaris/locales/en.json";
import { useState } from "react";

import { login } from "~/shopify.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

// Installs are Shopify-managed; this page only serves a merchant who opens the app
// outside the admin. `login` validates the domain and redirects into the admin.
const loginErrorMessage = (errors: { shop?: string } | undefined) =>
  errors?.shop === "MISSING_SHOP" ? "Enter your store's domain" : errors?.shop ? "That is not a valid store domain" : undefined;

export const loader = async ({ request }: LoaderFunctionArgs) => ({ error: loginErrorMessage(await login(request)) });
export const action = async ({ request }: ActionFunctionArgs) => ({ error: loginErrorMessage(await login(request)) });

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
