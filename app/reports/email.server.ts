/**
 * The weekly report email. Sent only when SMTP_URL and SMTP_FROM are configured and
 * the shop set a recipient; otherwise the report just appears in the app's list.
 *
 * nodemailer (zero dependencies) does the SMTP: STARTTLS/implicit TLS, AUTH, MIME
 * encoding and header folding. A hand-written SMTP client would be the riskier code
 * here (header injection, dot-stuffing, encodings). Every merchant-controlled string
 * (product titles inside the narrative) is escaped in the HTML part.
 */
import { createTransport } from "nodemailer";

import { env } from "~/env.server";

import { computeChanges, changeInWords, hasComparisonData, type ChangeKey } from "./change";
import type { Metrics } from "./metrics";
import type { Narrative } from "./narrative";

export const emailConfigured = (): boolean => Boolean(env.SMTP_URL && env.SMTP_FROM);

export interface WeeklyEmail {
  to: string;
  shopName: string;
  period: { from: string; to: string };
  currencyCode: string;
  metrics: Pick<Metrics, "netSales" | "orders" | "grossProfit" | "grossMarginPercent"> & Partial<Metrics>;
  /** The week before, for the changes (change.ts's rule); absent: no comparison is written. */
  previous?: Metrics | null;
  narrative: Narrative | null;
  /** "Written by Claude (model)" or "Written by Margin Notes (no AI)". */
  narrativeLabel: string | null;
  /** What explains the week's change best (narrative-story.ts' topDriverLine); absent or null: not written. */
  topDriver?: string | null;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Net profit includes fees estimated from the merchant's rates, or misses unrated ones: the email says so, as the card does. */
function estimateNote(m: WeeklyEmail["metrics"], money: (amount: string) => string): string {
  const notes = [
    ...(m.paymentFeesEstimated !== undefined && Number(m.paymentFeesEstimated) !== 0 ? [`an estimate: includes ${money(m.paymentFeesEstimated)} of payment fees estimated from your rates`] : []),
    ...(m.unratedTransactions ? [`${m.unratedTransactions} transaction${m.unratedTransactions === 1 ? "" : "s"} without fee data or rate not counted`] : []),
  ];
  return notes.length ? ` (${notes.join("; ")})` : "";
}

/** The email's subject and bodies (pure; tested on its own). */
export function composeWeeklyEmail(mail: WeeklyEmail): { subject: string; text: string; html: string } {
  const money = (amount: string) => new Intl.NumberFormat("en-US", { style: "currency", currency: mail.currencyCode }).format(amount as unknown as number);
  // The subject is a header: no line breaks from the shop name.
  const shopName = mail.shopName.replace(/[\r\n]+/g, " ").slice(0, 100);
  const subject = `${shopName}: weekly report, ${mail.period.from} to ${mail.period.to}`;
  // Changes under change.ts's rule: "Returns: -$1,135.00 (up 13.5% on the previous week)".
  const { previous } = mail;
  const changes = previous && mail.metrics.returns !== undefined ? computeChanges(mail.metrics as Metrics, previous) : null;
  const against = (key: ChangeKey) => {
    if (!previous) return "";
    if (!hasComparisonData(previous)) return " (no data for the previous week)";
    const words = changeInWords(changes?.[key]);
    return words ? ` (${words} on the previous week)` : "";
  };
  const figures = [
    `Net sales: ${money(mail.metrics.netSales)}${against("netSales")}`,
    `Orders: ${mail.metrics.orders}${against("orders")}`,
    `Gross profit: ${money(mail.metrics.grossProfit)}${mail.metrics.grossMarginPercent ? ` (${mail.metrics.grossMarginPercent}% margin)` : ""}${against("grossProfit")}`,
    ...(mail.metrics.returns !== undefined ? [`Returns: ${money(mail.metrics.returns)}${against("returns")}`] : []),
    // A snapshot saved before net profit has none: no line rather than a made-up one.
    ...(mail.metrics.netProfit !== undefined ? [`Net profit: ${money(mail.metrics.netProfit)}${estimateNote(mail.metrics, money)}${against("netProfit")}`] : []),
    ...(mail.topDriver ? [`What moved: ${mail.topDriver}`] : []),
  ];
  const n = mail.narrative;
  const sections: Array<[string, string[]]> = n
    ? [["Insights", n.insights.map((i) => i.text)], ["Risks", n.risks], ["Suggested actions", n.actions]]
    : [];
  const text = [
    subject,
    "",
    ...figures,
    "",
    ...(n ? [n.headline, "", ...sections.flatMap(([title, items]) => (items.length ? [title, ...items.map((i) => `- ${i}`), ""] : [])), mail.narrativeLabel ?? ""] : ["No narrative was written for this report (the daily limit was reached)."]),
    "",
    "Open Margin Notes in your Shopify admin to see the full report.",
  ].join("\n");
  const html = [
    `<h1>${escapeHtml(subject)}</h1>`,
    `<ul>${figures.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>`,
    n ? `<h2>${escapeHtml(n.headline)}</h2>` : "<p>No narrative was written for this report (the daily limit was reached).</p>",
    ...sections.map(([title, items]) => (items.length ? `<h3>${escapeHtml(title)}</h3><ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>` : "")),
    mail.narrativeLabel ? `<p><small>${escapeHtml(mail.narrativeLabel)}</small></p>` : "",
    "<p>Open Margin Notes in your Shopify admin to see the full report.</p>",
  ].join("\n");
  return { subject, text, html };
}

export interface SmtpConfig {
  url?: string;
  from?: string;
}

/** Sends the weekly report; returns false (and sends nothing) when SMTP is not configured. */
export async function sendWeeklyReportEmail(mail: WeeklyEmail, smtp: SmtpConfig = { url: env.SMTP_URL, from: env.SMTP_FROM }): Promise<boolean> {
  if (!smtp.url || !smtp.from) return false;
  const transport = createTransport(smtp.url);
  try {
    const { subject, text, html } = composeWeeklyEmail(mail);
    await transport.sendMail({ from: smtp.from, to: mail.to, subject, text, html });
    return true;
  } finally {
    transport.close();
  }
}
