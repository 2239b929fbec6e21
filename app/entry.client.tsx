/**
 * Hydration in one uninterrupted step, not as a transition (Remix's default entry wraps it in
 * startTransition).
 *
 * Remix creates its router, publishes it (window.__remixRouter) and starts listening to the
 * history inside the hydration render, while <RouterProvider> reads the router's state only when
 * React reaches it. As a transition, React renders in 5 ms slices and lets other tasks run in
 * between: a navigation started in such a gap (a back/forward popstate, anything that drives the
 * router, a test) changes that state mid-hydration, the page renders something else than the
 * server's HTML (the next period loading, or its answer) and React throws #418 and throws the
 * server's HTML away. On a loaded machine the dashboard's hydration spans many slices (seen once
 * in CI; tests/e2e/hydration.test.ts reproduces it). Outside a transition the hydration renders
 * and commits in one task, and the router's subscribers exist before any other code runs: a
 * navigation then is an ordinary client navigation. The cost is one longer task at load, during
 * which the page could not respond anyway (its handlers are not attached until hydration ends).
 */
import { RemixBrowser } from "@remix-run/react";
import { StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

import { reportUnlessBoundaryUpdatedEarly } from "~/lib/recoverable-errors";

/**
 * Once the whole document has arrived. Remix loads this script `async`, so it can run while a
 * page is still streaming: the dashboard's shell and skeleton are painted, its figures not yet
 * sent (on a first open they follow the token exchange and the install). Hydrating then leaves
 * the figures' Suspense boundary waiting, and the update Polaris' providers make just after
 * mounting (PortalsManager's context, set in an effect, above every page) reaches that boundary
 * before it can hydrate: React throws its server HTML away and logs #421 (seen in
 * tests/e2e/first-sync.test.ts). The page needs no script to be seen meanwhile (the skeleton, then
 * the figures React's own inline script swaps in); it becomes interactive when complete. A
 * narrower form of the same race remains once complete: app/lib/recoverable-errors.ts.
 */
function hydrate() {
  hydrateRoot(
    document,
    <StrictMode>
      <RemixBrowser />
    </StrictMode>,
    { onRecoverableError: (error) => reportUnlessBoundaryUpdatedEarly(error) },
  );
}

/**
 * After the browser has painted what it has. Hydration is one long task (above); started as soon
 * as the document is complete, it ran before the frame's first paint whenever the whole page had
 * arrived before the browser produced a frame (a later open, the figures streamed quickly), and
 * the first paint waited for it (tests/e2e/first-sync.test.ts: the document complete and its
 * styles in at ~160 ms, the first paint at ~400 ms). A requestAnimationFrame callback runs just
 * before the next paint, a task queued from it just after. A hidden document produces no frames:
 * it hydrates at once.
 */
function afterNextPaint(run: () => void) {
  if (document.visibilityState === "hidden") run();
  else requestAnimationFrame(() => setTimeout(run, 0));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => afterNextPaint(hydrate), { once: true });
else afterNextPaint(hydrate);
