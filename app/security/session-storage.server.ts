/**
 * Shopify's SessionStorage over our own `sessions` table, with both tokens sealed.
 *
 * Invariants:
 *  - No token is ever written in plaintext: access and refresh tokens are sealed
 *    with AAD bound to shop, row and column, and `token_kid` records the key.
 *  - Writes for one shop are serialised by a transaction-scoped advisory lock, and a
 *    write never replaces a newer token with an older one: when two requests refresh
 *    concurrently, Shopify's rotating refresh token that lands last in time wins,
 *    whatever order the writes arrive in.
 *  - Only this module touches `sessions` for the app, always as `app_tenant` with the
 *    session's shop set (withShop): row level security, forced (drizzle/0018), lets a
 *    query reach that shop's rows only. A session id names its shop (the library's
 *    `offline_<shop>` and `<shop>_<user id>`), so loading or deleting by id is scoped
 *    too. Key rotation reads and rewraps as `app_system`.
 *  - A row that cannot be opened (unknown key, tampering) reads as "no session", so
 *    the library re-runs token exchange instead of failing the merchant's request.
 *  - `withSessionLock(shop, fn)` holds that same lock for the whole of fn, and this
 *    storage's loads and stores for the shop inside fn run in the lock's transaction:
 *    load → refresh → store is one critical section (app/sync/offline-session.server.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";

import { Session } from "@shopify/shopify-app-remix/server";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq, inArray, sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { sessions } from "~/db/schema.server";
import { isShopDomain, withShop } from "~/db/tenant.server";
import { log } from "~/log.server";

import { keyIdOf, open, seal, type SealContext } from "./keyring.server";

type SessionRow = typeof sessions.$inferSelect;

export const tokenContext = (shop: string, id: string, column: "access_token" | "refresh_token"): SealContext => ({
  purpose: "shopify-token",
  table: "sessions",
  column,
  shop,
  row: id,
});

async function toRow(session: Session): Promise<typeof sessions.$inferInsert> {
  const accessToken = await seal(session.accessToken ?? "", tokenContext(session.shop, session.id, "access_token"));
  return {
    id: session.id,
    shopId: session.shop,
    state: session.state,
    isOnline: session.isOnline,
    scope: session.scope ?? null,
    expires: session.expires ?? null,
    userId: session.onlineAccessInfo?.associated_user.id ?? null,
    accountOwner: session.onlineAccessInfo?.associated_user.account_owner ?? null,
    accessToken,
    refreshToken: session.refreshToken
      ? await seal(session.refreshToken, tokenContext(session.shop, session.id, "refresh_token"))
      : null,
    refreshTokenExpires: session.refreshTokenExpires ?? null,
    tokenKid: keyIdOf(accessToken),
    updatedAt: new Date(),
  };
}

async function fromRow(row: SessionRow): Promise<Session | undefined> {
  try {
    const session = new Session({
      id: row.id,
      shop: row.shopId,
      state: row.state,
      isOnline: row.isOnline,
      scope: row.scope ?? undefined,
      expires: row.expires ?? undefined,
      accessToken: await open(row.accessToken, tokenContext(row.shopId, row.id, "access_token")),
      refreshToken: row.refreshToken
        ? await open(row.refreshToken, tokenContext(row.shopId, row.id, "refresh_token"))
        : undefined,
      refreshTokenExpires: row.refreshTokenExpires ?? undefined,
    });
    return session;
  } catch (error) {
    log.error({ sessionId: row.id, shop: row.shopId, err: (error as Error).message }, "session could not be opened");
    return undefined;
  }
}

/**
 * The shop a session id belongs to: `offline_<shop>` or `<shop>_<user id>` (a shop
 * domain has no "_"). Undefined for anything else, which then matches no session.
 */
export function shopOfSessionId(id: string): string | undefined {
  const shop = id.startsWith("offline_") ? id.slice("offline_".length) : id.slice(0, Math.max(0, id.lastIndexOf("_")));
  return isShopDomain(shop) ? shop : undefined;
}

/**
 * The shop's stored offline session, read in the caller's withShop transaction (prepared:
 * a live order re-read sends it beside the shop's row, one round trip for both).
 * Opened (its tokens unsealed) after the transaction by `openOfflineSession`.
 */
export async function readOfflineSessionRow(tx: Tx, shop: string): Promise<SessionRow | undefined> {
  const id = `offline_${shop}`;
  const [row] = await tx.select().from(sessions).where(and(eq(sessions.id, id), eq(sessions.shopId, shop))).prepare("offline_session_row").execute();
  return row;
}

