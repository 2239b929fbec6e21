import { randomBytes } from "node:crypto";

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

import { testEnv } from "../../tests/setup/test-env";

import {
  createKeyProvider,
  keyIdOf,
  open,
  openWith,
  seal,
  SealError,
  sealWith,
  setKeyProvider,
  type KeyProvider,
  type SealContext,
} from "./keyring.server";

const keyB64 = (fill: number) => Buffer.alloc(32, fill).toString("base64");
const K1 = randomBytes(32).toString("base64");
const K2 = randomBytes(32).toString("base64");

const ring = createKeyProvider({ k1: K1, k2: K2 }, "k1");

const ctx: SealContext = {
  purpose: "shopify-token",
  table: "sessions",
  column: "access_token",
  shop: "alpha.myshopify.com",
  row: "offline_alpha.myshopify.com",
};

/** A Shopify-shaped offline token: shpat_ + 32 hex = 38 characters. */
const token = () => `shpat_${randomBytes(16).toString("hex")}`;

interface Parts {
  kid: string;
  iv: Buffer;
  body: Buffer;
}

function split(sealed: string): Parts {
  const [version, kid, iv, body] = sealed.split(":");
  expect(version).toBe("v1");
  return { kid: kid!, iv: Buffer.from(iv!, "base64url"), body: Buffer.from(body!, "base64url") };
}

function join({ kid, iv, body }: Parts): string {
  return `v1:${kid}:${iv.toString("base64url")}:${body.toString("base64url")}`;
}

/** Runs fn, asserts it threw a SealError, and returns it. */
function sealErrorOf(fn: () => unknown): SealError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SealError);
    return error as SealError;
  }
  throw new Error("expected a SealError, nothing was thrown");
}

describe("sealing round-trips", () => {
  it("opens to exactly the sealed string, for arbitrary unicode (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (plaintext) => {
        expect(openWith(ring, sealWith(ring, plaintext, ctx), ctx)).toBe(plaintext);
      }),
      { numRuns: 500 },
    );
  });

  it("opens the empty string and a typical 38-character token", () => {
    expect(openWith(ring, sealWith(ring, "", ctx), ctx)).toBe("");
    const t = token();
    expect(t).toHaveLength(38);
    expect(openWith(ring, sealWith(ring, t, ctx), ctx)).toBe(t);
  });

  it("produces the documented v1:<kid>:<iv>:<ct||tag> shape and never contains the plaintext", () => {
    const t = token();
    const sealed = sealWith(ring, t, ctx);
    expect(sealed).toMatch(/^v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22,}$/);
    expect(sealed).not.toContain(t);
    const { iv, body } = split(sealed);
    expect(iv).toHaveLength(12);
    expect(body).toHaveLength(Buffer.byteLength(t) + 16);
  });

  it("seals the same plaintext differently every time", () => {
    const t = token();
    expect(sealWith(ring, t, ctx)).not.toBe(sealWith(ring, t, ctx));
  });

  it("uses a fresh IV for each of 100k seals", () => {
    const ivs = new Set<string>();
    const n = 100_000;
    for (let i = 0; i < n; i++) ivs.add(sealWith(ring, "x", ctx).split(":")[2]!);
    expect(ivs.size).toBe(n);
  });
});

