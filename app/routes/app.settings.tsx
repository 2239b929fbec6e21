/**
 * Settings: AI on or off, the daily narrative limit and the weekly report. Owner only: everyone
 * else sees them read-only, and their POST is a 403 that changes nothing. Who is the
 * owner comes from Shopify (an online token exchange, app/security/owner.server.ts):
 * the offline session and the session token cannot tell.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useRouteError } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, Checkbox, Form, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useRef, useState } from "react";

import { env } from "~/env.server";
import { emailConfigured } from "~/reports/email.server";
import { scheduleWeeklyReport } from "~/reports/jobs.server";
import { requestOrigin } from "~/security/audit.server";
import { securityHeaders } from "~/security/headers.server";
import { checkAccountOwner, rawSessionToken } from "~/security/owner.server";
import { readForm, requireMethod } from "~/security/request-guards.server";
import { loadSettings, SettingsFormSchema, updateSettings, type Settings } from "~/settings.server";
import { loadShop } from "~/shops.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Settings · Margin Notes" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request, context);
  const check = await checkAccountOwner(session.shop, sessionToken?.sub, rawSessionToken(request));
  const shop = await loadShop(session.shop);
  return {
    settings: await loadSettings(session.shop),
    owner: check.owner,
    unverified: check.unverified ?? null,
    timezone: shop?.ianaTimezone ?? "UTC",
    emailConfigured: emailConfigured(),
    // Whether this deployment can call Claude at all; the shop's own switch is settings.aiEnabled.
    aiConfigured: Boolean(env.ANTHROPIC_API_KEY),
  };
};

type FieldErrors = Partial<Record<keyof Settings, string>>;
export type SettingsActionData = { ok: true; changed: string[]; nextWeeklyReport: string | null } | { ok: false; message: string; fieldErrors?: FieldErrors };

const reply = (body: SettingsActionData, status = 200) =>
  Response.json(body, { status, headers: securityHeaders(new Headers({ "Cache-Control": "no-store" })) });

export const action = async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, ["POST"]);
  const { session, sessionToken } = await authenticate.admin(request, context);
  // A body that is not a form is refused before the owner check's token exchange.
  const form = await readForm(request);
  const check = await checkAccountOwner(session.shop, sessionToken?.sub, rawSessionToken(request));
  if (!check.owner) return reply({ ok: false, message: check.unverified ?? "Only the store owner can change these settings." }, 403);
  const parsed = SettingsFormSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: FieldErrors = {};
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "") as keyof Settings;
      fieldErrors[key] ??= issue.message;
    }
    return reply({ ok: false, message: "Some settings are not valid.", fieldErrors }, 400);
  }
  const actor = { type: "staff", id: String(sessionToken?.sub) } as const;
  const { changed } = await updateSettings(session.shop, parsed.data, actor, requestOrigin(request, env.TRUSTED_PROXY_HOPS));
  // Outside the settings transaction: enqueue opens its own (PGlite has one connection).
  const next = await scheduleWeeklyReport(session.shop);
  return reply({ ok: true, changed, nextWeeklyReport: next?.toISOString() ?? null });
};

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const weekdayOptions = WEEKDAYS.map((label, value) => ({ label, value: String(value) }));
const hourOptions = Array.from({ length: 24 }, (_, h) => ({ label: `${String(h).padStart(2, "0")}:00`, value: String(h) }));

export default function SettingsPage() {
  const { settings, owner, unverified, timezone, emailConfigured: canEmail, aiConfigured } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<SettingsActionData>();
  const shopify = useAppBridge();
  const [ai, setAi] = useState(settings.aiEnabled);
  const [limit, setLimit] = useState(String(settings.narrativeDailyLimit));
  const [weekly, setWeekly] = useState(settings.weeklyReportEnabled);
  const [weekday, setWeekday] = useState(String(settings.weeklyReportWeekday));
  const [hour, setHour] = useState(String(settings.weeklyReportHour));
  const [email, setEmail] = useState(settings.reportEmail ?? "");
  const toasted = useRef<unknown>(null);
  const saving = fetcher.state !== "idle";
  const result = fetcher.data;
  const fieldErrors = result && !result.ok ? result.fieldErrors ?? {} : {};
  const readOnly = !owner;

  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok && toasted.current !== result) {
      toasted.current = result;
      shopify.toast.show(result.changed.length ? "Settings saved" : "Nothing to change");
    }
  }, [fetcher.state, result, shopify]);

  const save = () =>
    fetcher.submit(
      { aiEnabled: ai ? "true" : "false", narrativeDailyLimit: limit, weeklyReportEnabled: weekly ? "on" : "", weeklyReportWeekday: weekday, weeklyReportHour: hour, reportEmail: email },
      { method: "post" },
    );

  return (
    <Page title="Settings" narrowWidth>
      <TitleBar title="Settings" />
      <Layout>
        {readOnly ? (
          <Layout.Section>
            <Banner tone="info" title="Only the store owner can change these settings">
              <p>{unverified ?? "You can see them; ask the store owner to change them."}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {result && !result.ok ? (
          <Layout.Section>
            <Banner tone="critical" title="The settings were not saved">
              <p>{result.message}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Form onSubmit={save}>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Report narratives</Text>
                  <Checkbox
                    label="Write narratives with AI (Anthropic's Claude)"
                    checked={ai}
                    onChange={setAi}
                    disabled={readOnly}
                    helpText={ai
                      ? aiConfigured
                        ? "AI is on: a saved report's totals (never customer data) are sent to Claude when a narrative is written. Turn it off and nothing is sent; Margin Notes writes narratives itself."
                        : "AI is on for this store, but this app has no AI provider configured, so Margin Notes writes narratives itself and nothing is sent."
                      : "AI is off: Margin Notes writes narratives itself and nothing from this store is sent to an AI provider."}
                  />
                  <TextField
                    label="Narratives per day"
                    type="number"
                    min={1}
                    max={100}
                    value={limit}
                    onChange={setLimit}
                    disabled={readOnly}
                    error={fieldErrors.narrativeDailyLimit}
                    autoComplete="off"
                    helpText={`How many narratives this store may write a day (1–100), counted from midnight in ${timezone}. ${aiConfigured && ai ? "Each one written by Claude is a paid AI call." : "Narratives are written by Margin Notes, without AI."}`}
                  />
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Weekly report</Text>
                  <Checkbox label="Save a report of the last 7 days every week, with its narrative" checked={weekly} onChange={setWeekly} disabled={readOnly} />
                  <FormLayout>
                    <FormLayout.Group condensed>
                      <Select label="Day" options={weekdayOptions} value={weekday} onChange={setWeekday} disabled={readOnly || !weekly} error={fieldErrors.weeklyReportWeekday} />
                      <Select label={`Time (${timezone})`} options={hourOptions} value={hour} onChange={setHour} disabled={readOnly || !weekly} error={fieldErrors.weeklyReportHour} />
                    </FormLayout.Group>
                    <TextField
                      label="Email the report to (optional)"
                      type="email"
                      value={email}
                      onChange={setEmail}
                      disabled={readOnly}
                      error={fieldErrors.reportEmail}
                      autoComplete="email"
                      helpText={canEmail ? "The weekly report is emailed here and appears under Reports." : "Email is not set up for this app, so weekly reports appear under Reports only."}
                    />
                  </FormLayout>
                  {result?.ok && result.nextWeeklyReport ? (
                    <Text as="p" tone="subdued">Next weekly report: {result.nextWeeklyReport.slice(0, 16).replace("T", " ")} UTC.</Text>
                  ) : null}
                </BlockStack>
              </Card>
              <InlineStack align="end">
                <Button variant="primary" submit loading={saving} disabled={readOnly || saving}>Save</Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return boundary.error(useRouteError());
}
