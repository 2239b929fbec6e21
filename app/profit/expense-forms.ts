/**
 * The Expenses page's forms, as posted, validated once here (the route parses with
 * these; expenses.server.ts writes what they output). Pure: the page reads the field
 * names and limits from here too. Money is text matched by a pattern and kept as
 * text (big.js and numeric(20,4) downstream), never a float.
 */
import { z } from "zod";

import type { CustomCost, FeeRate, ShippingRule } from "./net-profit";

/** The entries as stored (expenses.server.ts reads them), each in the currency it was entered in. */
export interface StoredFeeRate extends FeeRate {
  id: string;
  currencyCode: string;
}
export interface StoredShippingRule extends ShippingRule {
  id: string;
  currencyCode: string;
}
export interface StoredCustomCost extends CustomCost {
  id: string;
  name: string;
  currencyCode: string;
}

export interface Expenses {
  rates: StoredFeeRate[];
  rules: StoredShippingRule[];
  costs: StoredCustomCost[];
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const toUtc = (day: string) => Date.parse(`${day}T00:00:00Z`);

const Day = (label: string) =>
  z
    .string({ error: `${label} must be a date like 2026-01-31` })
    .trim()
    .regex(ISO_DAY, { message: `${label} must be a date like 2026-01-31`, abort: true })
    .refine((d) => Number.isFinite(toUtc(d)) && new Date(toUtc(d)).toISOString().slice(0, 10) === d, `${label} is not a real calendar date`);

const OptionalDay = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(Day(label).nullable());

/** Up to 15 digits and 4 decimals, not negative: what numeric(20,4) holds. */
const Money = (label: string, { positive = false } = {}) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .transform((v) => v.replace(/,/g, ""))
    .pipe(
      z
        .string()
        .min(1, `${label} is required`)
        .regex(/^\d{1,15}(\.\d{1,4})?$/, `${label} must be an amount like 12.50 (not negative, at most 4 decimals)`)
        .refine((v) => !positive || /[1-9]/.test(v), `${label} must be more than 0`),
    );

const Name = (label: string, max = 100) =>
  z.string({ error: `${label} is required` }).trim().min(1, `${label} is required`).max(max, `${label} is at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), `${label} cannot contain control characters`);

const Id = z.string().uuid("Unknown entry");

export const FeeRateSchema = z
  .object({
    gateway: Name("Gateway"),
    percent: z
      .string({ error: "Percent is required" })
      .trim()
      .regex(/^\d{1,3}(\.\d{1,4})?$/, "Percent must be a number like 2.9 (at most 4 decimals)")
      .refine((v) => Number(v) <= 100, "Percent must be between 0 and 100"),
    fixedAmount: Money("Fixed amount"),
    // 0% and 0.00 is allowed: a gateway with no fees (cash on delivery) is then known, not "unrated".
    effectiveFrom: Day("Effective from"),
  });

export const ShippingRuleSchema = z
  .object({
    kind: z.enum(["per_order", "per_item", "per_method_order"], { error: "Choose how the rule charges" }),
    method: z.string().trim().max(100, "Shipping method is at most 100 characters").optional().transform((v) => (v ? v : null)),
    amount: Money("Amount", { positive: true }),
    effectiveFrom: Day("Effective from"),
    effectiveTo: OptionalDay("Effective to"),
  })
  .superRefine((r, ctx) => {
    if (r.kind === "per_method_order" && !r.method) ctx.addIssue({ code: "custom", path: ["method"], message: "Shipping method is required for a rule by method" });
    if (r.effectiveTo && r.effectiveTo < r.effectiveFrom) ctx.addIssue({ code: "custom", path: ["effectiveTo"], message: "Effective to must be on or after effective from" });
  })
  .transform((r) => ({ ...r, method: r.kind === "per_method_order" ? r.method : null }));

export const CustomCostSchema = z
  .object({
    name: Name("Name"),
    kind: z.enum(["monthly", "one_off"], { error: "Choose monthly or one-off" }),
    amount: Money("Amount", { positive: true }),
    startsOn: Day("Start date"),
    endsOn: OptionalDay("End date"),
  })
  .superRefine((c, ctx) => {
    if (c.endsOn && c.endsOn < c.startsOn) ctx.addIssue({ code: "custom", path: ["endsOn"], message: "End date must be on or after the start date" });
  });

export type FeeRateInput = z.output<typeof FeeRateSchema>;
export type ShippingRuleInput = z.output<typeof ShippingRuleSchema>;
export type CustomCostInput = z.output<typeof CustomCostSchema>;

/** One change on the page: save (add when no id) or delete one entry of a kind. */
export const ExpenseChangeSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save-rate"), id: Id.optional(), values: FeeRateSchema }),
  z.object({ intent: z.literal("delete-rate"), id: Id }),
  z.object({ intent: z.literal("save-shipping"), id: Id.optional(), values: ShippingRuleSchema }),
  z.object({ intent: z.literal("delete-shipping"), id: Id }),
  z.object({ intent: z.literal("save-custom"), id: Id.optional(), values: CustomCostSchema }),
  z.object({ intent: z.literal("delete-custom"), id: Id }),
]);
export type ExpenseChange = z.output<typeof ExpenseChangeSchema>;

export type FieldErrors = Record<string, string>;

/**
 * A posted form (flat fields: intent, id, and the entry's fields) → a change, or
 * the first error per field. Unknown intents are one error, never a throw.
 */
export function parseExpenseForm(form: Record<string, unknown>): { ok: true; change: ExpenseChange } | { ok: false; fieldErrors: FieldErrors } {
  const { intent, id, ...values } = form;
  const parsed = ExpenseChangeSchema.safeParse({ intent, id: id === "" ? undefined : id, values });
  if (parsed.success) return { ok: true, change: parsed.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path[0] === "values" ? issue.path.slice(1) : issue.path;
    const key = String(path[0] ?? "form");
    fieldErrors[key] ??= key === "intent" ? "Unknown action" : issue.message;
  }
  return { ok: false, fieldErrors };
}
