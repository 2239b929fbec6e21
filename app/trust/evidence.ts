/**
 * Turns vitest's JSON report into per-control evidence, and judges it.
 *
 * Pure functions over plain data: the CLI (app/cli/trust.ts) does the file and git
 * work, the pages parse what it wrote. A control is "verified" only when every test
 * it names was found in the report, and every run of it passed (integration files
 * run once per database, so a test may appear more than once). A test found only
 * as skipped is not evidence. Anything else is "failed" or "missing", never a pass.
 */
import { z } from "zod";

import { testKey, type Control, type TestRef } from "./control-types";

/** The part of vitest's JSON reporter output we read (see its JsonReporter). */
export const VitestReportSchema = z.object({
  numTotalTests: z.number(),
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      assertionResults: z.array(z.object({ ancestorTitles: z.array(z.string()), title: z.string(), status: z.string() })),
    }),
  ),
});
export type VitestReport = z.infer<typeof VitestReportSchema>;

export const TestEvidenceSchema = z.object({
  file: z.string(),
  name: z.string(),
  /** Runs of this test in the report (one per project that ran the file). */
  found: z.number().int().min(0),
  passed: z.number().int().min(0),
  failed: z.number().int().min(0),
  skipped: z.number().int().min(0),
});
export type TestEvidence = z.infer<typeof TestEvidenceSchema>;

export const ControlStatusSchema = z.enum(["verified", "failed", "missing"]);
export type ControlStatus = z.infer<typeof ControlStatusSchema>;

export const EvidenceSchema = z.object({
  version: z.literal(1),
  commit: z.string().regex(/^[0-9a-f]{7,64}$/),
  generatedAt: z.iso.datetime(),
  /** SHA-256 of the server bundle the tests ran against, so a page can tell its own build's evidence from a stale file. */
  buildSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  totals: z.object({ tests: z.number(), passed: z.number(), failed: z.number() }),
  controls: z.array(z.object({ id: z.string(), status: ControlStatusSchema, tests: z.array(TestEvidenceSchema) })),
});
export type Evidence = z.infer<typeof EvidenceSchema>;
export type ControlEvidence = Evidence["controls"][number];

/** `file` relative to `root`, with forward slashes, as the registry names it. */
export function relativeTestFile(absolute: string, root: string): string {
  const normal = absolute.replaceAll("\\", "/");
  const base = root.replaceAll("\\", "/").replace(/\/+$/, "");
  return normal.startsWith(`${base}/`) ? normal.slice(base.length + 1) : normal;
}

/** Every run in the report, keyed as the registry keys tests. */
function indexReport(report: VitestReport, root: string): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  for (const file of report.testResults) {
    const rel = relativeTestFile(file.name, root);
    for (const a of file.assertionResults) {
      const key = testKey({ file: rel, name: [...a.ancestorTitles, a.title].join(" > ") });
      runs.set(key, [...(runs.get(key) ?? []), a.status]);
    }
  }
  return runs;
}

function testEvidence(ref: TestRef, statuses: readonly string[]): TestEvidence {
  return {
    file: ref.file,
    name: ref.name,
    found: statuses.length,
    passed: statuses.filter((s) => s === "passed").length,
    failed: statuses.filter((s) => s === "failed").length,
    skipped: statuses.filter((s) => s !== "passed" && s !== "failed").length,
  };
}

/** A control's status from its tests' evidence: one rule, used by the CLI and the pages alike. */
export function controlStatus(tests: readonly TestEvidence[]): ControlStatus {
  if (tests.some((t) => t.failed > 0)) return "failed";
  if (tests.length === 0 || tests.some((t) => t.passed === 0)) return "missing";
  return "verified";
}

export interface EvidenceContext {
  commit: string;
  generatedAt: Date;
  buildSha256: string | null;
  /** Absolute repository root; report file names are made relative to it. */
  root: string;
}

export function buildEvidence(report: VitestReport, controls: readonly Control[], context: EvidenceContext): Evidence {
  const runs = indexReport(report, context.root);
  return {
    version: 1,
    commit: context.commit,
    generatedAt: context.generatedAt.toISOString(),
    buildSha256: context.buildSha256,
    totals: { tests: report.numTotalTests, passed: report.numPassedTests, failed: report.numFailedTests },
    controls: controls.map((control) => {
      const tests = control.tests.map((ref) => testEvidence(ref, runs.get(testKey(ref)) ?? []));
      return { id: control.id, status: controlStatus(tests), tests };
    }),
  };
}

/**
 * The evidence for `control`, judged against the registry as it is now: tests the
 * evidence lacks (a control gained a test after the run) count as not found, so a
 * stale evidence file can never verify a newer claim.
 */
export function judgeControl(control: Control, evidence: Evidence | null): { status: ControlStatus; tests: TestEvidence[] } {
  const recorded = new Map((evidence?.controls.find((c) => c.id === control.id)?.tests ?? []).map((t) => [testKey(t), t]));
  const tests = control.tests.map((ref) => recorded.get(testKey(ref)) ?? testEvidence(ref, []));
  return { status: controlStatus(tests), tests };
}

/** Why the evidence does not back every control; empty when it does. */
export function checkEvidence(controls: readonly Control[], evidence: Evidence): string[] {
  const problems: string[] = [];
  for (const control of controls) {
    if (control.tests.length === 0) {
      problems.push(`${control.id}: names no test`);
      continue;
    }
    for (const test of judgeControl(control, evidence).tests) {
      const where = `${control.id}: "${test.name}" (${test.file})`;
      if (test.found === 0) problems.push(`${where} is not in the test report (renamed, removed or its file did not run)`);
      else if (test.failed > 0) problems.push(`${where} failed`);
      else if (test.passed === 0) problems.push(`${where} did not run (skipped)`);
    }
  }
  return problems;
}
