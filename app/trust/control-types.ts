/**
 * The shape of a trust control. Pure data, no server imports: the registry is read
 * by the pages, by `npm run trust:evidence|trust:check` (outside the app, without its
 * environment) and by the tests.
 */

/** The sections of the trust page, in page order. */
export const SECTIONS = [
  { id: "access", title: "Access & OAuth" },
  { id: "encryption", title: "Encryption" },
  { id: "tenant-isolation", title: "Tenant isolation" },
  { id: "webhooks", title: "Webhooks & lifecycle" },
  { id: "audit", title: "Audit trail" },
  { id: "abuse", title: "Abuse & rate limiting" },
  { id: "http", title: "HTTP & browser hardening" },
  { id: "ai-data", title: "AI & data minimisation" },
  { id: "retention", title: "Data retention & deletion" },
  { id: "supply-chain", title: "Dependencies & supply chain" },
  { id: "disclosure", title: "Responsible disclosure" },
] as const;

export type SectionId = (typeof SECTIONS)[number]["id"];

/**
 * A test as vitest names it: the file relative to the repository root, and the
 * describe blocks and the test title joined with " > " (as `vitest list` and the
 * default reporter print it). `test.each` titles are the expanded ones.
 */
export interface TestRef {
  readonly file: string;
  readonly name: string;
}

export interface Control {
  /** Stable, kebab-case, unique: pages link to it (#id) and evidence is keyed on it. */
  readonly id: string;
  readonly section: SectionId;
  /** What a merchant is promised, in plain words. */
  readonly claim: string;
  /** How the code keeps the promise, naming the module that enforces it. */
  readonly how: string;
  /** Tests that fail without the control. Every one must pass for the claim to show as verified. */
  readonly tests: readonly TestRef[];
}

export const testKey = (t: TestRef): string => `${t.file} :: ${t.name}`;
