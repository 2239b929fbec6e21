/**
 * What the trust pages show: the registry joined with this build's test evidence.
 *
 * The evidence is read at request time from TRUST_EVIDENCE_PATH, by default
 * trust-evidence.json beside the server bundle (`npm run trust:evidence` writes it
 * there after the tests). It counts only if it was made for the very bundle that is
 * running (same SHA-256): evidence left over from an earlier build, a missing or
 * unreadable file, all show as "not verified", never as a pass.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { AppLoadContext } from "@remix-run/node";

import { env } from "~/env.server";
import { log } from "~/log.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { securityHeaders } from "~/security/headers.server";
import { clientAddress, refuse } from "~/security/request-guards.server";

import { SECTIONS } from "./control-types";
import { CONTROLS } from "./controls";
import { NEVER_STORED, OPERATIONS_NOTES, STORED, subprocessors } from "./data-inventory";
import { EvidenceSchema, judgeControl, type Evidence } from "./evidence";
import { privacyPolicy, type PrivacyPolicy } from "./privacy-policy";
import { securityTxt, SECURITY_TXT_PATH } from "./security-txt";
import { shopFacts } from "./shop-facts.server";
import type { ShopFacts, TestStatus, TrustPageData } from "./trust-view";

export type { TrustPageData } from "./trust-view";

/** The running server bundle (in production, build/index.js: this code is bundled into it). */
const bundlePath = () => fileURLToPath(import.meta.url);
let bundleHash: Promise<string | null> | undefined;

function runningBundleSha256(): Promise<string | null> {
  bundleHash ??= readFile(bundlePath())
    .then((bytes) => createHash("sha256").update(bytes).digest("hex"))
    .catch(() => null);
  return bundleHash;
}

const evidencePath = () => env.TRUST_EVIDENCE_PATH ?? path.join(path.dirname(bundlePath()), "trust-evidence.json");

type Loaded = { evidence: Evidence } | { evidence: null; reason: string };

async function loadEvidence(): Promise<Loaded> {
  const NONE = "Evidence is not available for this build: no test evidence was published with it.";
  let raw: string;
  try {
    raw = await readFile(evidencePath(), "utf8");
  } catch {
    return { evidence: null, reason: NONE };
  }
  let json: unknown = null;
  try {
    json = JSON.parse(raw);
  } catch {
    // Not JSON: the schema below refuses it.
  }
  const parsed = EvidenceSchema.safeParse(json);
  if (!parsed.success) {
    log.warn({ path: evidencePath() }, "trust evidence file is not valid evidence");
    return { evidence: null, reason: "Evidence is not available for this build: the evidence file could not be read." };
  }
  const running = await runningBundleSha256();
  if (!parsed.data.buildSha256 || parsed.data.buildSha256 !== running) {
    return { evidence: null, reason: "Evidence is not available for this build: the evidence on file was made for a different build." };
  }
  return { evidence: parsed.data };
}

/** Who else receives data follows this deployment's configuration (never the secrets themselves). */
const deploymentProcessors = () => ({ anthropic: Boolean(env.ANTHROPIC_API_KEY), smtp: Boolean(env.SMTP_URL && env.SMTP_FROM) });

function testStatus(t: { found: number; passed: number; failed: number }): TestStatus {
  if (t.failed > 0) return "failed";
  if (t.passed > 0) return "passed";
  return t.found > 0 ? "skipped" : "not found";
}

export async function trustPageData(): Promise<TrustPageData> {
  const loaded = await loadEvidence();
  const evidence = loaded.evidence;
  return {
    evidence: evidence
      ? { available: true, commit: evidence.commit, generatedAt: evidence.generatedAt, totals: evidence.totals }
      : { available: false, reason: "reason" in loaded ? loaded.reason : "" },
    securityContact: env.SECURITY_CONTACT ?? null,
    data: {
      stored: STORED,
      neverStored: NEVER_STORED,
      subprocessors: subprocessors(deploymentProcessors()),
      operations: OPERATIONS_NOTES,
    },
    securityTxtPath: env.SECURITY_CONTACT ? SECURITY_TXT_PATH : null,
    sections: SECTIONS.map((section) => ({
      id: section.id,
      title: section.title,
      controls: CONTROLS.filter((c) => c.section === section.id).map((control) => {
        const judged = judgeControl(control, evidence);
        return {
          id: control.id,
          claim: control.claim,
          how: control.how,
          status: evidence ? judged.status : "unverified",
          tests: judged.tests.map((t) => ({ file: t.file, name: t.name, status: evidence ? testStatus(t) : "unverified" })),
        };
      }),
    })),
  };
}

/**
 * Admits a request to a public trust page: per source address (the door is open to
 * anyone), with the shared limiter's 429 and Retry-After. In-process callers with no
 * address are not limited (see clientAddress).
 */
export async function admitPublicRequest(request: Request, context: AppLoadContext | undefined): Promise<void> {
  const source = clientAddress(request, context);
  if (source !== "unknown") await rateLimit(`ip:${source}:trust`, policies.publicPage);
}

/** Public pages may be cached briefly: they change with a deployment, not per visitor. */
export const PUBLIC_CACHE = "public, max-age=300";

/** GET /trust: the data, after the per-source limit. */
export async function publicTrustPage(request: Request, context: AppLoadContext | undefined): Promise<TrustPageData> {
  await admitPublicRequest(request, context);
  return trustPageData();
}

/** GET /privacy: the privacy policy from the data inventory, after the same per-source limit. */
export async function publicPrivacyPage(request: Request, context: AppLoadContext | undefined): Promise<PrivacyPolicy> {
  await admitPublicRequest(request, context);
  return privacyPolicy({ ...deploymentProcessors(), contact: env.SECURITY_CONTACT ?? null });
}

/** GET /.well-known/security.txt; a 404 when no SECURITY_CONTACT is configured (never an invented address). */
export async function securityTxtResponse(request: Request, context: AppLoadContext | undefined): Promise<Response> {
  await admitPublicRequest(request, context);
  if (!env.SECURITY_CONTACT) return refuse(404, "No security contact is configured for this deployment.");
  const body = securityTxt({ appUrl: env.SHOPIFY_APP_URL, contact: env.SECURITY_CONTACT, now: new Date() });
  return new Response(body, {
    headers: securityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=3600" })),
  });
}

/** The in-app Security page: the same report, plus the signed-in shop's own facts. */
export async function adminTrustPage(shop: string): Promise<{ trust: TrustPageData; shop: ShopFacts }> {
  const [trust, facts] = await Promise.all([trustPageData(), shopFacts(shop)]);
  return { trust, shop: facts };
}