describe("tampering is detected", () => {
  it("rejects any single bit flip anywhere in the IV or the ciphertext||tag (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 64 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (plaintext, where) => {
          const parts = split(sealWith(ring, plaintext, ctx));
          const bits = (parts.iv.length + parts.body.length) * 8;
          const position = Math.floor(where * bits);
          const bytes = Buffer.concat([parts.iv, parts.body]);
          bytes[position >> 3]! ^= 1 << (position & 7);
          const tampered = join({ kid: parts.kid, iv: bytes.subarray(0, 12), body: bytes.subarray(12) });
          sealErrorOf(() => openWith(ring, tampered, ctx));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("rejects every bit flip of a sealed token, exhaustively", () => {
    const parts = split(sealWith(ring, token(), ctx));
    const bytes = Buffer.concat([parts.iv, parts.body]);
    for (let position = 0; position < bytes.length * 8; position++) {
      const flipped = Buffer.from(bytes);
      flipped[position >> 3]! ^= 1 << (position & 7);
      const tampered = join({ kid: parts.kid, iv: flipped.subarray(0, 12), body: flipped.subarray(12) });
      sealErrorOf(() => openWith(ring, tampered, ctx));
    }
  });

  it("rejects a truncated tag or body, by any number of bytes (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 64 }), fc.integer({ min: 1, max: 200 }), (plaintext, cut) => {
        const parts = split(sealWith(ring, plaintext, ctx));
        const body = parts.body.subarray(0, Math.max(0, parts.body.length - cut));
        sealErrorOf(() => openWith(ring, join({ ...parts, body }), ctx));
      }),
      { numRuns: 500 },
    );
  });

  it("rejects a sealed string cut short by characters", () => {
    const sealed = sealWith(ring, token(), ctx);
    for (let cut = 1; cut < sealed.length; cut++) {
      sealErrorOf(() => openWith(ring, sealed.slice(0, sealed.length - cut), ctx));
    }
  });

  it("rejects a value relabelled with another existing key id", () => {
    const sealed = sealWith(ring, token(), ctx);
    expect(keyIdOf(sealed)).toBe("k1");
    sealErrorOf(() => openWith(ring, sealed.replace(/^v1:k1:/, "v1:k2:"), ctx));
  });

  it("rejects a relabelled key id even when both ids hold the same key bytes (the kid is in the AAD)", () => {
    const twins = createKeyProvider({ a: K1, b: K1 }, "a");
    const sealed = sealWith(twins, token(), ctx);
    const error = sealErrorOf(() => openWith(twins, sealed.replace(/^v1:a:/, "v1:b:"), ctx));
    expect(error.message).toMatch(/failed authentication/);
  });

  it("rejects an unknown key id with an error naming that id", () => {
    const sealed = sealWith(ring, token(), ctx).replace(/^v1:k1:/, "v1:retired-7:");
    const error = sealErrorOf(() => openWith(ring, sealed, ctx));
    expect(error.message).toContain("retired-7");
    expect(error.message).toMatch(/unknown key id/);
  });

  it("rejects values that are not sealed at all", () => {
    for (const bogus of ["", "shpat_0123", "v1:k1::", "v2:k1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA"]) {
      sealErrorOf(() => openWith(ring, bogus, ctx));
    }
  });
});

describe("a sealed value is bound to where it was stored", () => {
  const sealed = sealWith(ring, token(), ctx);

  it.each<[string, Partial<SealContext>]>([
    ["another shop", { shop: "beta.myshopify.com" }],
    ["another row", { row: "offline_beta.myshopify.com" }],
    ["another column", { column: "refresh_token" }],
    ["another table", { table: "sessions_archive" }],
    ["another purpose", { purpose: "webhook-secret" as SealContext["purpose"] }],
  ])("does not open for %s", (_, change) => {
    const error = sealErrorOf(() => openWith(ring, sealed, { ...ctx, ...change }));
    expect(error.message).toMatch(/failed authentication/);
  });

  it("opens in its own context", () => {
    expect(openWith(ring, sealed, { ...ctx })).toMatch(/^shpat_/);
  });

  it("refuses a table or column containing '.', which would make table.column ambiguous", () => {
    // {table: "a", column: "b.c"} and {table: "a.b", column: "c"} would share the AAD "a.b.c".
    sealErrorOf(() => sealWith(ring, "x", { ...ctx, table: "a", column: "b.c" }));
    sealErrorOf(() => sealWith(ring, "x", { ...ctx, table: "a.b", column: "c" }));
    sealErrorOf(() => openWith(ring, sealed, { ...ctx, table: "sessions.access_token", column: "x" }));
  });

  it("refuses empty context parts and parts containing '|'", () => {
    sealErrorOf(() => sealWith(ring, "x", { ...ctx, shop: "" }));
    sealErrorOf(() => sealWith(ring, "x", { ...ctx, row: "a|b" }));
  });
});

