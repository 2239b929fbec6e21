/**
 * A page's HTML as a Response (entry.server.tsx's handleRequest): streamed from the shell on
 * for people, so the frame shows the page's title bar and skeleton while slower parts (the
 * dashboard's figures) follow; whole for crawlers, which read a page once.
 *
 * A render still pending after `abortAfterMs` is stopped (React leaves what is pending to the
 * client): on a busy server that is load, not a fault of the page, so it is logged as a warning
 * with the path; a component that throws is an error. The timer ends with the render, so a
 * finished page leaves nothing behind (a timer per page kept the process's timer list and the
 * page's closure alive for seconds after every response).
 */
import { createReadableStreamFromReadable } from "@remix-run/node";
import type { ReactElement } from "react";
import { renderToPipeableStream } from "react-dom/server";

import { log } from "~/log.server";

import { createHtmlBody } from "./render-stream.server";

export interface RenderOptions {
  /** Wait for the whole page before answering (crawlers) instead of streaming from the shell on. */
  allReady: boolean;
  status: number;
  headers: Headers;
  /** The request's path, for the log (never its query: session tokens travel there). */
  path: string;
  abortAfterMs: number;
  /** Called once React has the page's shell, or could not make one (shell-signal.server.ts). */
  onShell?: () => void;
}

/** React says this when the reader went away mid-page (a closed tab): nothing of ours failed. */
const CLIENT_GONE = "The destination stream closed early.";

export function renderDocument(element: ReactElement, options: RenderOptions): Promise<Response> {
  const { allReady, headers, path, abortAfterMs, onShell } = options;
  let status = options.status;
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const respond = () => {
      const body = createHtmlBody();
      // However the page ends (complete, stopped, its reader gone), its timer goes with it.
      body.once("close", () => clearTimeout(timer));
      headers.set("Content-Type", "text/html; charset=utf-8");
      resolve(new Response(createReadableStreamFromReadable(body), { headers, status }));
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(element, {
      onShellReady() {
        if (!allReady) respond();
        onShell?.();
      },
      onAllReady() {
        clearTimeout(timer);
        if (allReady) respond();
      },
      onShellError(error) {
        clearTimeout(timer);
        onShell?.();
        reject(error);
      },
      onError(error) {
        if (error instanceof Error && error.message === CLIENT_GONE) {
          log.info({ path }, "client stopped reading the page");
          return;
        }
        status = 500;
        if (timedOut) {
          log.warn({ path, err: error, afterMs: abortAfterMs }, "page render stopped: still pending at its time limit");
          return;
        }
        log.error({ err: error, path }, "render error");
      },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      abort();
    }, abortAfterMs);
  });
}
