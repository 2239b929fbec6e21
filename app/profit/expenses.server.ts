/**
 * The merchant's expenses (fee rates per gateway, shipping rules, custom costs):
 * the only module that reads or writes gateway_fee_rates, shipping_cost_rules and
 * custom_costs. Writes are owner-only (the route checks, app/security/owner.server.ts),
 * one change per transaction, audited as `expenses.updated` with what changed (kind,
 * operation, id — never the amounts' context beyond the entry itself). An entry is
 * stored in the shop's currency at the time; net profit applies only entries in the
 * shop's current currency (a currency change converts nothing, decision 0009).
 */
import { randomUUID } from "node:crypto";

import { and, asc, eq, sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { customCosts, gatewayFeeRates, shippingCostRules } from "~/db/schema.server";
import { REQUEST_LIMITS, withShop } from "~/db/tenant.server";
import { audit, type Actor, type RequestOrigin } from "~/security/audit.server";
import { readShop } from "~/shops.server";

import type { ExpenseChange, Expenses, FieldErrors } from "./expense-forms";

export type { Expenses };

/** numeric text as stored ("2.9000") → as entered ("2.9"); exact, no float. */
const trimZeros = (value: string) => (value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value);

/** Every expense entry of the shop, in a stable order (gateway/date, then creation). */
export async function readExpenses(tx: Tx, shop: string): Promise<Expenses> {
  const [rates, rules, costs] = [
    await tx.select().from(gatewayFeeRates).where(eq(gatewayFeeRates.shopId, shop)).orderBy(asc(gatewayFeeRates.gateway), asc(gatewayFeeRates.effectiveFrom)),
    await tx.select().from(shippingCostRules).where(eq(shippingCostRules.shopId, shop)).orderBy(asc(shippingCostRules.effectiveFrom), asc(shippingCostRules.createdAt), asc(shippingCostRules.ruleId)),
    await tx.select().from(customCosts).where(eq(customCosts.shopId, shop)).orderBy(asc(customCosts.startsOn), asc(customCosts.createdAt), asc(customCosts.costId)),
  ];
  return {
    rates: rates.map((r) => ({ id: r.rateId, gateway: r.gateway, percent: trimZeros(r.percent), fixedAmount: r.fixedAmount, effectiveFrom: r.effectiveFrom, currencyCode: r.currencyCode })),
    rules: rules.map((r) => ({ id: r.ruleId, kind: r.kind, method: r.method, amount: r.amount, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, currencyCode: r.currencyCode })),
    costs: costs.map((c) => ({ id: c.costId, name: c.name, kind: c.kind, amount: c.amount, startsOn: c.startsOn, endsOn: c.endsOn, currencyCode: c.currencyCode })),
  };
}

/** The entries net profit applies: those in the shop's currency. */
export function applicableExpenses(expenses: Expenses, currencyCode: string): Expenses {
  const same = (e: { currencyCode: string }) => e.currencyCode === currencyCode;
  return { rates: expenses.rates.filter(same), rules: expenses.rules.filter(same), costs: expenses.costs.filter(same) };
}

export const loadExpenses = (shop: string) => withShop(shop, (tx) => readExpenses(tx, shop), { limits: REQUEST_LIMITS });

export type ChangeResult =
  | { ok: true; id: string; operation: "created" | "updated" | "deleted" }
  | { ok: false; status: 404 | 409; message: string; fieldErrors?: FieldErrors };

const actorLabel = (actor: Actor) => (actor.type === "staff" ? `staff:${actor.id}` : actor.type);

/**
 * Applies one validated change (expense-forms.ts) in one transaction: nothing is
 * written unless all of it is, and nothing at all on a refusal (unknown id, a second
 * rate for the same gateway and day). Audited in the same transaction.
 */
export async function changeExpense(shop: string, change: ExpenseChange, actor: Actor, origin: RequestOrigin | null): Promise<ChangeResult> {
  return withShop(shop, async (tx) => {
    // One writer per shop's expenses at a time: the duplicate check below then holds.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`expenses:${shop}`}))`);
    const shopRow = await readShop(tx, shop);
    if (!shopRow) return { ok: false, status: 404, message: "This store is not installed." } as const;
    const by = actorLabel(actor);
    const result = await apply(tx, shop, change, shopRow.currencyCode, by);
    if (result.ok) {
      const entity = change.intent.slice(change.intent.indexOf("-") + 1);
      await audit(tx, shop, {
        action: "expenses.updated",
        actor,
        target: result.id,
        meta: { entity, operation: result.operation, currency: shopRow.currencyCode },
        origin: origin ?? undefined,
      });
    }
    return result;
  }, { limits: REQUEST_LIMITS });
}

async function apply(tx: Tx, shop: string, change: ExpenseChange, currencyCode: string, by: string): Promise<ChangeResult> {
  const now = new Date();
  const notFound = { ok: false, status: 404, message: "That entry no longer exists (deleted meanwhile?). Reload the page." } as const;
  switch (change.intent) {
    case "save-rate": {
      const v = change.values;
      const clash = await tx.select({ id: gatewayFeeRates.rateId }).from(gatewayFeeRates)
        .where(and(eq(gatewayFeeRates.shopId, shop), sql`lower(${gatewayFeeRates.gateway}) = lower(${v.gateway})`, eq(gatewayFeeRates.effectiveFrom, v.effectiveFrom)));
      if (clash.some((c) => c.id !== change.id)) {
        return { ok: false, status: 409, message: "This gateway already has a rate from that date.", fieldErrors: { effectiveFrom: "This gateway already has a rate from this date: edit that one, or pick another date" } };
      }
      const row = { gateway: v.gateway, percent: v.percent, fixedAmount: v.fixedAmount, effectiveFrom: v.effectiveFrom, currencyCode, updatedBy: by, updatedAt: now };
      if (change.id) {
        const done = await tx.update(gatewayFeeRates).set(row).where(and(eq(gatewayFeeRates.shopId, shop), eq(gatewayFeeRates.rateId, change.id))).returning({ id: gatewayFeeRates.rateId });
        return done.length ? { ok: true, id: change.id, operation: "updated" } : notFound;
      }
      const id = randomUUID();
      await tx.insert(gatewayFeeRates).values({ shopId: shop, rateId: id, ...row });
      return { ok: true, id, operation: "created" };
    }
    case "save-shipping": {
      const v = change.values;
      const row = { kind: v.kind, method: v.method, amount: v.amount, effectiveFrom: v.effectiveFrom, effectiveTo: v.effectiveTo, currencyCode, updatedBy: by, updatedAt: now };
      if (change.id) {
        const done = await tx.update(shippingCostRules).set(row).where(and(eq(shippingCostRules.shopId, shop), eq(shippingCostRules.ruleId, change.id))).returning({ id: shippingCostRules.ruleId });
        return done.length ? { ok: true, id: change.id, operation: "updated" } : notFound;
      }
      const id = randomUUID();
      await tx.insert(shippingCostRules).values({ shopId: shop, ruleId: id, ...row });
      return { ok: true, id, operation: "created" };
    }
    case "save-custom": {
      const v = change.values;
      const row = { name: v.name, kind: v.kind, amount: v.amount, startsOn: v.startsOn, endsOn: v.endsOn, currencyCode, updatedBy: by, updatedAt: now };
      if (change.id) {
        const done = await tx.update(customCosts).set(row).where(and(eq(customCosts.shopId, shop), eq(customCosts.costId, change.id))).returning({ id: customCosts.costId });
        return done.length ? { ok: true, id: change.id, operation: "updated" } : notFound;
      }
      const id = randomUUID();
      await tx.insert(customCosts).values({ shopId: shop, costId: id, ...row });
      return { ok: true, id, operation: "created" };
    }
    case "delete-rate": {
      const done = await tx.delete(gatewayFeeRates).where(and(eq(gatewayFeeRates.shopId, shop), eq(gatewayFeeRates.rateId, change.id))).returning({ id: gatewayFeeRates.rateId });
      return done.length ? { ok: true, id: change.id, operation: "deleted" } : notFound;
    }
    case "delete-shipping": {
      const done = await tx.delete(shippingCostRules).where(and(eq(shippingCostRules.shopId, shop), eq(shippingCostRules.ruleId, change.id))).returning({ id: shippingCostRules.ruleId });
      return done.length ? { ok: true, id: change.id, operation: "deleted" } : notFound;
    }
    case "delete-custom": {
      const done = await tx.delete(customCosts).where(and(eq(customCosts.shopId, shop), eq(customCosts.costId, change.id))).returning({ id: customCosts.costId });
      return done.length ? { ok: true, id: change.id, operation: "deleted" } : notFound;
    }
  }
}
