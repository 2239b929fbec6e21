/**
 * Session token key rotation, run by an operator:
 *
 *   npm run keys:rotate -- status | rewrap [--batch-size N] | verify
 *
 * Steps: add the new key to TOKEN_KEYS (decrypt-only) and deploy; make it
 * TOKEN_PRIMARY_KID and deploy; `rewrap`; `verify`; drop the old key and deploy.
 * TOKEN_KEYS, TOKEN_PRIMARY_KID and DATABASE_URL come from the environment, parsed
 * by ~/env.server like the app's. Exit codes: 0 done, 1 failures found or error,
 * 2 bad arguments.
 */
import { parseArgs } from "node:util";

import { z } from "zod";

import type * as KeyRotation from "~/security/key-rotation.server";
import type { RewrapResult, RowFailure } from "~/security/key-rotation.server";

const USAGE = `usage: npm run keys:rotate -- <command> [--batch-size N]

  status              sessions per key id, and which key ids the keyring holds
  rewrap              reseal every session not on TOKEN_PRIMARY_KID with it (resumable)
  verify              open every session with the current keyring
  --batch-size N      rows per batch for rewrap (1-10000, default 200)
  --background        rewrap: queue it as a job for the app's worker instead of running here`;

const ArgsSchema = z
  .object({
    command: z.enum(["status", "rewrap", "verify"], { error: "command must be one of status, rewrap, verify" }),
    batchSize: z.coerce
      .number({ error: "--batch-size must be a number" })
      .int("--batch-size must be a whole number")
      .min(1, "--batch-size must be at least 1")
      .max(10_000, "--batch-size must be at most 10000")
      .optional(),
    background: z.boolean().default(false),
  })
  .refine((a) => a.batchSize === undefined || a.command === "rewrap", { message: "--batch-size only applies to rewrap" })
  .refine((a) => !a.background || a.command === "rewrap", { message: "--background only applies to rewrap" });

type Args = z.infer<typeof ArgsSchema>;

function parseCli(argv: string[]): Args | "help" | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { "batch-size": { type: "string" }, background: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (parsed.values.help) return "help";
  if (parsed.positionals.length !== 1) return { error: "expected exactly one command" };
  const result = ArgsSchema.safeParse({ command: parsed.positionals[0], batchSize: parsed.values["batch-size"], background: parsed.values.background ?? false });
  return result.success ? result.data : { error: result.error.issues.map((i) => i.message).join("; ") };
}

type RotationSummary =
  | { command: "rewrap"; primaryKid: string; rewrapped: number; skipped: number; failed: RowFailure[] }
  | { command: "verify"; primaryKid: string; ok: number; notPrimary: number; failed: RowFailure[] };

/**
 * AUDIT SEAM: the single place a rotation run is recorded. The audit-log work turns
 * this into an audit event with actor "cli"; until then it only logs.
 */
/** Audited in the system chain (actor "cli"): counts and key ids only, never token material. */
async function recordRotation(summary: RotationSummary): Promise<void> {
  const { asSystem } = await import("~/db/tenant.server");
  const { audit, SYSTEM_CHAIN } = await import("~/security/audit.server");
  const { command, primaryKid, failed, ...counts } = summary as RotationSummary & Record<string, unknown>;
  const meta: Record<string, string | number> = { primaryKid, failed: failed.length };
  for (const [key, value] of Object.entries(counts)) if (typeof value === "number") meta[key] = value;
  await asSystem("cli: key rotation", (tx) =>
    audit(tx, SYSTEM_CHAIN, { action: command === "rewrap" ? "keys.rewrapped" : "keys.verified", actor: { type: "cli" }, meta }),
  );
}

const printFailures = (failures: RowFailure[]) => {
  for (const f of failures) console.log(`  FAILED ${f.id} (${f.shop}): ${f.reason}`);
};

async function run(args: Args): Promise<number> {
  // Imported only now: these parse the environment at import, and a usage error
  // should not depend on a complete environment.
  const rotation = await import("~/security/key-rotation.server");
  const database = await (await import("~/db/client.server")).getDatabase();
  try {
    return await runWith(rotation, args);
  } finally {
    // The postgres pool (or PGlite) would otherwise keep the process alive.
    await database.close();
  }
}

async function runWith(rotation: typeof KeyRotation, args: Args): Promise<number> {
  const status = await rotation.keyStatus();
  console.log(`primary key: ${status.primaryKid}\nkeyring:     ${status.keyIds.join(", ")}`);

  if (args.command === "status") {
    console.log("sessions by key id:");
    const kids = [...new Set([...status.keyIds, ...Object.keys(status.rowsByKid)])].sort();
    for (const kid of kids) {
      const rows = status.rowsByKid[kid] ?? 0;
      const note = kid === status.primaryKid ? "primary"
        : !status.keyIds.includes(kid) ? "NOT IN KEYRING: these sessions cannot be opened"
        : rows > 0 ? "decrypt-only: run rewrap"
        : "decrypt-only, no rows: can be retired once verify passes";
      console.log(`  ${kid.padEnd(32)} ${String(rows).padStart(8)}  ${note}`);
    }
    return 0;
  }

  if (args.command === "rewrap" && args.background) {
    const { enqueueRewrap } = await import("~/jobs/maintenance.server");
    const jobId = await enqueueRewrap(args.batchSize);
    console.log(`rewrap queued as job ${jobId}; the app's worker runs it (audited as keys.rewrapped)`);
    return 0;
  }

  if (args.command === "rewrap") {
    const result: RewrapResult = await rotation.rewrapSessions({
      batchSize: args.batchSize,
      onProgress: (p) =>
        void console.log(`batch ${p.batch}: ${p.rewrapped} rewrapped, ${p.skipped} skipped, ${p.failed} failed (through ${p.lastId})`),
    });
    console.log(`rewrap done: ${result.rewrapped} rewrapped, ${result.skipped} skipped (refreshed concurrently), ${result.failed} failed`);
    printFailures(result.failures);
    const { rewrapped, skipped, failures } = result;
    await recordRotation({ command: "rewrap", primaryKid: status.primaryKid, rewrapped, skipped, failed: failures });
    return result.failed > 0 ? 1 : 0;
  }

  const report = await rotation.verifySessions();
  console.log(`verify: ${report.ok} open, ${report.notPrimary} of them not yet on the primary key, ${report.failed.length} failed`);
  printFailures(report.failed);
  const { ok, notPrimary, failed } = report;
  await recordRotation({ command: "verify", primaryKid: status.primaryKid, ok, notPrimary, failed });
  return failed.length > 0 ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv);
  if (args === "help") {
    console.log(USAGE);
    return 0;
  }
  if ("error" in args) {
    console.error(`keys:rotate: ${args.error}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(args);
  } catch (error) {
    // An EnvError names the bad keys, never their values; anything else goes through
    // the log scrubber in case a driver message quotes a sealed value.
    const message = error instanceof Error ? error.message : String(error);
    const { scrubSecrets } = await import("~/log.server").catch(() => ({ scrubSecrets: (s: string) => s }));
    console.error(`keys:rotate ${args.command} failed: ${scrubSecrets(message)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
