/**
 * What the browser reports of the errors React recovers from during hydration.
 *
 * The dashboard hydrates once its whole document is in (app/entry.client.tsx), yet its figures'
 * boundary can still receive Polaris' post-mount provider update before it hydrates: React
 * Router's <Await> suspends once on any promise it has not seen before, resolved or not (it
 * tracks it with a `.then`), so the boundary stays dehydrated for a microtask, and whether React
 * retries it before the providers' update arrives is a race (CI lost it once). React then
 * recovers by rendering that boundary on the client from the same, already-arrived data: nothing
 * is lost or shown wrong, so that one recoverable error (#421) is not reported. Every other one
 * is, as React's default does — #418, a real mismatch between the server's HTML and the client's,
 * included.
 */
const BOUNDARY_UPDATED_BEFORE_HYDRATED = /Minified React error #421[;\s]|This Suspense boundary received an update before it finished hydrating/;

export function reportUnlessBoundaryUpdatedEarly(error: unknown, report: (error: unknown) => void = defaultReport): void {
  const message = error instanceof Error ? error.message : String(error);
  if (BOUNDARY_UPDATED_BEFORE_HYDRATED.test(message)) return;
  report(error);
}

/** React's own default for a recoverable error. */
function defaultReport(error: unknown): void {
  if (typeof reportError === "function") reportError(error);
  else console.error(error);
}
