/**
 * "Delete my data now": the store owner erases everything Margin Notes holds for the
 * store, without uninstalling.
 *
 * It is shop/redact's erase, reused whole: the same `shop.erase` job deletes every
 * row of the shop in every table (the schema's tenant tables, audit chain, sessions,
 * jobs, rate-limit counters), in batches (app/webhooks/erase-shop.server.ts). Its
 * access token goes too, so the next time the app is opened Shopify's token exchange
 * installs it afresh: a new shop row, a new audit chain, a first sync — a clean start.
 * Until the erase ends, the shop is marked erasing and nothing writes for it.
 *
 * The request and the erase are recorded in the system chain under the shop's
 * pseudonym (the shop's own chain is erased with everything else), with the staff
 * member who asked.
 */
import { z } from "zod";

import { asSystem } from "~/db/tenant.server";
import { audit, SYSTEM_CHAIN, type Actor, type RequestOrigin } from "~/security/audit.server";
import { beginShopErase, pseudonymFor } from "~/webhooks/erase-shop.server";

/** The owner confirms by typing the store's domain: a stray click cannot erase. */
export const eraseConfirmation = (shop: string) =>
  z.object({
    confirm: z.string().trim().toLowerCase().refine((v) => v === shop, { message: `Type ${shop} to confirm.` }),
  }).strict();

/** The limiter's key outlives the erase (it names the shop only by pseudonym), so erasing cannot reset it. */
export const eraseLimitKey = (shop: string) => `data-erase:${pseudonymFor(shop)}`;

/**
 * Records the request and begins the erase in one transaction: requested ⇔ marked
 * erasing, tokens gone and queued. From its commit nothing new is written for the
 * shop until the erase ends (a visit meanwhile is told to come back).
 */
export async function requestShopErase(shop: string, by: { actor: Actor; origin: RequestOrigin }): Promise<void> {
  await asSystem("data rights: the store owner asked to erase the store's data", async (tx) => {
    await audit(tx, SYSTEM_CHAIN, { action: "data.erase_requested", actor: by.actor, target: pseudonymFor(shop), origin: by.origin });
    await beginShopErase(tx, shop, "owner");
  });
}