describe("errors leak nothing", () => {
  it("never carries the sealed value, the plaintext or key material in message, String(err) or stack", () => {
    const plaintext = token();
    const sealed = sealWith(ring, plaintext, ctx);
    const { iv, body } = split(sealed);
    const ivText = iv.toString("base64url");
    const bodyText = body.toString("base64url");
    const forbidden = [sealed, plaintext, ivText, bodyText, plaintext.slice(6)];
    for (const b64 of [K1, K2]) {
      const raw = Buffer.from(b64, "base64");
      forbidden.push(b64, raw.toString("base64url"), raw.toString("hex"), raw.toString("latin1"));
    }

    const flipped = Buffer.from(body);
    flipped[0]! ^= 1;
    const failures: Array<() => unknown> = [
      () => openWith(ring, join({ kid: "k1", iv, body: flipped }), ctx), // tampered
      () => openWith(ring, sealed, { ...ctx, shop: "beta.myshopify.com" }), // wrong context
      () => openWith(ring, sealed.replace(/^v1:k1:/, "v1:k2:"), ctx), // relabelled
      () => openWith(ring, sealed.replace(/^v1:k1:/, "v1:gone:"), ctx), // unknown kid
      () => openWith(ring, sealed.slice(0, -10), ctx), // truncated
      () => openWith(ring, `${sealed}!`, ctx), // malformed
      () => openWith(ring, plaintext, ctx), // plaintext passed where a sealed value belongs
      () => keyIdOf(plaintext),
      () => createKeyProvider({ k1: K1, short: K2.slice(0, 20) }, "k1"),
      () => createKeyProvider({ k1: K1 }, "k2"),
    ];
    for (const fail of failures) {
      const error = sealErrorOf(fail);
      for (const text of [error.message, String(error), error.stack ?? ""]) {
        for (const secret of forbidden) expect(text).not.toContain(secret);
      }
    }
  });
});

describe("createKeyProvider", () => {
  it.each([0, 16, 31, 33, 64])("refuses a %i-byte key", (bytes) => {
    const error = sealErrorOf(() => createKeyProvider({ k1: randomBytes(bytes).toString("base64") }, "k1"));
    expect(error.message).toMatch(/expected 32/);
  });

  it("refuses a primary key id that is not in the ring", () => {
    const error = sealErrorOf(() => createKeyProvider({ k1: K1, k2: K2 }, "k3"));
    expect(error.message).toContain("k3");
  });

  it("refuses key ids that the sealed format cannot carry", () => {
    for (const kid of ["K1", "key_1", "a|b", "a:b", "", "x".repeat(33)]) {
      sealErrorOf(() => createKeyProvider({ [kid]: K1 }, kid));
    }
  });

  it("lists its key ids and hands out the decoded keys", () => {
    expect(ring.kids().sort()).toEqual(["k1", "k2"]);
    expect(ring.primaryKid).toBe("k1");
    expect(ring.keyFor("k1")?.equals(Buffer.from(K1, "base64"))).toBe(true);
    expect(ring.keyFor("nope")).toBeUndefined();
  });
});

describe("key rotation", () => {
  it("keeps old values readable while a new primary seals, and refuses them once the old key is retired", () => {
    const plaintext = token();
    const before: KeyProvider = createKeyProvider({ k1: K1 }, "k1");
    const old = sealWith(before, plaintext, ctx);
    expect(keyIdOf(old)).toBe("k1");

    // Step 1-2: add k2 and make it primary; k1 stays for decryption.
    const during = createKeyProvider({ k1: K1, k2: K2 }, "k2");
    expect(openWith(during, old, ctx)).toBe(plaintext);
    const rewrapped = sealWith(during, openWith(during, old, ctx), ctx);
    expect(keyIdOf(rewrapped)).toBe("k2");
    expect(keyIdOf(sealWith(during, token(), ctx))).toBe("k2");

    // Step 3: retire k1.
    const after = createKeyProvider({ k2: K2 }, "k2");
    expect(openWith(after, rewrapped, ctx)).toBe(plaintext);
    const error = sealErrorOf(() => openWith(after, old, ctx));
    expect(error.message).toMatch(/unknown key id k1/);
  });
});

describe("the process keyring", () => {
  const envKeys = JSON.parse(testEnv.TOKEN_KEYS!) as Record<string, string>;
  afterAll(() => setKeyProvider(createKeyProvider(envKeys, testEnv.TOKEN_PRIMARY_KID!)));

  it("seals with TOKEN_PRIMARY_KID from the environment and opens its own values", async () => {
    const t = token();
    const sealed = await seal(t, ctx);
    expect(keyIdOf(sealed)).toBe(testEnv.TOKEN_PRIMARY_KID);
    await expect(open(sealed, ctx)).resolves.toBe(t);
    await expect(open(sealed, { ...ctx, shop: "beta.myshopify.com" })).rejects.toBeInstanceOf(SealError);
  });

  it("switches to an installed provider", async () => {
    const sealed = await seal("before", ctx);
    setKeyProvider(createKeyProvider({ other: keyB64(9) }, "other"));
    const after = await seal("after", ctx);
    expect(keyIdOf(after)).toBe("other");
    await expect(open(after, ctx)).resolves.toBe("after");
    await expect(open(sealed, ctx)).rejects.toThrow(/unknown key id test-1/);
  });
});
