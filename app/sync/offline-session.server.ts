/**
 * The shop's offline session for background work, refreshed at most once at a time.
 *
 * Shopify rotates an expiring offline token's refresh token on use: of two refreshes
 * with the same refresh token, the second fails. The library's
 * `unauthenticated.admin` loads, refreshes and stores with nothing around the three,
 * so concurrent jobs of one shop each refreshed and all but one failed. Here:
 *  - a session comfortably before its expiry is used as stored (no lock);
 *  - otherwise one call per process and shop (single flight) takes the shop's
 *    session lock (an advisory lock, so also one across processes) and runs the
 *    library's load → refresh → store inside it, in the lock's transaction: a caller
 *    that waited on the lock loads the token the first one stored and does not refresh.
 */
import type { Session } from "@shopify/shopify-app-remix/server";

import { sessionStorage, unauthenticated } from "~/shopify.server";

import { withSessionLock } from "~/security/session-storage.server";

// The library refreshes within 5 minutes of expiry; take the lock a minute before that.
const REFRESH_MARGIN_MS = 6 * 60_000;

const inFlight = new Map<string, Promise<Session>>();

/** `loaded`: the stored session as the caller already read it (a live re-read reads it beside the shop's row). */
export async function offlineSession(shop: string, loaded?: { stored: Session | undefined }): Promise<Session> {
  const stored = loaded ? loaded.stored : await sessionStorage.loadSession(`offline_${shop}`);
  if (stored?.accessToken && (!stored.refreshToken || !stored.isExpired(REFRESH_MARGIN_MS))) return stored;
  let flight = inFlight.get(shop);
  if (!flight) {
    flight = withSessionLock(shop, async () => (await unauthenticated.admin(shop)).session).finally(() => inFlight.delete(shop));
    inFlight.set(shop, flight);
  }
  return flight;
}
