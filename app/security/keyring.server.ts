/**
 * Authenticated encryption for secrets at rest (Shopify access and refresh tokens).
 *
 * Format:   v1:<kid>:<b64url iv, 12 bytes>:<b64url ciphertext || tag, 16 bytes>
 * Cipher:   AES-256-GCM, a fresh random 96-bit IV per seal.
 * AAD:      version, key id, purpose, table.column, shop and row id. A sealed value
 *           copied to another shop, row or column, or relabelled with another key id,
 *           fails to open.
 *
 * Invariants:
 *  - open() never returns unauthenticated plaintext and its errors never contain the
 *    sealed value or the plaintext.
 *  - Keys come from a KeyProvider. The env provider reads TOKEN_KEYS/TOKEN_PRIMARY_KID;
 *    a KMS provider plugs in at the same seam (unwrap data keys at start-up, keep
 *    seal/open synchronous and local).
 *  - Rotation: add a key (decrypt-only), make it primary, rewrap, verify, retire.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface SealContext {
  purpose: "shopify-token";
  table: string;
  column: string;
  shop: string;
  row: string;
}

export interface KeyProvider {
  readonly primaryKid: string;
  keyFor(kid: string): Buffer | undefined;
  kids(): string[];
}

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KID = /^[a-z0-9-]{1,32}$/;
const SEALED = /^v1:([a-z0-9-]{1,32}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$/;

export function createKeyProvider(keys: Record<string, string>, primaryKid: string): KeyProvider {
  const decoded = new Map<string, Buffer>();
  for (const [kid, b64] of Object.entries(keys)) {
    // A kid the sealed format cannot carry would seal values that never open again.
    if (!KID.test(kid)) throw new SealError(`key id ${JSON.stringify(kid)} must be 1-32 chars of a-z, 0-9 and -`);
    const key = Buffer.from(b64, "base64");
    if (key.length !== KEY_BYTES) throw new SealError(`key ${kid} is ${key.length} bytes, expected ${KEY_BYTES}`);
    decoded.set(kid, key);
  }
  if (!decoded.has(primaryKid)) throw new SealError(`primary key ${primaryKid} is not in the keyring`);
  return { primaryKid, keyFor: (kid) => decoded.get(kid), kids: () => [...decoded.keys()] };
}

function aadFor(kid: string, ctx: SealContext): Buffer {
  for (const part of [ctx.purpose, ctx.table, ctx.column, ctx.shop, ctx.row]) {
    if (!part || part.includes("|")) throw new SealError("seal context parts must be non-empty and contain no '|'");
  }
  // `${table}.${column}` is only unambiguous when neither side contains a '.'.
  if (ctx.table.includes(".") || ctx.column.includes(".")) {
    throw new SealError("seal context table and column must contain no '.'");
  }
  return Buffer.from([VERSION, kid, ctx.purpose, `${ctx.table}.${ctx.column}`, ctx.shop, ctx.row].join("|"), "utf8");
}

export function sealWith(provider: KeyProvider, plaintext: string, ctx: SealContext): string {
  const kid = provider.primaryKid;
  const key = provider.keyFor(kid)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadFor(kid, ctx));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}:${kid}:${iv.toString("base64url")}:${body.toString("base64url")}`;
}

export function openWith(provider: KeyProvider, sealed: string, ctx: SealContext): string {
  const match = SEALED.exec(sealed);
  if (!match) throw new SealError("not a sealed value");
  const [, kid, ivText, bodyText] = match as unknown as [string, string, string, string];
  const key = provider.keyFor(kid);
  if (!key) throw new SealError(`unknown key id ${kid}`);
  const iv = Buffer.from(ivText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SealError("malformed sealed value");
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aadFor(kid, ctx));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError("sealed value failed authentication (wrong key, context or tampered)");
  }
}

export function keyIdOf(sealed: string): string {
  const match = SEALED.exec(sealed);
  if (!match) throw new SealError("not a sealed value");
  return match[1]!;
}

let provider: KeyProvider | undefined;

/** The process keyring, from env unless a test or the KMS seam installed another. */
export async function getKeyProvider(): Promise<KeyProvider> {
  if (!provider) {
    const { env } = await import("~/env.server");
    provider = createKeyProvider(env.TOKEN_KEYS, env.TOKEN_PRIMARY_KID);
  }
  return provider;
}

export function setKeyProvider(next: KeyProvider): void {
  provider = next;
}

export async function seal(plaintext: string, ctx: SealContext): Promise<string> {
  return sealWith(await getKeyProvider(), plaintext, ctx);
}

export async function open(sealed: string, ctx: SealContext): Promise<string> {
  return openWith(await getKeyProvider(), sealed, ctx);
}
