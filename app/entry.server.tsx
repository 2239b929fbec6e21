import { PassThrough } from "node:stream";

import { createReadableStreamFromReadable, type EntryContext, type HandleDataRequestFunction, type HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";

import { env } from "~/env.server";
import { ensureWorkerStarted } from "~/jobs/worker-singleton.server";
// Job handlers register themselves on import; they must exist before the worker runs.
import "~/sync/jobs.server";
import "~/jobs/maintenance.server";
import "~/reports/jobs.server";
import { log } from "~/log.server";
import { securityHeaders } from "~/security/headers.server";
import { addDocumentResponseHeaders } from "~/shopify.server";

export const streamTimeout = 5000;

// The job worker runs with the app: once per process, when the server imports the build.
ensureWorkerStarted();

const headerOptions = { extraFrameAncestors: env.SIMULATED_ADMIN_ORIGIN ? [env.SIMULATED_ADMIN_ORIGIN] : [] };

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // Shopify's per-shop frame-ancestors first; ours are merged into it.
  addDocumentResponseHeaders(request, responseHeaders);
  securityHeaders(responseHeaders, headerOptions);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} />,
      {
        [callbackName]: () => {
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError: reject,
        onError: (error) => {
          responseStatusCode = 500;
          log.error({ err: error }, "render error");
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}

export const handleDataRequest: HandleDataRequestFunction = (response) => {
  securityHeaders(response.headers, headerOptions);
  return response;
};

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  // Thrown Responses (auth redirects, 4xx) are control flow, not errors.
  if (error instanceof Response) return;
  log.error({ err: error, path: new URL(request.url).pathname, method: request.method }, "unhandled error");
};
