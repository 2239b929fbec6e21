/**
 * Display formatting for report figures. Pure, shared by server render and
 * browser, so both print the same text (no hydration mismatch): the locale is
 * fixed rather than read from the browser.
 *
 * Money arrives as exact decimal strings (app/reports/metrics.ts) and is handed
 * to Intl.NumberFormat as a string, which formats it exactly (no float rounding).
 */
import Big from "big.js";

export const DISPLAY_LOCALE = "en-US";

const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string, compact: boolean): Intl.NumberFormat | null {
  const key = `${currency}:${compact}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(DISPLAY_LOCALE, {
        style: "currency",
        currency,
        ...(compact ? { notation: "compact", maximumFractionDigits: 1 } : {}),
      });
    } catch {
      // Not an ISO 4217 code this runtime knows: the caller prints the code instead.
      return null;
    }
    moneyFormats.set(key, format);
  }
  return format;
}

type Decimal = `${number}`;
const asDecimal = (value: string) => value as Decimal;

/** "$1,234.50" in the shop currency; "—" for a figure that does not exist. */
export function formatMoney(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return "—";
  const format = moneyFormat(currency, false);
  return format ? format.format(asDecimal(amount)) : `${amount} ${currency}`;
}

/** "$1.2K": for chart axes, where width matters more than cents. */
export function formatCompactMoney(amount: number, currency: string): string {
  const format = moneyFormat(currency, true);
  return format ? format.format(amount) : `${amount} ${currency}`;
}

const counts = new Intl.NumberFormat(DISPLAY_LOCALE);
export const formatCount = (value: number): string => counts.format(value);

/** "42.5%" from "42.50"; "—" when there is no percentage (nothing to divide by). */
export function formatPercent(value: string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return `${new Big(value).round(1, Big.roundHalfEven).toFixed(1)}%`;
}

// Days are calendar days already in the shop's zone: format them as UTC so the
// viewer's own zone never shifts them by one.
const dayFormat = new Intl.DateTimeFormat(DISPLAY_LOCALE, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
const shortDayFormat = new Intl.DateTimeFormat(DISPLAY_LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });
const monthFormat = new Intl.DateTimeFormat(DISPLAY_LOCALE, { month: "short", year: "numeric", timeZone: "UTC" });
const dayDate = (day: string) => new Date(`${day}T00:00:00Z`);

export const formatDay = (day: string): string => dayFormat.format(dayDate(day));
export const formatShortDay = (day: string): string => shortDayFormat.format(dayDate(day));
export const formatMonth = (day: string): string => monthFormat.format(dayDate(day));

/**
 * "Mar 1 – 7, 2026", "Sep 24 – Oct 23, 2026", "Dec 30, 2025 – Jan 2, 2026".
 * Built by hand rather than with Intl's formatRange: its spacing differs between
 * ICU versions (Node's thin spaces, Chromium's plain ones), and a server-rendered
 * label that the browser formats differently breaks hydration.
 */
export function formatPeriod(period: { from: string; to: string }): string {
  const { from, to } = period;
  if (from === to) return formatDay(from);
  const toYear = to.slice(0, 4);
  if (from.slice(0, 4) !== toYear) return `${formatDay(from)} – ${formatDay(to)}`;
  const end = from.slice(0, 7) === to.slice(0, 7) ? String(Number(to.slice(8, 10))) : formatShortDay(to);
  return `${formatShortDay(from)} – ${end}, ${toYear}`;
}

export interface ChangeView {
  /** "12.3%" or "2.1 pts", without sign; the direction carries it. */
  text: string;
  direction: "up" | "down" | "flat";
  /** Whether the move is good news for the merchant; undefined when neither. */
  tone: "success" | "critical" | undefined;
  /** For screen readers: "Up 12.3% from the comparison period". */
  label: string;
}

export interface ChangeOptions {
  /** Costs: a rise is bad news. */
  lowerIsBetter?: boolean;
  /** Percentage points rather than percent (for margins). */
  unit?: "percent" | "points";
}

/**
 * How to show a change against the comparison period; null when there is none.
 * The change follows app/reports/change.ts's rule (positive = the figure got
 * bigger, deductions included), so up is up on every figure; only the tone differs.
 */
export function describeChange(change: string | null | undefined, options: ChangeOptions = {}): ChangeView | null {
  if (change === null || change === undefined) return null;
  const value = new Big(change);
  const rounded = value.round(1, Big.roundHalfEven);
  const direction = rounded.gt(0) ? "up" : rounded.lt(0) ? "down" : "flat";
  const text = options.unit === "points" ? `${rounded.abs().toFixed(1)} pts` : `${rounded.abs().toFixed(1)}%`;
  const good = options.lowerIsBetter ? direction === "down" : direction === "up";
  const tone = direction === "flat" ? undefined : good ? "success" : "critical";
  const label = direction === "flat" ? "No change from the comparison period" : `${direction === "up" ? "Up" : "Down"} ${text} from the comparison period`;
  return { text, direction, tone, label };
}

/** Change of a margin in percentage points ("42.50" vs "40.00" → "2.50"). */
export function pointChange(current: string | null | undefined, previous: string | null | undefined): string | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  return new Big(current).minus(previous).toFixed(2);
}
