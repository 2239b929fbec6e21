/**
 * The Expenses page (app/routes/app.expenses.tsx): three lists with an add/edit form
 * each — payment fee rates per gateway, shipping cost rules, custom costs. Every form
 * posts one change; errors come back per field and nothing is saved. Polaris only,
 * no server imports (types from the pure forms module).
 */
import { useFetcher } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";

import { formatMoney } from "~/lib/format";
import type { Expenses, FieldErrors, StoredCustomCost, StoredFeeRate, StoredShippingRule } from "~/profit/expense-forms";

export type ExpensesActionData = { ok: true; id: string; operation: string } | { ok: false; message: string; fieldErrors?: FieldErrors };

export interface ExpensesViewProps {
  currencyCode: string;
  timezone: string;
  today: string;
  expenses: Expenses;
  seen: { gateways: Array<{ gateway: string; transactions: number; uncoveredTransactions: number }>; methods: Array<{ method: string; orders: number }> };
  owner: boolean;
  unverified: string | null;
}

type Field = { name: string; label: string; type?: "text" | "number" | "date"; options?: Array<{ label: string; value: string }>; helpText?: string; optional?: boolean; hidden?: (v: Values) => boolean };
type Values = Record<string, string>;

const SHIPPING_KINDS = [
  { label: "Per order", value: "per_order" },
  { label: "Per item", value: "per_item" },
  { label: "Per order, by shipping method", value: "per_method_order" },
];
const COST_KINDS = [
  { label: "Monthly (spread over the month's days)", value: "monthly" },
  { label: "One-off (on a day, or spread over a date range)", value: "one_off" },
];

/** One add/edit form: `intent` save-<entity>; `editing` an id, or null to add. */
function EntryForm(props: { entity: "rate" | "shipping" | "custom"; title: string; fields: Field[]; initial: Values; editing: string | null; onDone: () => void; readOnly: boolean }) {
  const { entity, title, fields, initial, editing, onDone, readOnly } = props;
  const fetcher = useFetcher<ExpensesActionData>();
  const shopify = useAppBridge();
  const [values, setValues] = useState<Values>(initial);
  const handled = useRef<unknown>(null);
  // A new entry to edit (or "add" again) starts from its own values; the same entry keeps what
  // the merchant typed when the page's data is reloaded meanwhile (an earlier save's
  // revalidation gives `initial` a new identity: it used to reset the field being typed in).
  const shownFor = useRef(editing);
  useEffect(() => {
    if (shownFor.current === editing) return;
    shownFor.current = editing;
    setValues(initial);
  }, [editing, initial]);
  const result = fetcher.data;
  const errors = result && !result.ok ? result.fieldErrors ?? {} : {};
  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok && handled.current !== result) {
      handled.current = result;
      shopify.toast.show(result.operation === "created" ? "Added" : "Saved");
      // An added entry clears the form for the next one.
      if (!editing) setValues(initial);
      onDone();
    }
  }, [fetcher.state, result, shopify, onDone, editing, initial]);
  const submit = () => fetcher.submit({ intent: `save-${entity}`, id: editing ?? "", ...values }, { method: "post" });
  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingSm">{editing ? `Edit ${title}` : `Add ${title}`}</Text>
      {result && !result.ok ? <Banner tone="critical" title="Not saved"><p>{result.message}</p></Banner> : null}
      <form noValidate onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label={editing ? `Edit ${title}` : `Add ${title}`}>
        <FormLayout>
          {fields.filter((f) => !f.hidden?.(values)).map((f) =>
            f.options ? (
              <Select key={f.name} label={f.label} options={f.options} value={values[f.name] ?? ""} onChange={(v) => setValues({ ...values, [f.name]: v })} error={errors[f.name]} disabled={readOnly} helpText={f.helpText} />
            ) : (
              <TextField key={f.name} label={f.optional ? `${f.label} (optional)` : f.label} type={f.type ?? "text"} value={values[f.name] ?? ""} onChange={(v) => setValues({ ...values, [f.name]: v })}
                error={errors[f.name]} disabled={readOnly} helpText={f.helpText} autoComplete="off" />
            ),
          )}
          <InlineStack gap="200">
            <Button submit variant="primary" loading={fetcher.state !== "idle"} disabled={readOnly}>{editing ? "Save" : "Add"}</Button>
            {editing ? <Button onClick={onDone}>Cancel</Button> : null}
          </InlineStack>
        </FormLayout>
      </form>
    </BlockStack>
  );
}

function DeleteButton({ entity, id, label, readOnly }: { entity: string; id: string; label: string; readOnly: boolean }) {
  const fetcher = useFetcher<ExpensesActionData>();
  return (
    <Button tone="critical" variant="plain" disabled={readOnly} loading={fetcher.state !== "idle"} accessibilityLabel={`Delete ${label}`}
      onClick={() => fetcher.submit({ intent: `delete-${entity}`, id }, { method: "post" })}>Delete</Button>
  );
}

