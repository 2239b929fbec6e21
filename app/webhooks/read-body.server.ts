/**
 * Reads a request body with a byte cap, before anything else (Shopify's library
 * included) reads it whole. A declared Content-Length over the cap is refused
 * without reading a byte; a chunked or lying body is refused as soon as the bytes
 * read pass the cap, and the rest of the stream is cancelled.
 */
import { securityHeaders } from "~/security/headers.server";

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`body larger than ${maxBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

export const payloadTooLarge = (maxBytes: number) =>
  new Response(`Payload Too Large: at most ${maxBytes} bytes`, {
    status: 413,
    headers: securityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", Connection: "close" })),
  });

/** The body's bytes, or a BodyTooLargeError once more than maxBytes arrive. */
export async function readCappedBody(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) throw new BodyTooLargeError(maxBytes);
  if (!request.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
