/**
 * A narrative written by Margin Notes itself, without AI: used when no Anthropic key
 * is configured (the demo, offline installs), when the merchant asks for it, and as
 * the fallback when Claude's answer fails validation twice. Pure and deterministic:
 * the same NarrativeInput always gives the same narrative, from the same figures the
 * model would have seen. Labelled "Written by Margin Notes (no AI)" in the UI.
 * With a comparison it tells the story in the order of what explains the change
 * most (input.drivers): net sales' parts, the products that moved, net profit's and
 * gross profit's parts; a change within normal day-to-day variation is called noise.
 */
import { NarrativeSchema, PERIOD_LABELS, type CitableKey, type Narrative, type NarrativeInput } from "./narrative";
import { figureStory, gapProducts, leadPart, noiseWords, partWords, productsStory } from "./narrative-story";

/** local-3: leads with the ranked drivers (input v4), names products, calls noise noise. */
export const LOCAL_NARRATIVE_VERSION = "local-3";

/** How each part of net profit reads in a sentence (input v3's netProfitDrivers). */
const PART_WORDS = { grossProfit: "gross profit", paymentFees: "payment fees", shippingCosts: "shipping costs", customCosts: "custom costs" } as const;

/** Net profit and what moved it, when the report has net profit (snapshots before it do not). */
function netProfitInsight(input: NarrativeInput, $: (amount: string) => string, against: string): string | null {
  const m = input.metrics;
  if (m.netProfit === undefined || m.paymentFees === undefined || m.shippingCosts === undefined || m.customCosts === undefined) return null;
  const estimated = m.paymentFeesEstimated !== undefined && Number(m.paymentFeesEstimated) !== 0 ? ` (${$(m.paymentFeesEstimated)} of the fees estimated from your rates)` : "";
  let text = `Net profit was ${$(m.netProfit)}: gross profit of ${$(m.grossProfit)}, less ${$(m.paymentFees)} of payment fees${estimated}, ` +
    `${$(m.shippingCosts)} of shipping costs and ${$(m.customCosts)} of custom costs${changeWords(input.changesPercent.netProfit, against)}.`;
  const story = input.drivers?.netProfit;
  if (story && noiseWords($, story)) return `${text} That change is ${noiseWords($, story)}.`;
  const d = input.netProfitDrivers;
  if (d && d.largest) {
    const effect = d.effects[d.largest];
    const moved = d.largest === "grossProfit"
      ? `${Number(effect) > 0 ? "higher" : "lower"} gross profit`
      : `${Number(effect) > 0 ? "lower" : "higher"} ${PART_WORDS[d.largest]}`;
    text += ` The biggest mover against the ${against} was ${moved} (${Number(effect) > 0 ? "+" : "−"}${$(effect.replace(/^-/, ""))} on net profit).`;
  }
  return text;
}

const num = (value: string | number | null | undefined) => (value === null || value === undefined ? null : Number(value));

function money(amount: string, currency: string): string {
  // Intl formats decimal strings exactly (no binary float in between).
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount as unknown as number);
}

/** Discounts and returns are stored negative; the sentences say "less … of discounts". */
const abs = (amount: string) => amount.replace(/^-/, "");
const pct = (value: number) => `${Math.abs(value).toFixed(1).replace(/\.0$/, "")}%`;
const share = (part: string, whole: string) => {
  const w = Number(whole);
  return w === 0 ? null : (Number(part) / w) * 100;
};
const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

function changeWords(change: string | null | undefined, against: string): string {
  const c = num(change);
  if (c === null) return "";
  if (c === 0) return `, unchanged from the ${against}`;
  return `, ${c > 0 ? "up" : "down"} ${pct(c)} on the ${against}`;
}

