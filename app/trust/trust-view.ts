/** What the trust pages render: plain data, shared by the loaders and the component. */
import type { TestRef } from "./control-types";
import type { ControlStatus, Evidence } from "./evidence";

export type ShownStatus = ControlStatus | "unverified";
export type TestStatus = "passed" | "failed" | "skipped" | "not found" | "unverified";

export interface TrustPageData {
  evidence:
    | { available: true; commit: string; generatedAt: string; totals: Evidence["totals"] }
    | { available: false; reason: string };
  securityContact: string | null;
  securityTxtPath: string | null;
  sections: {
    id: string;
    title: string;
    controls: { id: string; claim: string; how: string; status: ShownStatus; tests: (TestRef & { status: TestStatus })[] }[];
  }[];
}