/** A row from readOfflineSessionRow as loadSession answers it (a row that cannot be opened: none). */
export const openOfflineSession = (row: SessionRow | undefined): Promise<Session | undefined> => (row ? fromRow(row) : Promise.resolve(undefined));

const lockSessions = (tx: Tx, shop: string) => tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`session:${shop}`}))`);

const lockedSessions = new AsyncLocalStorage<{ shop: string; tx: Tx }>();

/** The transaction of an enclosing withSessionLock for this shop, if any. */
function lockedTx(shop: string): Tx | undefined {
  const held = lockedSessions.getStore();
  return held?.shop === shop ? held.tx : undefined;
}

/** Runs in the shop's transaction when called inside withSessionLock(shop), else in its own withShop. */
function inShop<T>(shop: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = lockedTx(shop);
  return tx ? fn(tx) : withShop(shop, fn);
}

/**
 * Runs fn holding the shop's session lock, in one transaction that this storage's
 * loads and stores for the shop inside fn share. fn must not open another
 * transaction (PGlite has one connection); it may call Shopify.
 */
export function withSessionLock<T>(shop: string, fn: () => Promise<T>): Promise<T> {
  return withShop(shop, async (tx) => {
    await lockSessions(tx, shop);
    return lockedSessions.run({ shop, tx }, fn);
  });
}

/** Stores a session unless the stored one already carries a later-expiring token. */
export async function storeSessionRow(session: Session): Promise<boolean> {
  const row = await toRow(session);
  if (shopOfSessionId(session.id) !== session.shop) throw new Error("session id does not name the session's shop");
  return inShop(session.shop, async (tx) => {
    await lockSessions(tx, session.shop);
    const [current] = await tx.select({ expires: sessions.expires }).from(sessions).where(eq(sessions.id, session.id));
    if (current?.expires && row.expires && current.expires > row.expires) {
      log.info({ shop: session.shop }, "kept the newer stored session over an older refresh");
      return true;
    }
    await tx
      .insert(sessions)
      .values(row)
      .onConflictDoUpdate({ target: sessions.id, set: { ...row, createdAt: undefined } });
    return true;
  });
}

export function createSessionStorage(): SessionStorage {
  return {
    async storeSession(session) {
      return storeSessionRow(session);
    },
    async loadSession(id) {
      const shop = shopOfSessionId(id);
      if (!shop) return undefined;
      const [row] = await inShop(shop, (tx) => tx.select().from(sessions).where(and(eq(sessions.id, id), eq(sessions.shopId, shop))));
      return row ? fromRow(row) : undefined;
    },
    async deleteSession(id) {
      const shop = shopOfSessionId(id);
      if (shop) await withShop(shop, (tx) => tx.delete(sessions).where(eq(sessions.id, id)));
      return true;
    },
    async deleteSessions(ids) {
      const byShop = new Map<string, string[]>();
      for (const id of ids) {
        const shop = shopOfSessionId(id);
        if (shop) byShop.set(shop, [...(byShop.get(shop) ?? []), id]);
      }
      for (const [shop, shopIds] of byShop) await withShop(shop, (tx) => tx.delete(sessions).where(inArray(sessions.id, shopIds)));
      return true;
    },
    async findSessionsByShop(shop) {
      if (!isShopDomain(shop)) return [];
      const rows = await withShop(shop, (tx) => tx.select().from(sessions).where(eq(sessions.shopId, shop)));
      const opened = await Promise.all(rows.map(fromRow));
      return opened.filter((s): s is Session => s !== undefined);
    },
  };
}

/**
 * Deletes every session of a shop, in the caller's transaction: app/uninstalled's
 * `withShop`, or the erase's `asSystem` batch (so the tokens go with the rest of the
 * shop). Returns how many went.
 */
export async function deleteShopSessions(tx: Tx, shop: string): Promise<number> {
  const deleted = await tx.delete(sessions).where(eq(sessions.shopId, shop)).returning({ id: sessions.id });
  return deleted.length;
}

/** app/scopes_update: the granted scopes changed in the admin. */
export async function updateShopSessionScopes(shop: string, scope: string): Promise<void> {
  await withShop(shop, (tx) => tx.update(sessions).set({ scope, updatedAt: new Date() }).where(eq(sessions.shopId, shop)));
}
