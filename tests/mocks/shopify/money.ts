/**
 * Money for the simulated store: every amount is an integer count of minor units
 * (cents, yen) in a known currency; arithmetic never touches binary floats.
 * Formatting follows what Shopify's APIs actually print:
 * - GraphQL `Decimal`/`Money` scalars come from Ruby BigDecimal: trailing zeros are
 *   dropped but one fractional digit is kept ("10.0", "12.5", "19.99", "-3.0", "0.0");
 * - REST webhook payloads print the currency's digits ("10.00").
 */

/** ISO 4217 minor-unit digits where they are not 2 (only currencies a test might use). */
const DIGITS: Record<string, number> = {
  JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, XOF: 0, XAF: 0, UGX: 0, PYG: 0,
  KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3,
};

export function currencyDigits(currencyCode: string): number {
  return DIGITS[currencyCode] ?? 2;
}

/** Units of each currency per US dollar: fixed rates, so presentment amounts are reproducible. */
const PER_USD: Record<string, number> = {
  USD: 1, EUR: 0.92, GBP: 0.79, CAD: 1.36, AUD: 1.52, NZD: 1.65, JPY: 149, MXN: 17.1, SEK: 10.4, CHF: 0.88, DKK: 6.87,
  KWD: 0.307,
};

export const PRESENTMENT_CURRENCIES = ["EUR", "GBP", "CAD", "AUD", "JPY", "MXN", "SEK", "CHF"] as const;

/**
 * The fixed exchange rate from `from` to `to` in parts per million of major units
 * (an integer computed once, so every conversion after it is integer arithmetic).
 */
export function ratePpm(from: string, to: string): number {
  const a = PER_USD[from];
  const b = PER_USD[to];
  if (a === undefined || b === undefined) throw new Error(`No simulator exchange rate for ${from} -> ${to}`);
  return Math.round((b / a) * 1_000_000);
}

/** round(a * num / den), half away from zero, exact for any safe integers (BigInt inside). */
export function mulDiv(a: number, num: number, den: number): number {
  if (den <= 0) throw new Error("mulDiv: denominator must be positive");
  const product = BigInt(a) * BigInt(num);
  const d = BigInt(den);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const q = (abs * 2n + d) / (2n * d); // floor(abs/d + 1/2)
  const result = Number(negative ? -q : q);
  if (!Number.isSafeInteger(result)) throw new Error("mulDiv: result is not a safe integer");
  return result;
}

/** Converts minor units of `from` into minor units of `to` at a ppm rate. */
export function convertMinor(minor: number, from: string, to: string, rate: number): number {
  if (from === to) return minor;
  const fromScale = 10 ** currencyDigits(from);
  const toScale = 10 ** currencyDigits(to);
  return mulDiv(minor, rate * toScale, 1_000_000 * fromScale);
}

/**
 * Splits `total` minor units over `weights` proportionally, largest remainder
 * first, so the parts always add up to exactly `total` (Shopify allocates an
 * order-level discount across lines the same way).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (BigInt(total) * BigInt(w)));
  const parts = exact.map((e) => Number(e / BigInt(sum)));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, rem: Number(e % BigInt(sum)) }))
    .sort((x, y) => y.rem - x.rem || x.i - y.i);
  for (let k = 0; left > 0 && k < order.length; k++, left--) parts[order[k]!.i]! += 1;
  return parts;
}

function splitDigits(minor: number, digits: number): { sign: string; whole: string; fraction: string } {
  if (!Number.isSafeInteger(minor)) throw new Error(`Not an integer amount of minor units: ${minor}`);
  const sign = minor < 0 ? "-" : "";
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0");
  return { sign, whole: abs.slice(0, abs.length - digits), fraction: abs.slice(abs.length - digits) };
}

/** "12.50" style: the currency's digits (REST payloads, truth tables). */
export function formatFixed(minor: number, currencyCode: string): string {
  const digits = currencyDigits(currencyCode);
  const { sign, whole, fraction } = splitDigits(minor, digits);
  return digits === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** "12.5" style: how Shopify's GraphQL Decimal and Money scalars print (Ruby BigDecimal). */
export function formatDecimal(minor: number, currencyCode: string): string {
  const digits = currencyDigits(currencyCode);
  const { sign, whole, fraction } = splitDigits(minor, digits);
  const trimmed = fraction.replace(/0+$/, "");
  return `${minor === 0 ? "" : sign}${whole}.${trimmed || "0"}`;
}

/** Parses "12.5", "-3.00", "1500" into minor units of the currency; throws on more digits than it has. */
export function parseMinor(amount: string, currencyCode: string): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new Error(`Not a decimal amount: ${amount}`);
  const digits = currencyDigits(currencyCode);
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > digits) throw new Error(`${amount} has more than ${digits} decimals for ${currencyCode}`);
  const minor = Number(match[2]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return match[1] === "-" ? -minor : minor;
}
