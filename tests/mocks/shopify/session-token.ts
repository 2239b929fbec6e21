/**
 * Session tokens (id_token) as Shopify's admin issues them: HS256 JWTs signed with
 * the app's API secret. Used by the simulator's App Bridge stand-in and by tests.
 */
import { createHmac, randomUUID } from "node:crypto";

export interface SessionTokenClaims {
  shop: string;
  apiKey: string;
  secret: string;
  /** Shopify staff user id; the `sub` claim. */
  userId?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** The `dest` claim; defaults to the shop (a foreign one is a forged or confused token). */
  dest?: string;
}

const b64url = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString("base64url");

export function mintSessionToken({ shop, apiKey, secret, userId = "42", expiresIn = 60, dest = `https://${shop}` }: SessionTokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url({ alg: "HS256", typ: "JWT" });
  const payload = b64url({
    iss: `https://${shop}/admin`,
    dest,
    aud: apiKey,
    sub: userId,
    exp: now + expiresIn,
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
  });
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** Verifies a token the way Shopify's OAuth endpoint does before a token exchange. */
export function verifySessionToken(token: string, apiKey: string, secret: string): { shop: string; sub: string } | null {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return null;
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  if (expected !== signature) return null;
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { aud: string; dest: string; sub: string; exp: number };
  if (claims.aud !== apiKey || claims.exp * 1000 < Date.now() - 10_000) return null;
  return { shop: new URL(claims.dest).hostname, sub: claims.sub };
}