/** One entry of a list: what it is, and Edit / Delete. */
function EntryRow({ text, badge, onEdit, entity, id, readOnly }: { text: string; badge?: string | null; onEdit: () => void; entity: string; id: string; readOnly: boolean }) {
  return (
    <li>
      <InlineStack gap="300" align="space-between" blockAlign="center" wrap={false}>
        <InlineStack gap="200" blockAlign="center">
          <Text as="span">{text}</Text>
          {badge ? <Badge tone="warning">{badge}</Badge> : null}
        </InlineStack>
        <InlineStack gap="200">
          <Button variant="plain" disabled={readOnly} onClick={onEdit} accessibilityLabel={`Edit ${text}`}>Edit</Button>
          <DeleteButton entity={entity} id={id} label={text} readOnly={readOnly} />
        </InlineStack>
      </InlineStack>
    </li>
  );
}

const listStyle = { listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "var(--p-space-200)" } as const;

export function ExpensesView({ currencyCode, timezone, today, expenses, seen, owner, unverified }: ExpensesViewProps) {
  const readOnly = !owner;
  const $ = (amount: string) => formatMoney(amount, currencyCode);
  const other = (e: { currencyCode: string }) => (e.currencyCode !== currencyCode ? `In ${e.currencyCode}: not applied (store currency is ${currencyCode})` : null);
  const [rateEdit, setRateEdit] = useState<StoredFeeRate | null>(null);
  const [ruleEdit, setRuleEdit] = useState<StoredShippingRule | null>(null);
  const [costEdit, setCostEdit] = useState<StoredCustomCost | null>(null);
  const [rateNew, setRateNew] = useState<Values>({ gateway: "", percent: "", fixedAmount: "0", effectiveFrom: today });
  // Stable per entry being edited: the form resets to these only when they change.
  const rateInitial = useMemo(
    () => (rateEdit ? { gateway: rateEdit.gateway, percent: rateEdit.percent, fixedAmount: rateEdit.fixedAmount, effectiveFrom: rateEdit.effectiveFrom } : rateNew),
    [rateEdit, rateNew],
  );
  const ruleInitial = useMemo(() => (ruleEdit
    ? { kind: ruleEdit.kind, method: ruleEdit.method ?? "", amount: ruleEdit.amount, effectiveFrom: ruleEdit.effectiveFrom, effectiveTo: ruleEdit.effectiveTo ?? "" }
    : { kind: "per_order", method: "", amount: "", effectiveFrom: today, effectiveTo: "" }), [ruleEdit, today]);
  const costInitial = useMemo(() => (costEdit
    ? { name: costEdit.name, kind: costEdit.kind, amount: costEdit.amount, startsOn: costEdit.startsOn, endsOn: costEdit.endsOn ?? "" }
    : { name: "", kind: "monthly", amount: "", startsOn: today, endsOn: "" }), [costEdit, today]);
  const rateOf = (gateway: string) => expenses.rates.filter((r) => r.gateway.toLowerCase() === gateway.toLowerCase() && r.effectiveFrom <= today).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
  const methods = seen.methods.map((m) => m.method).slice(0, 8).join(", ");

  return (
    <Page title="Expenses">
      <TitleBar title="Expenses" />
      <Layout>
        <Layout.Section>
          <Text as="p" tone="subdued">
            {`Net profit = gross profit − payment fees − shipping costs − custom costs. Amounts are in ${currencyCode}; dates are days in the store's time zone (${timezone}).`}
          </Text>
        </Layout.Section>
        {readOnly ? (
          <Layout.Section>
            <Banner tone="info" title="Only the store owner can change expenses"><p>{unverified ?? "You can see them; ask the store owner to change them."}</p></Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <section aria-labelledby="fees-heading">
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd" id="fees-heading">Payment fee rates</Text>
                <Text as="p" tone="subdued">
                  Shopify reports its own fees (Shopify Payments) and they are used as they are. For transactions with no fee data (other gateways), a rate here is applied and the result is shown as an estimate.
                </Text>
                {seen.gateways.length ? (
                  <ul style={listStyle} aria-label="Gateways in the last 12 months">
                    {seen.gateways.map((g) => {
                      const rate = rateOf(g.gateway);
                      return (
                        <li key={g.gateway}>
                          <InlineStack gap="200" align="space-between" blockAlign="center">
                            <Text as="span">{`${g.gateway}: ${g.transactions} transactions in the last 12 months, ${g.uncoveredTransactions} without fee data`}</Text>
                            {g.uncoveredTransactions > 0 && !rate ? (
                              <InlineStack gap="200" blockAlign="center">
                                <Badge tone="attention">No rate: fees unknown</Badge>
                                <Button variant="plain" disabled={readOnly} onClick={() => { setRateEdit(null); setRateNew({ gateway: g.gateway, percent: "", fixedAmount: "0", effectiveFrom: today }); }}>{`Add a rate for ${g.gateway}`}</Button>
                              </InlineStack>
                            ) : rate ? <Text as="span" tone="subdued">{`${rate.percent}% + ${$(rate.fixedAmount)}`}</Text> : <Text as="span" tone="subdued">Fees from Shopify</Text>}
                          </InlineStack>
                        </li>
                      );
                    })}
                  </ul>
                ) : <Text as="p" tone="subdued">No payment transactions synced in the last 12 months yet.</Text>}
                {expenses.rates.length ? (
                  <ul style={listStyle} aria-label="Fee rates">
                    {expenses.rates.map((r) => (
                      <EntryRow key={r.id} entity="rate" id={r.id} readOnly={readOnly} badge={other(r)} onEdit={() => setRateEdit(r)}
                        text={`${r.gateway}: ${r.percent}% + ${formatMoney(r.fixedAmount, r.currencyCode)} per transaction, from ${r.effectiveFrom}`} />
                    ))}
                  </ul>
                ) : null}
                <EntryForm entity="rate" title="a fee rate" readOnly={readOnly} editing={rateEdit?.id ?? null} initial={rateInitial}
                  onDone={() => { setRateEdit(null); setRateNew({ gateway: "", percent: "", fixedAmount: "0", effectiveFrom: today }); }}
                  fields={[
                    { name: "gateway", label: "Gateway", helpText: seen.gateways.length ? `As Shopify names it, e.g. ${seen.gateways.slice(0, 4).map((g) => g.gateway).join(", ")}` : "As Shopify names it on the order's transactions, e.g. paypal" },
                    { name: "percent", label: "Percent of the amount", type: "number" },
                    { name: "fixedAmount", label: `Fixed amount per transaction (${currencyCode})`, type: "number" },
                    { name: "effectiveFrom", label: "Effective from", type: "date", helpText: "Applies from this day until a later rate for the same gateway." },
                  ]} />
              </BlockStack>
            </section>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <section aria-labelledby="shipping-heading">
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd" id="shipping-heading">Shipping cost rules</Text>
                <Text as="p" tone="subdued">
                  Shopify does not report what shipping labels cost you, so shipping costs come from these rules, applied to the days they cover. Rules in force on the same day add up.
                </Text>
                {expenses.rules.length ? (
                  <ul style={listStyle} aria-label="Shipping rules">
                    {expenses.rules.map((r) => (
                      <EntryRow key={r.id} entity="shipping" id={r.id} readOnly={readOnly} badge={other(r)} onEdit={() => setRuleEdit(r)}
                        text={`${formatMoney(r.amount, r.currencyCode)} ${r.kind === "per_item" ? "per item" : r.kind === "per_order" ? "per order" : `per order shipped by "${r.method}"`}, ${r.effectiveTo ? `${r.effectiveFrom} to ${r.effectiveTo}` : `from ${r.effectiveFrom}`}`} />
                    ))}
                  </ul>
                ) : <Text as="p" tone="subdued">No shipping rules: net profit counts no shipping costs.</Text>}
                <EntryForm entity="shipping" title="a shipping rule" readOnly={readOnly} editing={ruleEdit?.id ?? null} initial={ruleInitial} onDone={() => setRuleEdit(null)}
                  fields={[
                    { name: "kind", label: "Charge", options: SHIPPING_KINDS },
                    { name: "method", label: "Shipping method", hidden: (v) => v.kind !== "per_method_order", helpText: methods ? `Methods on your orders: ${methods}` : "The shipping line's title on your orders, e.g. Standard" },
                    { name: "amount", label: `Amount (${currencyCode})`, type: "number" },
                    { name: "effectiveFrom", label: "Effective from", type: "date" },
                    { name: "effectiveTo", label: "Effective to", type: "date", optional: true },
                  ]} />
              </BlockStack>
            </section>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <section aria-labelledby="custom-heading">
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd" id="custom-heading">Custom costs</Text>
                <Text as="p" tone="subdued">
                  Apps, salaries, rent, a trade fair: a monthly cost is spread evenly over the days of each month; a one-off cost falls on its day, or is spread evenly over its date range.
                </Text>
                {expenses.costs.length ? (
                  <ul style={listStyle} aria-label="Custom costs">
                    {expenses.costs.map((c) => (
                      <EntryRow key={c.id} entity="custom" id={c.id} readOnly={readOnly} badge={other(c)} onEdit={() => setCostEdit(c)}
                        text={`${c.name}: ${formatMoney(c.amount, c.currencyCode)} ${c.kind === "monthly" ? `a month from ${c.startsOn}${c.endsOn ? ` to ${c.endsOn}` : ""}` : c.endsOn ? `spread ${c.startsOn} to ${c.endsOn}` : `on ${c.startsOn}`}`} />
                    ))}
                  </ul>
                ) : null}
                <EntryForm entity="custom" title="a custom cost" readOnly={readOnly} editing={costEdit?.id ?? null} initial={costInitial} onDone={() => setCostEdit(null)}
                  fields={[
                    { name: "name", label: "Name" },
                    { name: "kind", label: "Kind", options: COST_KINDS },
                    { name: "amount", label: `Amount (${currencyCode})`, type: "number" },
                    { name: "startsOn", label: "Start date", type: "date" },
                    { name: "endsOn", label: "End date", type: "date", optional: true },
                  ]} />
              </BlockStack>
            </section>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
