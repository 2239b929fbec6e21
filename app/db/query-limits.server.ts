/**
 * A statement stopped by REQUEST_LIMITS (tenant.server.ts) is the server's
 * trouble, not the merchant's: it becomes a 503 with a message the page can show
 * and a Retry-After, never a raw 500 with a driver's text.
 */

/** query_canceled (statement_timeout) and lock_not_available (lock_timeout). */
const LIMIT_CODES = new Set(["57014", "55P03"]);

/** Whether the error, or any error it wraps (drizzle wraps the driver's), is a limit that fired. */
export function isQueryLimitError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && LIMIT_CODES.has(code)) return true;
  }
  return false;
}

export const REPORT_UNAVAILABLE_MESSAGE = "The report took too long to prepare, so it was stopped. Try again in a moment, or choose a shorter date range.";

/** Runs fn; a limit that fires becomes a 503 Response (thrown, for a Remix loader). */
export async function failFast<T>(fn: () => Promise<T>, message = REPORT_UNAVAILABLE_MESSAGE): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isQueryLimitError(error)) throw error;
    throw new Response(message, { status: 503, headers: { "Retry-After": "5", "Content-Type": "text/plain; charset=utf-8" } });
  }
}
