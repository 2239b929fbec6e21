/**
 * Saved reports: each snapshot's period, headline figures as saved, whether it has a
 * summary and when it was saved (the shop's clock, zone named). The store owner can
 * delete one (confirmed first): owner-only like Settings, rate-limited, audited as
 * `report.deleted`, its narratives deleted with it (app/reports/saved.server.ts).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useRouteError } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, EmptyState, IndexTable, Modal, Page, Text, useBreakpoints } from "@shopify/polaris";
import { useEffect, useState } from "react";

import type { PageHandle } from "~/components/boot-skeleton";
import { appRouteError } from "~/components/app-error-page";
import { formatCount, formatMoney, formatPeriod } from "~/lib/format";
import { reportIdFromParam } from "~/reports/params.server";
import { deleteSavedReport, listSavedReportsPage, type NarrativeSource } from "~/reports/saved.server";
import { noStoreJson, readOwnerForm } from "~/security/owner-action.server";
import { checkAccountOwner, rawSessionToken } from "~/security/owner.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { requireMethod } from "~/security/request-guards.server";
import { authenticate } from "~/shopify.server";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Saved reports" };

export const meta: MetaFunction = () => [{ title: "Saved reports · Margin Notes" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session, sessionToken } = await authenticate.admin(request, context);
  const check = await checkAccountOwner(session.shop, sessionToken?.sub, rawSessionToken(request));
  return { ...(await listSavedReportsPage(session.shop)), owner: check.owner };
};

type DeleteResult = { ok: true; narratives: number } | { ok: false; message: string };

const reply = (body: DeleteResult, status = 200) => noStoreJson(body, status);

// POST reportId=…: delete one saved report. Another shop's id is a 404 with nothing touched.
export const action = async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, ["POST"]);
  const { session, sessionToken } = await authenticate.admin(request, context);
  const owner = await readOwnerForm(request, session.shop, sessionToken?.sub, "Only the store owner can delete saved reports.");
  if (!owner.ok) return reply({ ok: false, message: owner.message }, 403);
  await rateLimit(`shop:${session.shop}:report-delete`, policies.deleteReport);
  const reportId = reportIdFromParam(String(owner.form.get("reportId") ?? ""));
  const deleted = await deleteSavedReport(session.shop, reportId, { actor: owner.actor, origin: owner.origin });
  if (!deleted) return reply({ ok: false, message: "No saved report has this id in your store." }, 404);
  return reply({ ok: true, narratives: deleted.narratives });
};

const NARRATIVE_BADGES: Record<NarrativeSource, { tone: "info" | undefined; text: string }> = {
  anthropic: { tone: "info", text: "AI summary (Claude)" },
  local: { tone: undefined, text: "Summary (local, no AI)" },
};

function NarrativeBadge({ source }: { source: NarrativeSource | null }) {
  if (!source) return <Text as="span" tone="subdued">No summary</Text>;
  const badge = NARRATIVE_BADGES[source];
  return <Badge tone={badge.tone}>{badge.text}</Badge>;
}

export default function SavedReports() {
  const { rows, timezone, owner } = useLoaderData<typeof loader>();
  const condensed = useBreakpoints().smDown;
  const shopify = useAppBridge();
  const remover = useFetcher<DeleteResult>();
  const [confirming, setConfirming] = useState<(typeof rows)[number] | null>(null);
  const deleting = remover.state !== "idle";
  const failed = remover.state === "idle" && remover.data && !remover.data.ok ? remover.data.message : null;

  useEffect(() => {
    if (remover.state === "idle" && remover.data?.ok) {
      setConfirming(null);
      shopify.toast.show("Report deleted");
    }
  }, [remover.state, remover.data, shopify]);

  const onDelete = () => {
    if (confirming) remover.submit({ reportId: confirming.reportId }, { method: "post" });
  };

  const headings: [{ title: string }, ...Array<{ title: string; alignment?: "end" }>] = [
    { title: "Period" }, { title: "Net sales", alignment: "end" }, { title: "Gross profit", alignment: "end" }, { title: "Net profit", alignment: "end" },
    { title: "Orders", alignment: "end" }, { title: "Summary" }, { title: "Saved" }, { title: "Saved by" },
    ...(owner ? [{ title: "Actions" }] : []),
  ];

  return (
    <Page title="Saved reports" subtitle={`Snapshots saved from the dashboard, with their figures as saved. Times are in ${timezone}.`}>
      <TitleBar title="Saved reports" />
      <BlockStack gap="400">
        {failed ? (
          <Banner tone="critical" title="The report was not deleted">
            <p>{failed}</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "report", plural: "reports" }}
            itemCount={rows.length}
            selectable={false}
            // Polaris' small-screen pattern: rows as a list, no table to scroll sideways.
            condensed={condensed}
            headings={headings}
            emptyState={
              <EmptyState heading="No saved reports yet" image="/images/empty-state.svg" action={{ content: "Go to the dashboard", url: "/app" }}>
                <p>Choose a period on the dashboard and press “Save report” to keep its figures as they are today.</p>
              </EmptyState>
            }
          >
            {rows.map((row, index) => {
              const money = (amount: string | null) => formatMoney(amount, row.currencyCode);
              const period = (
                <Link to={`/app/reports/${row.reportId}`}>
                  <Text as="span" fontWeight="semibold">{formatPeriod(row.period)}</Text>
                </Link>
              );
              const orders = row.figures.orders === null ? "—" : formatCount(row.figures.orders);
              // Snapshots saved before net profit existed do not have it: a dash, not $0.00.
              const figures: Array<[string, string]> = [
                ["Net sales", money(row.figures.netSales)], ["Gross profit", money(row.figures.grossProfit)],
                ["Net profit", money(row.figures.netProfit)], ["Orders", orders],
              ];
              const remove = owner ? (
                <Button variant="plain" tone="critical" onClick={() => setConfirming(row)} accessibilityLabel={`Delete the report for ${formatPeriod(row.period)}`}>
                  Delete
                </Button>
              ) : null;
              const saved = <time dateTime={row.savedAtIso}>{row.savedAt}</time>;
              if (condensed) {
                // A phone: one cell, stacked, each figure named (a condensed list has no column headings).
                return (
                  <IndexTable.Row id={row.reportId} key={row.reportId} position={index}>
                    <IndexTable.Cell>
                      <BlockStack gap="100">
                        {period}
                        {figures.map(([label, value]) => (
                          <Text as="p" key={label}>
                            <Text as="span" tone="subdued">{label}: </Text>
                            {value}
                          </Text>
                        ))}
                        <div><NarrativeBadge source={row.narrative} /></div>
                        <Text as="p" tone="subdued">Saved {saved} by {row.savedBy}</Text>
                        {remove ? <div>{remove}</div> : null}
                      </BlockStack>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                );
              }
              return (
                <IndexTable.Row id={row.reportId} key={row.reportId} position={index}>
                  <IndexTable.Cell>{period}</IndexTable.Cell>
                  {figures.map(([label, value]) => (
                    <IndexTable.Cell key={label}>
                      <Text as="span" alignment="end" numeric>{value}</Text>
                    </IndexTable.Cell>
                  ))}
                  <IndexTable.Cell>
                    <NarrativeBadge source={row.narrative} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>{saved}</IndexTable.Cell>
                  <IndexTable.Cell>{row.savedBy}</IndexTable.Cell>
                  {remove ? <IndexTable.Cell>{remove}</IndexTable.Cell> : null}
                </IndexTable.Row>
              );
            })}
          </IndexTable>
        </Card>
      </BlockStack>
      <Modal
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        title={confirming ? `Delete the report for ${formatPeriod(confirming.period)}?` : "Delete report?"}
        primaryAction={{ content: "Delete report", destructive: true, onAction: onDelete, loading: deleting, disabled: deleting }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(null), disabled: deleting }]}
      >
        <Modal.Section>
          <Text as="p">
            The snapshot and its summaries are deleted for good. Its CSV exports already downloaded are not affected, and the
            deletion is recorded in Activity.
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export function ErrorBoundary() {
  return appRouteError(useRouteError());
}
