/**
 * Settings: AI on or off, the daily narrative limit and the weekly report. Owner only: everyone
 * else sees them read-only, and their POST is a 403 that changes nothing. Who is the
 * owner comes from Shopify (an online token exchange, app/security/owner.server.ts):
 * the offline session and the session token cannot tell.
 *
 * Built for Shopify asks forms to use App Bridge's contextual save bar
 * (https://shopify.dev/docs/apps/launch/built-for-shopify/requirements,
 * https://shopify.dev/docs/api/app-bridge-library/react-components/save-bar): the bar shows while
 * the form differs from what is saved, its Save and Discard act on the form, and leaving with
 * unsaved changes asks first (App Bridge for the admin's navigation, the page for its own links
 * and a reload). Errors sit on their fields (Polaris), checked by the server's own rules
 * (app/settings-form.ts) before anything is sent; the browser's bubbles are off (noValidate).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useBeforeUnload, useBlocker, useFetcher, useLoaderData, useRouteError } from "@remix-run/react";
import { SaveBar, TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, Checkbox, Form, FormLayout, Layout, Modal, Page, Select, Text, TextField } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState } from "react";

import type { PageHandle } from "~/components/boot-skeleton";
import { appRouteError } from "~/components/app-error-page";
import { env } from "~/env.server";
import { emailConfigured } from "~/reports/email.server";
import { scheduleWeeklyReport } from "~/reports/jobs.server";
import { nextWeeklyOccurrence } from "~/reports/zoned-time";
import { noStoreJson, readOwnerForm } from "~/security/owner-action.server";
import { checkAccountOwner, rawSessionToken } from "~/security/owner.server";
import { requireMethod } from "~/security/request-guards.server";
import { SettingsFormSchema, settingsFieldErrors, type SettingsFieldErrors } from "~/settings-form";
import { loadSettings, updateSettings } from "~/settings.server";
import { loadShop } from "~/shops.server";
import { authenticate } from "~/shopify.server";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Settings" };

export const meta: MetaFunction = () => [{ title: "Settings · Margin Notes" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request, context);
  const check = await checkAccountOwner(session.shop, sessionToken?.sub, rawSessionToken(request));
  const shop = await loadShop(session.shop);
  const settings = await loadSettings(session.shop);
  const timezone = shop?.ianaTimezone ?? "UTC";
  // The occurrence scheduleWeeklyReport queues, as the shop's clock shows it (day and hour).
  const next = settings.weeklyReportEnabled ? nextWeeklyOccurrence(new Date(), timezone, settings.weeklyReportWeekday, settings.weeklyReportHour) : null;
  return {
    settings,
    nextWeeklyReport: next ? { day: next.localDay, hour: settings.weeklyReportHour } : null,
    owner: check.owner,
    unverified: check.unverified ?? null,
    timezone,
    emailConfigured: emailConfigured(),
    // Whether this deployment can call Claude at all; the shop's own switch is settings.aiEnabled.
    aiConfigured: Boolean(env.ANTHROPIC_API_KEY),
  };
};

export type SettingsActionData = { ok: true; changed: string[]; nextWeeklyReport: string | null } | { ok: false; message: string; fieldErrors?: SettingsFieldErrors };

const reply = (body: SettingsActionData, status = 200) => noStoreJson(body, status);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, ["POST"]);
  const { session, sessionToken } = await authenticate.admin(request, context);
  const owner = await readOwnerForm(request, session.shop, sessionToken?.sub, "Only the store owner can change these settings.");
  if (!owner.ok) return reply({ ok: false, message: owner.message }, 403);
  const posted = Object.fromEntries(owner.form);
  const parsed = SettingsFormSchema.safeParse(posted);
  if (!parsed.success) return reply({ ok: false, message: "Some settings are not valid.", fieldErrors: settingsFieldErrors(posted) }, 400);
  const { changed } = await updateSettings(session.shop, parsed.data, owner.actor, owner.origin);
  // Outside the settings transaction: enqueue opens its own (PGlite has one connection).
  const next = await scheduleWeeklyReport(session.shop);
  return reply({ ok: true, changed, nextWeeklyReport: next?.toISOString() ?? null });
};

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const weekdayOptions = WEEKDAYS.map((label, value) => ({ label, value: String(value) }));
const hourOptions = Array.from({ length: 24 }, (_, h) => ({ label: `${String(h).padStart(2, "0")}:00`, value: String(h) }));
const SAVE_BAR_ID = "settings-save-bar";

/** The form as the page holds it: what would be posted. */
interface FormValues {
  aiEnabled: boolean;
  narrativeDailyLimit: string;
  weeklyReportEnabled: boolean;
  weeklyReportWeekday: string;
  weeklyReportHour: string;
  reportEmail: string;
}
type Field = keyof FormValues;

