/** What the trust pages render: plain data, shared by the loaders and the component. */
import type { TestRef } from "./control-types";
import type { OperationsNote, StoredKind, Subprocessor } from "./data-inventory";
import type { ControlStatus, Evidence } from "./evidence";

export type ShownStatus = ControlStatus | "unverified";
export type TestStatus = "passed" | "failed" | "skipped" | "not found" | "unverified";

export interface TrustPageData {
  evidence:
    | { available: true; commit: string; generatedAt: string; totals: Evidence["totals"] }
    | { available: false; reason: string };
  securityContact: string | null;
  data: { stored: readonly StoredKind[]; neverStored: readonly string[]; subprocessors: Subprocessor[]; operations: readonly OperationsNote[] };
  securityTxtPath: string | null;
  sections: {
    id: string;
    title: string;
    controls: { id: string; claim: string; how: string; status: ShownStatus; tests: (TestRef & { status: TestStatus })[] }[];
  }[];
}


/** The signed-in shop's own facts (in-app Security page only). */
export interface ShopFacts {
  scopes: string[];
  /** The offline token's sealing: key id and when the row was last written (sealed). */
  token: { keyId: string; sealedAt: string; expires: string | null } | null;
  /** This shop's audit chain, verified when the page loaded. */
  audit: { events: number; breaks: number; checkedAt: string };
  holdings: { label: string; rows: number }[];
  lifecycle: { label: string; at: string }[];
  /** The shop's AI switch (Settings) and whether this deployment has an AI provider at all. */
  ai: { enabled: boolean; configured: boolean };
}
