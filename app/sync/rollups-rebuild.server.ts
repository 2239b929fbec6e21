/**
 * Rebuilds every daily rollup of a shop, in its time zone as it is now. Rollups are
 * keyed by the shop's local day: after a time-zone change, the days kept so far
 * were cut in the old zone and new days in the new one, and totals over a range
 * would mix the two. The zone is read under the ledger lock, so no finalize of the
 * old zone can slip in between the read and the rebuild.
 */
import type { Tx } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";
import { readShop } from "~/shops.server";

import { lockLedger } from "./ledger.server";
import { rebuildAllRollups } from "./rollups.server";

export async function rebuildRollups(shop: string): Promise<"rebuilt" | "missing-shop"> {
  return withShop(shop, async (tx) => {
    await lockLedger(tx, shop);
    const timezone = await currentTimezone(tx, shop);
    if (!timezone) return "missing-shop";
    await rebuildAllRollups(tx, shop, timezone);
    return "rebuilt";
  });
}

/** The shop's time zone, read under the ledger lock the caller holds (finalizes use the zone of their moment). */
export async function currentTimezone(tx: Tx, shop: string): Promise<string | undefined> {
  return (await readShop(tx, shop))?.ianaTimezone;
}
