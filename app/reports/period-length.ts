/**
 * The one rule on a report period's length, free of zod so the date picker's bundle can hold
 * it: the server (period.ts) refuses what the picker cannot apply, with the same words.
 */
export const MAX_PERIOD_DAYS = 5 * 366;

/** The longest period a report covers, said as the picker says it. */
export const MAX_PERIOD_MESSAGE = "A date range can be at most 5 years";

const dayMs = 86_400_000;
const toUtc = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** Days in an inclusive range of calendar days. */
export const daysIn = (p: { from: string; to: string }) => Math.round((toUtc(p.to) - toUtc(p.from)) / dayMs) + 1;

export const periodTooLong = (p: { from: string; to: string }) => daysIn(p) > MAX_PERIOD_DAYS;
