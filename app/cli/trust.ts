/**
 * npm run trust:evidence   vitest's JSON report → build/trust-evidence.json
 * npm run trust:check      exit 1 unless every control's tests were found and passed
 *
 * Options (both commands): --report <vitest.json> (default tests/artifacts/vitest.json),
 * --out <evidence.json> (default build/trust-evidence.json, beside the server bundle
 * whose pages read it), --build <server bundle> (default build/index.js).
 *
 * Needs no app environment: it reads files and git only, after the tests ran.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { CONTROLS } from "~/trust/controls";
import { buildEvidence, checkEvidence, EvidenceSchema, VitestReportSchema } from "~/trust/evidence";

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
}

function fail(message: string): never {
  console.error(`trust: ${message}`);
  process.exit(1);
}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file)) fail(`${what} not found at ${file}`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    return fail(`${what} at ${file} is not JSON: ${String(err)}`);
  }
}

const [command, ...argv] = process.argv.slice(2);
const root = process.cwd();
const reportPath = path.resolve(option(argv, "report", "tests/artifacts/vitest.json"));
const evidencePath = path.resolve(option(argv, "out", "build/trust-evidence.json"));
const buildPath = path.resolve(option(argv, "build", "build/index.js"));

if (command === "evidence") {
  const report = VitestReportSchema.safeParse(readJson(reportPath, "the vitest JSON report"));
  if (!report.success) fail(`${reportPath} is not a vitest JSON report: ${report.error.message}`);
  const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  const buildSha256 = existsSync(buildPath) ? createHash("sha256").update(readFileSync(buildPath)).digest("hex") : null;
  const evidence = buildEvidence(report.data, CONTROLS, { commit, generatedAt: new Date(), buildSha256, root });
  writeFileSync(evidencePath, `${JSON.stringify(evidence, null, 2)}\n`);
  const verified = evidence.controls.filter((c) => c.status === "verified").length;
  console.log(`trust: evidence for ${evidence.controls.length} controls (${verified} verified) at commit ${commit.slice(0, 12)} → ${path.relative(root, evidencePath)}`);
} else if (command === "check") {
  const evidence = EvidenceSchema.safeParse(readJson(evidencePath, "trust evidence (run `npm run trust:evidence` first)"));
  if (!evidence.success) fail(`${evidencePath} is not trust evidence: ${evidence.error.message}`);
  const problems = checkEvidence(CONTROLS, evidence.data);
  if (problems.length > 0) {
    fail(`${problems.length} problem(s): these claims are not backed by passing tests\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  console.log(`trust: all ${CONTROLS.length} controls backed by passing tests at commit ${evidence.data.commit.slice(0, 12)}`);
} else {
  console.error("usage: trust evidence|check [--report tests/artifacts/vitest.json] [--out build/trust-evidence.json] [--build build/index.js]");
  process.exit(2);
}