const valuesOf = (s: { aiEnabled: boolean; narrativeDailyLimit: number; weeklyReportEnabled: boolean; weeklyReportWeekday: number; weeklyReportHour: number; reportEmail: string | null }): FormValues => ({
  aiEnabled: s.aiEnabled,
  narrativeDailyLimit: String(s.narrativeDailyLimit),
  weeklyReportEnabled: s.weeklyReportEnabled,
  weeklyReportWeekday: String(s.weeklyReportWeekday),
  weeklyReportHour: String(s.weeklyReportHour),
  reportEmail: s.reportEmail ?? "",
});
const posted = (v: FormValues) => ({
  aiEnabled: v.aiEnabled ? "true" : "false",
  narrativeDailyLimit: v.narrativeDailyLimit.trim(),
  weeklyReportEnabled: v.weeklyReportEnabled ? "on" : "",
  weeklyReportWeekday: v.weeklyReportWeekday,
  weeklyReportHour: v.weeklyReportHour,
  reportEmail: v.reportEmail,
});
const FIELDS: Field[] = ["aiEnabled", "narrativeDailyLimit", "weeklyReportEnabled", "weeklyReportWeekday", "weeklyReportHour", "reportEmail"];
const sameValues = (a: FormValues, b: FormValues) => FIELDS.every((k) => a[k] === b[k]);

// A calendar day and hour already in the shop's zone: formatted as UTC so the viewer's zone never shifts them.
const nextFormat = new Intl.DateTimeFormat("en-US", { weekday: "long", month: "long", day: "numeric", year: "numeric", timeZone: "UTC" });
const formatNext = (next: { day: string; hour: number }) => `${nextFormat.format(new Date(`${next.day}T00:00:00Z`))} at ${String(next.hour).padStart(2, "0")}:00`;

