import { type AppLoadContext, type EntryContext, type HandleDataRequestFunction, type HandleErrorFunction } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";

import { ensureWorkerStarted } from "~/jobs/worker-singleton.server";
// Job handlers register themselves on import; they must exist before the worker runs.
import "~/jobs/kinds.server";
import { renderDocument } from "~/lib/render-document.server";
import { markShellSent } from "~/lib/shell-signal.server";
import { installConsoleScrubber, log } from "~/log.server";
import { appSecurityHeaders, secureResponse } from "~/security/request-guards.server";

export const streamTimeout = 5000;

// Whatever server imports the build, third-party console output (react-router's
// warnings quote whole URLs, id_token included) is scrubbed like our own logs.
installConsoleScrubber();

// The job worker runs with the app: once per process, when the server imports the build.
ensureWorkerStarted();

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // Shopify's per-shop frame-ancestors arrive only from a loader that verified the
  // session (routes/app.tsx), never from the URL's `shop`; without them nothing may
  // frame the page. Ours are merged in.
  appSecurityHeaders(responseHeaders);
  return renderDocument(<RemixServer context={remixContext} url={request.url} />, {
    allReady: isbot(request.headers.get("user-agent") ?? ""),
    status: responseStatusCode,
    headers: responseHeaders,
    path: new URL(request.url).pathname,
    abortAfterMs: streamTimeout + 1000,
    onShell: () => markShellSent(loadContext),
  });
}

export const handleDataRequest: HandleDataRequestFunction = (response) => secureResponse(response);

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  // Thrown Responses (auth redirects, 4xx) and Remix's own 4xx (no route, bad
  // method) are answers to the request, not errors of the app.
  if (error instanceof Response || (isRouteErrorResponse(error) && error.status < 500)) return;
  // Remix reports a client's legacy `?_data=` request through this hook as an Error
  // whose message starts "Warning:" (server-runtime's requestHandler): a request to
  // note, not a failure of the app.
  if (error instanceof Error && error.message.startsWith("Warning: Single fetch-enabled apps should not be making ?_data requests")) {
    log.warn({ path: new URL(request.url).pathname, method: request.method }, "legacy ?_data request");
    return;
  }
  log.error({ err: error, path: new URL(request.url).pathname, method: request.method }, "unhandled error");
};
