/**
 * How both admin blocks read their figures from the app: one fetch to the app's own
 * backend, which Shopify authenticates for us (the admin adds the ID token as a
 * bearer to a fetch to the app's domain, and resolves a relative URL against the
 * app's application_url: https://shopify.dev/docs/api/admin-extensions/latest/network-features#app-authentication).
 * The figures arrive computed and formatted by the app (exact decimals, the same text
 * as its own pages): a block only lays them out.
 */
import { useCallback, useEffect, useState } from "preact/hooks";

export type BlockState<T> =
  | { status: "loading" }
  | { status: "ready"; data: T }
  /** The app holds no such product or order (not synced yet, or outside its history). */
  | { status: "missing" }
  /** `reason` picks the message: the session, the rate limit, or anything else. */
  | { status: "error"; reason: "session" | "busy" | "failed" };

export const blockUrl = (kind: "product" | "order", gid: string) => `/api/extensions/${kind}/${encodeURIComponent(gid)}`;

async function readBlock<T>(url: string): Promise<BlockState<T>> {
  try {
    const response = await fetch(url);
    if (response.ok) return { status: "ready", data: (await response.json()) as T };
    if (response.status === 404) return { status: "missing" };
    if (response.status === 401 || response.status === 403) return { status: "error", reason: "session" };
    if (response.status === 429) return { status: "error", reason: "busy" };
    return { status: "error", reason: "failed" };
  } catch {
    // Offline, or the answer was not JSON.
    return { status: "error", reason: "failed" };
  }
}

/** The block's data for `url` (null: nothing selected), and a retry. */
export function useBlockData<T>(url: string | null): [BlockState<T>, () => void] {
  const [state, setState] = useState<BlockState<T>>(url ? { status: "loading" } : { status: "missing" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!url) return;
    let current = true;
    setState({ status: "loading" });
    void readBlock<T>(url).then((next) => {
      if (current) setState(next);
    });
    return () => {
      current = false;
    };
  }, [url, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return [state, retry];
}