/** Product titles (up to 120 characters each) can make a sentence longer than the schema takes: cut with an ellipsis. */
const fit = (text: string, max: number) => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join("").trimEnd()}…`);

export function writeLocalNarrative(input: NarrativeInput): Narrative {
  const m = input.metrics;
  const cur = input.currencyCode;
  const $ = (amount: string) => money(amount, cur);
  const against = (input.comparison?.label ?? PERIOD_LABELS.previous_period).toLowerCase();
  const changes = input.changesPercent;
  const hasSales = m.orders > 0 || Number(m.netSales) !== 0;
  const drivers = input.drivers;

  const base = `Net sales of ${$(m.netSales)} from ${plural(m.orders, "order")}${changeWords(changes.netSales, against)}`;
  const lead = drivers ? leadPart(drivers.netSales) : null;
  const headline = !hasSales
    ? "No sales were recorded in this period."
    : drivers && drivers.netSales.withinNoise
      ? `${base}: within normal day-to-day variation.`
      : lead
        ? `${base}, mostly from ${partWords(lead.driver, lead.effect, input)}.`
        : `${base}.`;

  // Ranked: what explains the change most comes first.
  const insights: Array<{ metric: CitableKey; text: string }> = [];
  if (drivers) insights.push({ metric: "drivers", text: figureStory("Net sales", drivers.netSales, changes.netSales, input, $, against) });
  const moved = drivers?.products ? productsStory(drivers.products, $) : null;
  if (moved && !drivers!.netSales.withinNoise) insights.push({ metric: "topProducts", text: moved });
  const net = netProfitInsight(input, $, against);
  if (net) insights.push({ metric: input.netProfitDrivers?.largest ? "netProfitDrivers" : "netProfit", text: net });
  if (m.grossMarginPercent !== null) {
    const marginBefore = input.comparisonMetrics?.grossMarginPercent;
    const trend = marginBefore !== null && marginBefore !== undefined ? ` (${marginBefore}% in the ${against})` : "";
    const gp = drivers?.grossProfit;
    const why = gp && Number(gp.change) !== 0 ? ` ${figureStory("It", gp, changes.grossProfit, input, $, against)}` : "";
    insights.push({
      metric: "grossMarginPercent",
      text: `Gross profit was ${$(m.grossProfit)}, a ${m.grossMarginPercent}% margin on sales with a recorded cost${trend}.${why}`,
    });
  } else if (hasSales) {
    insights.push({ metric: "costCoveragePercent", text: "No product costs are recorded for these sales, so gross profit cannot be computed." });
  }
  const gaps = input.costGaps;
  if (gaps && gaps.products.length) {
    insights.push({ metric: "costGaps", text: `${$(gaps.netSalesWithoutCost)} of net sales has no recorded cost, so its profit is not counted; most of it is ${gapProducts(gaps, $)}.` });
  }
  if (!drivers) {
    insights.push({
      metric: "netSales",
      text: `Net sales were ${$(m.netSales)}: gross sales of ${$(m.grossSales)}, less ${$(abs(m.discounts))} of discounts and ${$(abs(m.returns))} of returns${changeWords(changes.netSales, against)}.`,
    });
  }
  if (m.averageOrderValue !== null) {
    insights.push({
      metric: "averageOrderValue",
      text: `${plural(m.orders, "order")} averaged ${$(m.averageOrderValue)} each${changeWords(changes.averageOrderValue, against)}.`,
    });
  }
  const top = input.topProducts.products[0];
  if (top) {
    const s = share(top.netSales, m.netSales);
    insights.push({
      metric: "topProducts",
      text: `${top.title} led the products with ${$(top.netSales)} in net sales from ${plural(top.units, "unit")}${s !== null && s > 0 ? ` (${pct(s)} of net sales)` : ""}.`,
    });
  }
  const returnsShare = share(abs(m.returns), m.grossSales);
  if (returnsShare !== null && returnsShare > 0) {
    insights.push({ metric: "returns", text: `Returns took back ${$(abs(m.returns))}, ${pct(returnsShare)} of gross sales${changeWords(changes.returns, against)}.` });
  }
  // Always at least three: totals that every report has.
  if (insights.length < 3) insights.push({ metric: "totalSales", text: `Total sales, with shipping, duties, fees and taxes, were ${$(m.totalSales)}.` });
  if (insights.length < 3) insights.push({ metric: "units", text: `${plural(m.units, "unit")} were sold in ${plural(m.orders, "order")}.` });

  const risks: string[] = [];
  if (hasSales && m.orders < 5) risks.push(`Only ${plural(m.orders, "order")} in this period: the figures are a small sample.`);
  if (returnsShare !== null && returnsShare >= 10) risks.push(`Returns are ${pct(returnsShare)} of gross sales.`);
  const netChange = num(changes.netSales);
  if (netChange !== null && netChange <= -10 && !drivers?.netSales.withinNoise) risks.push(`Net sales fell ${pct(netChange)} against the ${against}.`);
  const marginNow = num(m.grossMarginPercent);
  const marginBefore = num(input.comparisonMetrics?.grossMarginPercent);
  if (marginNow !== null && marginBefore !== null && marginNow <= marginBefore - 2) {
    risks.push(`Gross margin slipped from ${input.comparisonMetrics!.grossMarginPercent}% to ${m.grossMarginPercent}%.`);
  }
  const coverage = num(m.costCoveragePercent);
  if (coverage !== null && coverage < 80) risks.push(`Only ${m.costCoveragePercent}% of net sales have a recorded cost, so profit figures are incomplete.`);
  if (m.netProfit !== undefined && Number(m.netProfit) < 0 && hasSales) risks.push(`Net profit is negative (${$(m.netProfit)}): the expenses exceed gross profit.`);
  if (m.unratedTransactions !== undefined && m.unratedTransactions > 0) {
    risks.push(`${plural(m.unratedTransactions, "transaction")} had no fee data from Shopify and no fee rate for their gateway, so their fees are missing from net profit.`);
  }
  const backfilled = num(m.backfilledCostPercent);
  if (backfilled !== null && backfilled > 0) risks.push(`${m.backfilledCostPercent}% of costed sales use today's cost for older sales.`);

  const actions: string[] = [];
  if (gaps && gaps.products.length) actions.push(`Add unit costs on the Costs page for ${gaps.products.map((p) => p.title).join(", ")}, so profit covers their sales.`);
  else if (coverage !== null && coverage < 100) actions.push("Add unit costs on the Costs page for the products listed under \"No cost recorded\", so profit covers every sale.");
  if (returnsShare !== null && returnsShare >= 10) actions.push("Review the reasons for returns on your best-selling products.");
  const discountShare = share(abs(m.discounts), m.grossSales);
  if (discountShare !== null && discountShare >= 15) actions.push(`Review discount use: discounts were ${pct(discountShare)} of gross sales.`);
  if (m.unratedTransactions !== undefined && m.unratedTransactions > 0) actions.push("Enter a fee rate on the Expenses page for the payment gateways without fee data, so net profit counts their fees.");
  if (top) actions.push(`Keep ${top.title} in stock and easy to find: it brings in the most net sales.`);
  actions.push("Save the same report next period to see whether these trends hold.");

  return NarrativeSchema.parse({
    headline: fit(headline, 200),
    insights: insights.slice(0, 5).map((i) => ({ ...i, text: fit(i.text, 600) })),
    risks: risks.slice(0, 5).map((r) => fit(r, 400)),
    actions: actions.slice(0, 5).map((a) => fit(a, 400)),
  });
}
