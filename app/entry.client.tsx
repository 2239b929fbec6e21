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

hydrateRoot(
  document,
  <StrictMode>
    <RemixBrowser />
  </StrictMode>,
);
