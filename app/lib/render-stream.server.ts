/**
 * The stream React's HTML goes through on its way to the response.
 *
 * React 18.3's renderToPipeableStream encodes text into a 2,048-byte view and,
 * when a multi-byte character does not fit at the end of it, writes the whole
 * view, unfilled bytes included: the page then carries NUL bytes (up to three)
 * before the character. Fixed upstream after React 18 (facebook/react#26228;
 * reported as #24985 and #31134, with Remix's entry.server as the workaround's
 * home). A NUL byte never belongs in our HTML (text with control characters is
 * cleaned before rendering), so trailing NULs of each chunk are dropped.
 */
import { Transform } from "node:stream";

export function createHtmlBody(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let end = chunk.length;
      while (end > 0 && chunk.length - end < 3 && chunk[end - 1] === 0) end--;
      callback(null, end === chunk.length ? chunk : chunk.subarray(0, end));
    },
  });
}
