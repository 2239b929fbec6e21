import { describe, expect, it } from "vitest";

import type { Control } from "./control-types";
import { buildEvidence, checkEvidence, EvidenceSchema, judgeControl, relativeTestFile, type VitestReport } from "./evidence";

const ROOT = "/repo";

const controls: Control[] = [
  { id: "sealed", section: "encryption", claim: "c", how: "h", tests: [{ file: "app/a.test.ts", name: "sealing > round-trips" }] },
  {
    id: "isolated",
    section: "tenant-isolation",
    claim: "c",
    how: "h",
    tests: [
      { file: "tests/integration/b.test.ts", name: "rls > hides other shops" },
      { file: "tests/integration/b.test.ts", name: "rls > refuses writes" },
    ],
  },
  { id: "limited", section: "abuse", claim: "c", how: "h", tests: [{ file: "app/a.test.ts", name: "limits > answers 429" }] },
  { id: "skipped", section: "http", claim: "c", how: "h", tests: [{ file: "app/a.test.ts", name: "headers > only on postgres" }] },
];

const run = (ancestorTitles: string[], title: string, status: string) => ({ ancestorTitles, title, status });

/** A vitest JSON report: b.test.ts ran twice (two database projects), once failing. */
function report(overrides: { failOnPostgres?: boolean; renamed?: boolean } = {}): VitestReport {
  return {
    numTotalTests: 7,
    numPassedTests: overrides.failOnPostgres ? 5 : 6,
    numFailedTests: overrides.failOnPostgres ? 1 : 0,
    testResults: [
      {
        name: `${ROOT}/app/a.test.ts`,
        status: "passed",
        assertionResults: [
          run(["sealing"], overrides.renamed ? "round-trips every string" : "round-trips", "passed"),
          run(["limits"], "answers 429", "passed"),
          run(["headers"], "only on postgres", "skipped"),
        ],
      },
      { name: `${ROOT}/tests/integration/b.test.ts`, status: "passed", assertionResults: [run(["rls"], "hides other shops", "passed"), run(["rls"], "refuses writes", "passed")] },
      {
        name: `${ROOT}/tests/integration/b.test.ts`,
        status: overrides.failOnPostgres ? "failed" : "passed",
        assertionResults: [run(["rls"], "hides other shops", "passed"), run(["rls"], "refuses writes", overrides.failOnPostgres ? "failed" : "passed")],
      },
    ],
  };
}

const context = { commit: "0123456789abcdef0123456789abcdef01234567", generatedAt: new Date("2026-12-02T05:00:00Z"), buildSha256: "a".repeat(64), root: ROOT };

describe("buildEvidence", () => {
  it("verifies a control only when every named test ran and passed", () => {
    const evidence = buildEvidence(report(), controls, context);
    expect(EvidenceSchema.parse(evidence)).toEqual(evidence);
    expect(evidence.commit).toBe(context.commit);
    expect(evidence.generatedAt).toBe("2026-12-02T05:00:00.000Z");
    expect(evidence.totals).toEqual({ tests: 7, passed: 6, failed: 0 });
    expect(Object.fromEntries(evidence.controls.map((c) => [c.id, c.status]))).toEqual({ sealed: "verified", isolated: "verified", limited: "verified", skipped: "missing" });
    expect(evidence.controls.find((c) => c.id === "isolated")!.tests[0]).toEqual({
      file: "tests/integration/b.test.ts", name: "rls > hides other shops", found: 2, passed: 2, failed: 0, skipped: 0,
    });
  });

  it("marks a control failed when any run of one of its tests failed, and missing when a test was renamed", () => {
    const failing = buildEvidence(report({ failOnPostgres: true }), controls, context);
    expect(failing.controls.find((c) => c.id === "isolated")!.status).toBe("failed");
    expect(failing.controls.find((c) => c.id === "isolated")!.tests[1]).toMatchObject({ found: 2, passed: 1, failed: 1 });
    const renamed = buildEvidence(report({ renamed: true }), controls, context);
    expect(renamed.controls.find((c) => c.id === "sealed")!.status).toBe("missing");
    expect(renamed.controls.find((c) => c.id === "sealed")!.tests[0]).toMatchObject({ found: 0, passed: 0 });
  });

  it("names report files relative to the repository root", () => {
    expect(relativeTestFile("/repo/tests/x.test.ts", "/repo/")).toBe("tests/x.test.ts");
    expect(relativeTestFile("/elsewhere/x.test.ts", "/repo")).toBe("/elsewhere/x.test.ts");
  });
});

describe("checkEvidence", () => {
  it("passes when every control's tests were found and passed", () => {
    const backed = controls.filter((c) => c.id !== "skipped");
    expect(checkEvidence(backed, buildEvidence(report(), backed, context))).toEqual([]);
  });

  it("fails for a renamed, failing, skipped or missing test, and for a control without tests", () => {
    const withEmpty: Control[] = [...controls, { id: "empty", section: "audit", claim: "c", how: "h", tests: [] }];
    const problems = checkEvidence(withEmpty, buildEvidence(report({ failOnPostgres: true, renamed: true }), withEmpty, context));
    expect(problems).toEqual([
      'sealed: "sealing > round-trips" (app/a.test.ts) is not in the test report (renamed, removed or its file did not run)',
      'isolated: "rls > refuses writes" (tests/integration/b.test.ts) failed',
      'skipped: "headers > only on postgres" (app/a.test.ts) did not run (skipped)',
      "empty: names no test",
    ]);
  });

  it("judges against the registry as it is now: a test added after the run is not verified by old evidence", () => {
    const evidence = buildEvidence(report(), controls, context);
    const grown: Control = { ...controls[0]!, tests: [...controls[0]!.tests, { file: "app/a.test.ts", name: "sealing > new test" }] };
    expect(judgeControl(controls[0]!, evidence).status).toBe("verified");
    expect(judgeControl(grown, evidence).status).toBe("missing");
    expect(checkEvidence([grown], evidence)).toHaveLength(1);
    expect(judgeControl(controls[0]!, null).status).toBe("missing");
  });
});
