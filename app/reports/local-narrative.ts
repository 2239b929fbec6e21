/**
 * A narrative written by Margin Notes itself, without AI: used when no Anthropic key
 * is configured (the demo, offline installs), when the merchant asks for it, and as
 * the fallback when Claude's answer fails validation twice. Pure and deterministic:
 * the same NarrativeInput always gives the same narrative, from the same figures the
 * model would have seen. Labelled "Written by Margin Notes (no AI)" in the UI.
 */
import { NarrativeSchema, PERIOD_LABELS, type CitableKey, type Narrative, type NarrativeInput } from "./narrative";

export const LOCAL_NARRATIVE_VERSION = "local-2";

/** How each part of net profit reads in a sentence (input v3's netProfitDrivers). */
const PART_WORDS = { grossProfit: "gross profit", paymentFees: "payment fees", shippingCosts: "shipping costs", customCosts: "custom costs" } as const;

/** Net profit and what moved it, when the report has net profit (snapshots before it do not). */
function netProfitInsight(input: NarrativeInput, $: (amount: string) => string, against: string): string | null {
  const m = input.metrics;
  if (m.netProfit === undefined || m.paymentFees === undefined || m.shippingCosts === undefined || m.customCosts === undefined) return null;
  const estimated = m.paymentFeesEstimated !== undefined && Number(m.paymentFeesEstimated) !== 0 ? ` (${$(m.paymentFeesEstimated)} of the fees estimated from your rates)` : "";
  let text = `Net profit was ${$(m.netProfit)}: gross profit of ${$(m.grossProfit)}, less ${$(m.paymentFees)} of payment fees${estimated}, ` +
    `${$(m.shippingCosts)} of shipping costs and ${$(m.customCosts)} of custom costs${changeWords(input.changesPercent.netProfit, against)}.`;
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

export function writeLocalNarrative(input: NarrativeInput): Narrative {
  const m = input.metrics;
  const cur = input.currencyCode;
  const $ = (amount: string) => money(amount, cur);
  const against = (input.comparison?.label ?? PERIOD_LABELS.previous_period).toLowerCase();
  const changes = input.changesPercent;
  const hasSales = m.orders > 0 || Number(m.netSales) !== 0;

  const headline = hasSales
    ? `Net sales of ${$(m.netSales)} from ${plural(m.orders, "order")}${changeWords(changes.netSales, against)}.`
    : "No sales were recorded in this period.";

  const insights: Array<{ metric: CitableKey; text: string }> = [];
  insights.push({
    metric: "netSales",
    text: `Net sales were ${$(m.netSales)}: gross sales of ${$(m.grossSales)}, less ${$(abs(m.discounts))} of discounts and ${$(abs(m.returns))} of returns${changeWords(changes.netSales, against)}.`,
  });
  if (m.grossMarginPercent !== null) {
    const marginBefore = input.comparisonMetrics?.grossMarginPercent;
    const trend = marginBefore !== null && marginBefore !== undefined ? ` (${marginBefore}% in the ${against})` : "";
    insights.push({
      metric: "grossMarginPercent",
      text: `Gross profit was ${$(m.grossProfit)}, a ${m.grossMarginPercent}% margin on sales with a recorded cost${trend}.`,
    });
  } else if (hasSales) {
    insights.push({ metric: "costCoveragePercent", text: "No product costs are recorded for these sales, so gross profit cannot be computed." });
  }
  if (m.averageOrderValue !== null) {
    insights.push({
      metric: "averageOrderValue",
      text: `${plural(m.orders, "order")} averaged ${$(m.averageOrderValue)} each${changeWords(changes.averageOrderValue, against)}.`,
    });
  }
  const net = netProfitInsight(input, $, against);
  if (net) insights.push({ metric: input.netProfitDrivers?.largest ? "netProfitDrivers" : "netProfit", text: net });
  const top = input.topProducts.products[0];
  if (top) {
    const s = share(top.netSales, m.netSales);
    insights.push({
      metric: "topProducts",
      text: `${top.title} led the products with ${$(top.netSales)} in net sales from ${plural(top.units, "unit")}${s !== null && s > 0 ? ` (${pct(s)} of net sales)` : ""}.`,
    });
  }
  const buckets = input.dailySales.buckets;
  if (buckets.length >= 2) {
    const best = buckets.reduce((a, b) => (Number(b.netSales) / b.days > Number(a.netSales) / a.days ? b : a));
    const when = best.from === best.to ? best.from : `${best.from} to ${best.to}`;
    insights.push({ metric: "dailySales", text: `The strongest stretch was ${when}, with ${$(best.netSales)} in net sales from ${plural(best.orders, "order")}.` });
  }
  const returnsShare = share(abs(m.returns), m.grossSales);
  if (returnsShare !== null && returnsShare > 0) {
    insights.push({ metric: "returns", text: `Returns took back ${$(abs(m.returns))}, ${pct(returnsShare)} of gross sales.` });
  }
  // Always at least three: totals that every report has.
  if (insights.length < 3) insights.push({ metric: "totalSales", text: `Total sales, with shipping, duties, fees and taxes, were ${$(m.totalSales)}.` });
  if (insights.length < 3) insights.push({ metric: "units", text: `${plural(m.units, "unit")} were sold in ${plural(m.orders, "order")}.` });

  const risks: string[] = [];
  if (hasSales && m.orders < 5) risks.push(`Only ${plural(m.orders, "order")} in this period: the figures are a small sample.`);
  if (returnsShare !== null && returnsShare >= 10) risks.push(`Returns are ${pct(returnsShare)} of gross sales.`);
  const netChange = num(changes.netSales);
  if (netChange !== null && netChange <= -10) risks.push(`Net sales fell ${pct(netChange)} against the ${against}.`);
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
  if (coverage !== null && coverage < 100) actions.push("Add unit costs in Shopify for the products that have none, so profit covers every sale.");
  if (returnsShare !== null && returnsShare >= 10) actions.push("Review the reasons for returns on your best-selling products.");
  const discountShare = share(abs(m.discounts), m.grossSales);
  if (discountShare !== null && discountShare >= 15) actions.push(`Review discount use: discounts were ${pct(discountShare)} of gross sales.`);
  if (m.unratedTransactions !== undefined && m.unratedTransactions > 0) actions.push("Enter a fee rate on the Expenses page for the payment gateways without fee data, so net profit counts their fees.");
  if (top) actions.push(`Keep ${top.title} in stock and easy to find: it brings in the most net sales.`);
  actions.push("Save the same report next period to see whether these trends hold.");

  return NarrativeSchema.parse({ headline, insights: insights.slice(0, 5), risks: risks.slice(0, 5), actions: actions.slice(0, 5) });
}