export default function SettingsPage() {
  const { settings, nextWeeklyReport, owner, unverified, timezone, emailConfigured: canEmail, aiConfigured } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<SettingsActionData>();
  const shopify = useAppBridge();
  const saved = valuesOf(settings);
  const [values, setValues] = useState<FormValues>(saved);
  // What the server last answered was wrong, per field, until that field changes.
  const [serverErrors, setServerErrors] = useState<SettingsFieldErrors>({});
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [attempted, setAttempted] = useState(false);
  const toasted = useRef<unknown>(null);
  const saving = fetcher.state !== "idle";
  const result = fetcher.data;
  const readOnly = !owner;
  const dirty = !readOnly && !sameValues(values, saved);

  // Saved (the loader revalidates): the form now matches what is stored.
  const savedKey = JSON.stringify(saved);
  useEffect(() => {
    setValues(JSON.parse(savedKey) as FormValues);
    setTouched({});
    setAttempted(false);
  }, [savedKey]);

  useEffect(() => {
    if (fetcher.state !== "idle" || !result || toasted.current === result) return;
    toasted.current = result;
    if (result.ok) shopify.toast.show(result.changed.length ? "Settings saved" : "Nothing to change");
    else setServerErrors(result.fieldErrors ?? {});
  }, [fetcher.state, result, shopify]);

  const clientErrors = settingsFieldErrors(posted(values));
  const errorFor = (field: Field) => (attempted || touched[field] ? clientErrors[field] : undefined) ?? serverErrors[field];
  const set = <K extends Field>(field: K) => (value: FormValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };
  const blur = (field: Field) => () => setTouched((t) => ({ ...t, [field]: true }));

  const save = () => {
    if (readOnly || saving) return;
    setAttempted(true);
    if (Object.keys(clientErrors).length > 0) {
      // Polaris marks the field invalid and describes it; take the merchant there.
      const first = FIELDS.find((f) => clientErrors[f]);
      if (first) document.getElementById(`settings-${first}`)?.focus();
      return;
    }
    fetcher.submit(posted(values), { method: "post" });
  };
  const discard = () => {
    setValues(saved);
    setServerErrors({});
    setTouched({});
    setAttempted(false);
  };

  // Leaving with unsaved changes: the page's own links ask here; the admin's navigation is
  // App Bridge's to confirm while the save bar shows (embedded-app-provider marks it fromAdmin).
  const blocker = useBlocker(
    useCallback(
      ({ currentLocation, nextLocation }: { currentLocation: { pathname: string }; nextLocation: { pathname: string; state: unknown } }) =>
        dirty && currentLocation.pathname !== nextLocation.pathname && !(nextLocation.state as { fromAdmin?: boolean } | null)?.fromAdmin,
      [dirty],
    ),
  );
  useBeforeUnload(
    useCallback(
      (event: BeforeUnloadEvent) => {
        if (!dirty) return;
        event.preventDefault();
        event.returnValue = "";
      },
      [dirty],
    ),
  );

  const errorCount = attempted ? Object.keys(clientErrors).length : 0;

  return (
    <Page title="Settings" narrowWidth>
      <TitleBar title="Settings" />
      <SaveBar id={SAVE_BAR_ID} open={dirty}>
        <button variant="primary" onClick={save} loading={saving ? "" : undefined} disabled={saving}>Save</button>
        <button onClick={discard} disabled={saving}>Discard</button>
      </SaveBar>
      <Modal
        open={blocker.state === "blocked"}
        onClose={() => blocker.reset?.()}
        title="Leave page with unsaved changes?"
        primaryAction={{ content: "Leave page", destructive: true, onAction: () => blocker.proceed?.() }}
        secondaryActions={[{ content: "Stay", onAction: () => blocker.reset?.() }]}
      >
        <Modal.Section>
          <Text as="p">Leaving this page will delete all unsaved changes.</Text>
        </Modal.Section>
      </Modal>
      <Layout>
        {readOnly ? (
          <Layout.Section>
            <Banner tone="info" title="Only the store owner can change these settings">
              <p>{unverified ?? "You can see them; ask the store owner to change them."}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {errorCount > 0 || (result && !result.ok && !saving) ? (
          <Layout.Section>
            <Banner tone="critical" title="The settings were not saved">
              <p>{errorCount > 0 ? `Fix the ${errorCount === 1 ? "setting" : `${errorCount} settings`} marked below, then save.` : result && !result.ok ? result.message : null}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Form onSubmit={save} noValidate>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Report narratives</Text>
                  <Checkbox
                    id="settings-aiEnabled"
                    label="Write narratives with AI (Anthropic's Claude)"
                    checked={values.aiEnabled}
                    onChange={set("aiEnabled")}
                    disabled={readOnly}
                    helpText={values.aiEnabled
                      ? aiConfigured
                        ? "AI is on: a saved report's totals (never customer data) are sent to Claude when a narrative is written. Turn it off and nothing is sent; Margin Notes writes narratives itself."
                        : "AI is on for this store, but this app has no AI provider configured, so Margin Notes writes narratives itself and nothing is sent."
                      : "AI is off: Margin Notes writes narratives itself and nothing from this store is sent to an AI provider."}
                  />
                  <TextField
                    id="settings-narrativeDailyLimit"
                    label="Narratives per day"
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={100}
                    value={values.narrativeDailyLimit}
                    onChange={set("narrativeDailyLimit")}
                    onBlur={blur("narrativeDailyLimit")}
                    disabled={readOnly}
                    error={errorFor("narrativeDailyLimit")}
                    autoComplete="off"
                    helpText={`How many narratives this store may write a day (1–100), counted from midnight in ${timezone}. ${aiConfigured && values.aiEnabled ? "Each one written by Claude is a paid AI call." : "Narratives are written by Margin Notes, without AI."}`}
                  />
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Weekly report</Text>
                  <Checkbox id="settings-weeklyReportEnabled" label="Save a report of the last 7 days every week, with its narrative" checked={values.weeklyReportEnabled} onChange={set("weeklyReportEnabled")} disabled={readOnly} />
                  <FormLayout>
                    <FormLayout.Group condensed>
                      <Select id="settings-weeklyReportWeekday" label="Day" options={weekdayOptions} value={values.weeklyReportWeekday} onChange={set("weeklyReportWeekday")} disabled={readOnly || !values.weeklyReportEnabled} error={errorFor("weeklyReportWeekday")} />
                      <Select id="settings-weeklyReportHour" label={`Time (${timezone})`} options={hourOptions} value={values.weeklyReportHour} onChange={set("weeklyReportHour")} disabled={readOnly || !values.weeklyReportEnabled} error={errorFor("weeklyReportHour")} />
                    </FormLayout.Group>
                    <TextField
                      id="settings-reportEmail"
                      label="Email the report to (optional)"
                      type="email"
                      value={values.reportEmail}
                      onChange={set("reportEmail")}
                      onBlur={blur("reportEmail")}
                      disabled={readOnly}
                      error={errorFor("reportEmail")}
                      autoComplete="email"
                      helpText={canEmail ? "The weekly report is emailed here and appears under Reports." : "Email is not set up for this app, so weekly reports appear under Reports only."}
                    />
                  </FormLayout>
                  <Text as="p" tone="subdued" id="settings-next-report">
                    {nextWeeklyReport
                      ? `Next weekly report: ${formatNext(nextWeeklyReport)} (${timezone}).`
                      : "No weekly report is scheduled."}
                    {dirty && (values.weeklyReportEnabled !== saved.weeklyReportEnabled || values.weeklyReportWeekday !== saved.weeklyReportWeekday || values.weeklyReportHour !== saved.weeklyReportHour)
                      ? " Save to apply the new schedule."
                      : ""}
                  </Text>
                </BlockStack>
              </Card>
            </BlockStack>
          </Form>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return appRouteError(useRouteError());
}
