/**
 * "This page's shell is out": a document request's loaders may wait for it before starting
 * work that competes for the process (the dashboard's authentication on a first open: the
 * token exchange, the install's writes and, on the embedded database, every query run in this
 * thread). Keyed by the request's load context, the one object Remix hands both the loaders and
 * entry.server's handleRequest; entry.server marks it when React has the shell
 * (render-document.server.ts).
 */
import type { AppLoadContext } from "@remix-run/node";

interface Signal {
  sent: Promise<void>;
  markSent: () => void;
}

const signals = new WeakMap<AppLoadContext, Signal>();

function signalOf(context: AppLoadContext): Signal {
  let signal = signals.get(context);
  if (!signal) {
    let markSent = () => {};
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    signal = { sent, markSent };
    signals.set(context, signal);
  }
  return signal;
}

/**
 * Resolves once the document's shell is on its way to the browser (and one turn of the event
 * loop more, so its bytes reach the socket before the caller's work starts). Only a document
 * request renders a shell: call it from a loader answering one, or it waits for nothing that
 * will come. Without a load context (a caller outside Remix) it resolves at once.
 */
export async function afterShellSent(context: AppLoadContext | undefined): Promise<void> {
  if (!context) return;
  await signalOf(context).sent;
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The render has its shell (or failed to make one: nobody should wait then either). */
export function markShellSent(context: AppLoadContext | undefined): void {
  if (context) signalOf(context).markSent();
}
