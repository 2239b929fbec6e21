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
 *  - Only this module touches `sessions`; the tenant roles have no grant on it.
 *  - A row that cannot be opened (unknown key, tampering) reads as "no session", so
 *    the library re-runs token exchange instead of failing the merchant's request.
 */
import { Session } from "@shopify/shopify-app-remix/server";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { eq, inArray, sql } from "drizzle-orm";

import { getDb, type Queryable } from "~/db/client.server";
import { sessions } from "~/db/schema.server";
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

/** Stores a session unless the stored one already carries a later-expiring token. */
export async function storeSessionRow(q: Queryable, session: Session): Promise<boolean> {
  const row = await toRow(session);
  return q.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`session:${session.shop}`}))`);
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
      return storeSessionRow(await getDb(), session);
    },
    async loadSession(id) {
      const [row] = await (await getDb()).select().from(sessions).where(eq(sessions.id, id));
      return row ? fromRow(row) : undefined;
    },
    async deleteSession(id) {
      await (await getDb()).delete(sessions).where(eq(sessions.id, id));
      return true;
    },
    async deleteSessions(ids) {
      if (ids.length > 0) await (await getDb()).delete(sessions).where(inArray(sessions.id, ids));
      return true;
    },
    async findSessionsByShop(shop) {
      const rows = await (await getDb()).select().from(sessions).where(eq(sessions.shopId, shop));
      const opened = await Promise.all(rows.map(fromRow));
      return opened.filter((s): s is Session => s !== undefined);
    },
  };
}

/** Deletes every session of a shop (app/uninstalled). Returns how many went. */
export async function deleteShopSessions(shop: string): Promise<number> {
  const deleted = await (await getDb()).delete(sessions).where(eq(sessions.shopId, shop)).returning({ id: sessions.id });
  return deleted.length;
}

/** app/scopes_update: the granted scopes changed in the admin. */
export async function updateShopSessionScopes(shop: string, scope: string): Promise<void> {
  await (await getDb()).update(sessions).set({ scope, updatedAt: new Date() }).where(eq(sessions.shopId, shop));
}
