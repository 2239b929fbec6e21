/**
 * Decodes a Remix single-fetch response (`/path.data`, loader or action) the way
 * the Remix client does, so tests read exactly what a page would receive.
 */
import { decode } from "turbo-stream";

/** A single-fetch response (loader or action), decoded as the Remix client decodes it. */
export async function decodeSingleFetch(response: Response): Promise<{ status: number; value: unknown }> {
  const decoded = await decode(response.body!, {
    plugins: [
      (type: string, ...values: unknown[]) => {
        if (type === "ErrorResponse") return { value: { status: values[1], data: values[0] } };
        if (type === "SingleFetchClassInstance") return { value: values[0] };
        if (type === "SingleFetchFallback" || type === "SanitizedError" || type === "SingleFetchRedirect") return { value: { type, values } };
        return undefined;
      },
    ],
  });
  await decoded.done;
  return { status: response.status, value: decoded.value };
}
