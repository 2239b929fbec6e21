/**
 * The audit chain's keys: HMAC-SHA-256 keys that live outside the database.
 *
 * Why: an unkeyed hash chain only proves that rows agree with each other. Anyone who
 * can write the table (the app's own login can INSERT) could replace a whole suffix
 * with fresh, consistent hashes. With a key the database never sees, a rewritten row
 * cannot carry a valid MAC.
 *
 * Keys come from AUDIT_KEYS / AUDIT_PRIMARY_KID (app/env.server.ts), like the token
 * keyring. Each row stores the key id it was signed with, so rotation is: add a key,
 * make it primary, keep the old one (verify-only) until retention has pruned the last
 * row it signed (12 months).
 */
import { createHmac } from "node:crypto";

export interface AuditKeyring {
  readonly primaryKid: string;
  /** HMAC-SHA-256 of `material` under key `kid`, hex; undefined for a key we do not hold. */
  mac(kid: string, material: string): string | undefined;
  kids(): string[];
}

const KID = /^[a-z0-9-]{1,32}$/;
const KEY_BYTES = 32;

export function createAuditKeyring(keys: Record<string, string>, primaryKid: string): AuditKeyring {
  const decoded = new Map<string, Buffer>();
  for (const [kid, b64] of Object.entries(keys)) {
    if (!KID.test(kid)) throw new Error(`audit key id ${JSON.stringify(kid)} must be 1-32 chars of a-z, 0-9 and -`);
    const key = Buffer.from(b64, "base64");
    if (key.length !== KEY_BYTES) throw new Error(`audit key ${kid} is ${key.length} bytes, expected ${KEY_BYTES}`);
    decoded.set(kid, key);
  }
  if (!decoded.has(primaryKid)) throw new Error(`primary audit key ${primaryKid} is not in AUDIT_KEYS`);
  return {
    primaryKid,
    mac: (kid, material) => {
      const key = decoded.get(kid);
      return key ? createHmac("sha256", key).update(material).digest("hex") : undefined;
    },
    kids: () => [...decoded.keys()],
  };
}

let keyring: AuditKeyring | undefined;

/** The process's audit keyring, from env unless a test installed another. */
export async function getAuditKeyring(): Promise<AuditKeyring> {
  if (!keyring) {
    const { env } = await import("~/env.server");
    keyring = createAuditKeyring(env.AUDIT_KEYS, env.AUDIT_PRIMARY_KID);
  }
  return keyring;
}

/** Tests only: verify with another keyring (e.g. one missing a key). Pass undefined to reset. */
export function setAuditKeyring(next: AuditKeyring | undefined): void {
  keyring = next;
}
