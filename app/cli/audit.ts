/**
 * npm run audit:verify [-- --head <file>]   walk every chain (sequence, links, each row's
 *                                           HMAC); with a published head (a log line of
 *                                           the daily job, or audit-head.json from a
 *                                           merchant's export) also check no chain was
 *                                           cut short or rewritten since; exit 1 on any break
 * npm run audit:head              the daily job's step by hand: the one-time keyed cut-over
 *                                 if still due, then print the signed chain head
 * npm run audit:prune [-- --months 12]   retention: drop older events, keep chains verifiable
 *
 * Runs with the app's own environment (DATABASE_URL, …). On PGlite, stop the app
 * first: the embedded database has a single connection.
 */
import { readFileSync } from "node:fs";

import { z } from "zod";

import { getDatabase } from "~/db/client.server";
import { asSystem } from "~/db/tenant.server";
import { publishAuditHead, verifyAgainstHead, type AuditHead } from "~/security/audit-head.server";
import { audit, pruneAudit, SYSTEM_CHAIN, verifyAuditChains } from "~/security/audit.server";

const Args = z.discriminatedUnion("command", [
  z.object({ command: z.literal("verify"), head: z.string().min(1).optional() }),
  z.object({ command: z.literal("head") }),
  z.object({ command: z.literal("prune"), months: z.coerce.number().int().min(1).max(120).default(12) }),
]);

function parseArgs(argv: string[]) {
  const [command, ...rest] = argv;
  const options: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) options[(rest[i] ?? "").replace(/^--/, "")] = rest[i + 1] ?? "";
  const parsed = Args.safeParse({ command, ...options });
  if (!parsed.success) {
    console.error("usage: audit verify [--head FILE] | audit head | audit prune [--months N]\n" + parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n"));
    process.exit(2);
  }
  return parsed.data;
}

/** A head as published: the bare object, a log line carrying it, or an export's audit-head.json. */
function readHead(file: string): AuditHead {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { auditHead?: AuditHead } & AuditHead;
  return parsed.auditHead ?? parsed;
}

const args = parseArgs(process.argv.slice(2));
const database = await getDatabase();
try {
  if (args.command === "verify") {
    const head = args.head ? readHead(args.head) : undefined;
    const result = await asSystem("cli: audit verify", async (tx) => {
      const chains = await verifyAuditChains(tx);
      return { ...chains, breaks: [...chains.breaks, ...(head ? await verifyAgainstHead(tx, head) : [])] };
    });
    console.log(`${result.chains} chains, ${result.events} events checked${head ? `, against the head of ${head.at}` : ""}, ${result.breaks.length} breaks`);
    for (const b of result.breaks) console.log(`  ${b.shopId} #${b.seq}: ${b.reason}`);
    process.exitCode = result.breaks.length ? 1 : 0;
  } else if (args.command === "head") {
    console.log(JSON.stringify(await publishAuditHead()));
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
