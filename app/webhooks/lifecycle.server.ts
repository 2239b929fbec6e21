/**
 * Which installation a lifecycle webhook (app/uninstalled, app/scopes_update)
 * belongs to. Shopify retries a delivery for hours, so an event can arrive after the
 * merchant reinstalled; applying an old uninstall would delete the new tokens.
 *
 * Two orderings, both against the event's X-Shopify-Triggered-At (Shopify's clock):
 *  - installed_at: the app recorded the reinstall (the uninstall webhook came first,
 *    or a first install). An event triggered before it is the old installation's.
 *  - token_exchanged_at, for app/uninstalled only: a reinstall whose token exchange
 *    came BEFORE the old uninstall's webhook looks to the app like the same
 *    installation (nothing marked it uninstalled). But a token exchange needs a
 *    session token, which App Bridge issues to the app loaded in the admin (so
 *    installed), and "the lifetime of a session token is one minute"
 *    (shopify.dev/docs/apps/build/authentication-authorization/session-tokens). So an
 *    exchange later than the uninstall's trigger time plus that minute (plus a margin
 *    for our clock against Shopify's) used a session token issued after the
 *    uninstall: by a new installation. An exchange within the margin proves nothing,
 *    and the uninstall applies (docs/decisions/0005). Refreshes are not exchanges
 *    and are not recorded: a refresh token proves nothing about when it was issued.
 * A scopes update has no such bound: the installation goes on across exchanges.
 */
import { withShop } from "~/db/tenant.server";
import { readShop } from "~/shops.server";

/** Shopify's session token lifetime (exp − iat). */
export const SESSION_TOKEN_LIFETIME_MS = 60_000;
/** How far our clock may be from Shopify's, plus afterAuth's own latency. */
export const CLOCK_MARGIN_MS = 60_000;

export type LifecycleEventAge = "current" | "before-installation" | "before-reinstall";

/** The installation an event belongs to, judged by its trigger time (no time: current). */
export async function lifecycleEventAge(shop: string, topic: "APP_UNINSTALLED" | "APP_SCOPES_UPDATE", triggeredAt: Date | null | undefined): Promise<LifecycleEventAge> {
  if (!triggeredAt) return "current";
  const row = await withShop(shop, (tx) => readShop(tx, shop));
  if (!row || row.uninstalledAt !== null) return "current";
  if (triggeredAt < row.installedAt) return "before-installation";
  if (topic === "APP_UNINSTALLED" && row.tokenExchangedAt && exchangedAfterUninstall(triggeredAt, row.tokenExchangedAt)) return "before-reinstall";
  return "current";
}

/** Whether a token exchanged at `exchangedAt` must have come from an installation newer than an uninstall triggered at `uninstalledAt`. */
export const exchangedAfterUninstall = (uninstalledAt: Date, exchangedAt: Date): boolean =>
  exchangedAt.getTime() - uninstalledAt.getTime() > SESSION_TOKEN_LIFETIME_MS + CLOCK_MARGIN_MS;
