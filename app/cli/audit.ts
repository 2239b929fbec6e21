/**
 * npm run audit:verify            walk every shop's hash chain; exit 1 on any break
 * npm run audit:prune [-- --months 12]   retention: drop older events, keep chains verifiable
 *
 * Runs with the app's own environment (DATABASE_URL, …). On PGlite, stop the app
 * first: the embedded database has a single connection.
 */
import { z } from "zod";

import { getDatabase } from "~/db/client.server";
import { asSystem } from "~/db/tenant.server";
import { audit, pruneAudit, SYSTEM_CHAIN, verifyAuditChains } from "~/security/audit.server";

const Args = z.discriminatedUnion("command", [
  z.object({ command: z.literal("verify") }),
  z.object({ command: z.literal("prune"), months: z.coerce.number().int().min(1).max(120).default(12) }),
]);

function parseArgs(argv: string[]) {
  const [command, ...rest] = argv;
  const options: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) options[(rest[i] ?? "").replace(/^--/, "")] = rest[i + 1] ?? "";
  const parsed = Args.safeParse({ command, ...options });
  if (!parsed.success) {
    console.error("usage: audit verify | audit prune [--months N]\n" + parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n"));
    process.exit(2);
  }
  return parsed.data;
}

const args = parseArgs(process.argv.slice(2));
const database = await getDatabase();
try {
  if (args.command === "verify") {
    const result = await asSystem("cli: audit verify", (tx) => verifyAuditChains(tx));
    console.log(`${result.chains} chains, ${result.events} events checked, ${result.breaks.length} breaks`);
    for (const b of result.breaks) console.log(`  ${b.shopId} #${b.seq}: ${b.reason}`);
    process.exitCode = result.breaks.length ? 1 : 0;
  } else {
    const cutoff = new Date();
    cutoff.setUTCMonth(cutoff.getUTCMonth() - args.months);
    const pruned = await asSystem("cli: audit retention", async (tx) => {
      const count = await pruneAudit(tx, cutoff);
      await audit(tx, SYSTEM_CHAIN, { action: "audit.pruned", actor: { type: "cli" }, meta: { before: cutoff.toISOString(), events: count } });
      return count;
    });
    console.log(`pruned ${pruned} events older than ${cutoff.toISOString()}`);
  }
} finally {
  await database.close();
}
