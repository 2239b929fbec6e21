/**
 * "Is the person using the app the store owner?" for owner-only pages (Settings).
 *
 * What the app has, and why each is not enough on its own:
 *  - The offline session (all our API calls use it) belongs to the shop, not to a
 *    person: it carries no user at all.
 *  - The session token (id_token) names the user (`sub`) but has no owner flag.
 *  - `currentStaffMember` / `StaffMember.accountOwner` in the Admin API is protected
 *    staff data (read_users, Plus only): we do not ask for it.
 *  - "The first user who installed is the owner" is not true: staff with app
 *    permissions install apps too, and ownership can be transferred.
 *
 * What we do: Shopify's token exchange for an ONLINE access token, with the session
 * token the request was already authenticated with. Shopify's answer names the user
 * (`associated_user.id`, which must equal `sub`) and says `account_owner`. It costs one
 * POST to the shop's OAuth endpoint and needs no extra scope. We keep only the flag:
 * the online access token and the user's name and email in the same answer are
 * dropped at once, never stored or logged. The answer is cached in memory per shop and
 * user for a few minutes (an ownership transfer takes effect within that time).
 * Any failure counts as "not the owner" (fail closed) with a reason the page shows.
 */
import { env } from "~/env.server";
import { log } from "~/log.server";

const CACHE_MS = 5 * 60_000;
const CACHE_MAX = 5000;
const ONLINE_TOKEN = "urn:shopify:params:oauth:token-type:online-access-token";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

export interface OwnerCheck {
  owner: boolean;
  /** Why we could not tell, when the exchange failed. */
  unverified?: string;
}

const cache = new Map<string, { check: OwnerCheck; until: number }>();

/** The raw session token of an authenticated request (bearer header or the admin's id_token param). */
export function rawSessionToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim() || null;
  return new URL(request.url).searchParams.get("id_token");
}

/**
 * Asks Shopify whether `userId` (the session token's `sub`) is the account owner.
 * Call only after `authenticate.admin(request)` validated the token.
 */
export async function checkAccountOwner(shop: string, userId: string | undefined, sessionToken: string | null): Promise<OwnerCheck> {
  if (!userId || !sessionToken) return { owner: false, unverified: "This request does not name a staff member." };
  const key = `${shop}:${userId}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.check;

  let check: OwnerCheck;
  try {
    const response = await fetch(`https://${shop}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        client_id: env.SHOPIFY_API_KEY,
        client_secret: env.SHOPIFY_API_SECRET,
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: sessionToken,
        subject_token_type: ID_TOKEN,
        requested_token_type: ONLINE_TOKEN,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      log.warn({ shop, status: response.status }, "online token exchange for the owner check failed");
      check = { owner: false, unverified: "Shopify did not confirm who you are, so Settings are read-only for now." };
    } else {
      // Only the two fields we need are read; the token and the profile are dropped here.
      const body = (await response.json()) as { associated_user?: { id?: number | string; account_owner?: boolean } };
      const user = body.associated_user;
      check = user && String(user.id) === userId ? { owner: user.account_owner === true } : { owner: false, unverified: "Shopify's answer named another user." };
    }
  } catch (error) {
    log.warn({ shop, err: (error as Error).name }, "online token exchange for the owner check failed");
    check = { owner: false, unverified: "Shopify could not be reached to confirm who you are, so Settings are read-only for now." };
  }
  // Only definite answers are cached: a failed exchange is asked again next time.
  if (!check.unverified) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, { check, until: Date.now() + CACHE_MS });
  }
  return check;
}

/** Tests: forget cached answers. */
export const clearOwnerCache = () => cache.clear();
