/**
 * The drivers (narrative-drivers.ts) in words, for the local writer and the weekly
 * email. Pure and deterministic. Money in the input's currency; changes follow
 * change.ts's rule (positive = the figure got bigger) and effects are said as what
 * they did to the figure ("added", "took off").
 */
import type { DriverKey, FigureDrivers } from "./narrative-drivers";
import type { NarrativeInput } from "./narrative";

export type Money = (amount: string) => string;

const positive = (amount: string) => Number(amount) > 0;
const unsigned = (amount: string) => amount.replace(/^-/, "");
const pct = (value: number) => `${Math.abs(value).toFixed(1).replace(/\.0$/, "")}%`;

/** "+$800.00" / "−$400.00": an effect on the figure. */
export const signed = ($: Money, amount: string) => `${positive(amount) ? "+" : "−"}${$(unsigned(amount))}`;

const perOrder = (m: NarrativeInput["metrics"]) => (m.orders > 0 ? Number(m.grossSales) / m.orders : null);

/** " (up 13.5%)": the figure's own change under change.ts's rule, when there is one. */
function percentOf(input: NarrativeInput, key: "orders" | "discounts" | "returns"): string {
  const c = input.changesPercent[key];
  if (c === null || c === undefined || Number(c) === 0) return "";
  return ` (${Number(c) > 0 ? "up" : "down"} ${pct(Number(c))})`;
}

/** What a part of a change was, in a few words: "22 more orders", "more returns", "higher custom costs". */
export function partWords(driver: DriverKey, effect: string, input: NarrativeInput): string {
  const up = positive(effect);
  const m = input.metrics;
  const before = input.comparisonMetrics;
  switch (driver) {
    case "orders": {
      const diff = before ? m.orders - before.orders : 0;
      return diff === 0 ? (up ? "more orders" : "fewer orders") : `${Math.abs(diff).toLocaleString("en-US")} ${diff > 0 ? "more" : "fewer"} order${Math.abs(diff) === 1 ? "" : "s"}${percentOf(input, "orders")}`;
    }
    case "orderSize": {
      const [now, then] = [perOrder(m), before ? perOrder(before) : null];
      const change = now !== null && then ? ((now - then) / then) * 100 : null;
      return `${up ? "larger" : "smaller"} orders${change !== null ? ` (gross sales per order ${change >= 0 ? "up" : "down"} ${pct(change)})` : ""}`;
    }
    // Discounts and returns are stored negative: a negative effect means more was deducted.
    case "discounts": return `${up ? "less discounting" : "more discounting"}${percentOf(input, "discounts")}`;
    case "returns": return `${up ? "fewer returns" : "more returns"}${percentOf(input, "returns")}`;
    case "salesWithCost": return up ? "more sales with a recorded cost" : "fewer sales with a recorded cost";
    case "margin": return up ? "a higher margin" : "a lower margin";
    case "grossProfit": return up ? "higher gross profit" : "lower gross profit";
    case "paymentFees": return up ? "lower payment fees" : "higher payment fees";
    case "shippingCosts": return up ? "lower shipping costs" : "higher shipping costs";
    case "customCosts": return up ? "lower custom costs" : "higher custom costs";
  }
}

const list = (items: string[]) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);

/** "more returns (−$135.00)"; words that end in a bracket take the amount inside it. */
const withAmount = (words: string, amount: string) => (words.endsWith(")") ? `${words.slice(0, -1)}, ${amount})` : `${words} (${amount})`);

/** The part that moved the figure most in its own direction (null: no change, or nothing moved that way). */
export function leadPart(f: FigureDrivers): FigureDrivers["parts"][number] | null {
  if (Number(f.change) === 0) return null;
  return f.parts.find((p) => positive(p.effect) === positive(f.change)) ?? null;
}

/** "within normal day-to-day variation (±$40.00)" when the change is noise. */
export const noiseWords = ($: Money, f: FigureDrivers) =>
  f.withinNoise && f.noiseBand ? `within normal day-to-day variation (day-to-day swings alone would move it by up to ${$(f.noiseBand)})` : null;

/**
 * One figure's change and what moved it, largest first:
 * "Net sales rose $265.00 (up 5.2%) on the previous period. What moved it, largest first: 22 more orders (+$800.00), …".
 */
export function figureStory(name: string, f: FigureDrivers, changePercent: string | null | undefined, input: NarrativeInput, $: Money, against: string): string {
  const c = Number(f.change);
  const percent = changePercent !== null && changePercent !== undefined ? ` (${Number(changePercent) >= 0 ? "up" : "down"} ${pct(Number(changePercent))})` : "";
  const moved = c === 0 ? `${name} was unchanged on the ${against}` : `${name} ${c > 0 ? "rose" : "fell"} ${$(unsigned(f.change))}${percent} on the ${against}`;
  const noise = noiseWords($, f);
  if (noise) return `${moved}, ${noise}: treat it as noise, not a trend.`;
  const parts = f.parts.map((p) => withAmount(partWords(p.driver, p.effect, input), signed($, p.effect)));
  return parts.length ? `${moved}. What moved it, largest first: ${list(parts)}.` : `${moved}.`;
}

/** The products that moved most, named with their change. */
export function productsStory(products: NonNullable<NonNullable<NarrativeInput["drivers"]>["products"]>, $: Money): string | null {
  if (!products.moved.length) return null;
  const named = products.moved.map((p) => `${p.title} ${signed($, p.change)} (${$(p.netSales)}, from ${$(p.previousNetSales)})`);
  const rest = Number(products.restChange) !== 0 ? `; all other products together ${signed($, products.restChange)}` : "";
  return `The products whose net sales moved most: ${list(named)}${rest}.`;
}

/** The names of the products carrying most of the sales without a cost: "Willow Journal ($1,000.00) and Mug ($250.00)". */
export const gapProducts = (gaps: NonNullable<NarrativeInput["costGaps"]>, $: Money) =>
  list(gaps.products.map((p) => `${p.title} (${$(p.netSalesWithoutCost)} without a cost)`));

/**
 * The one line that says what explains the period best (the weekly email's "top
 * driver"): the biggest part of net sales' change, or that the change is noise.
 * null without a comparison.
 */
export function topDriverLine(input: NarrativeInput, $: Money): string | null {
  const d = input.drivers;
  if (!d) return null;
  const against = (input.comparison?.label ?? "comparison period").toLowerCase();
  const f = d.netSales;
  if (Number(f.change) === 0) return `Net sales were unchanged on the ${against}.`;
  const noise = noiseWords($, f);
  const direction = Number(f.change) > 0 ? "rose" : "fell";
  if (noise) return `Net sales ${direction} ${$(unsigned(f.change))} on the ${against}, ${noise}.`;
  const lead = leadPart(f);
  const product = d.products?.moved.find((p) => positive(p.change) === positive(f.change));
  const byProduct = product ? `; ${product.title} moved most (${signed($, product.change)})` : "";
  return lead
    ? `Net sales ${direction} ${$(unsigned(f.change))} on the ${against}, mostly from ${withAmount(partWords(lead.driver, lead.effect, input), signed($, lead.effect))}${byProduct}.`
    : `Net sales ${direction} ${$(unsigned(f.change))} on the ${against}${byProduct}.`;
}
