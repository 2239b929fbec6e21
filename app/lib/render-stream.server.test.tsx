import { PassThrough } from "node:stream";
import { buffer } from "node:stream/consumers";

import { renderToPipeableStream } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { createHtmlBody } from "./render-stream.server";

/** Renders through React's pipeable stream and the given body, as entry.server.tsx does. */
function render(element: React.ReactElement, body: PassThrough | ReturnType<typeof createHtmlBody>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { pipe } = renderToPipeableStream(element, {
      onAllReady() {
        pipe(body);
        buffer(body).then(resolve, reject);
      },
      onShellError: reject,
    });
  });
}

// Runs of em dashes (3 bytes each in UTF-8) behind 0, 1 or 2 ASCII characters: the
// ends of React's 2,048-byte views fall inside them at every offset.
const page = <ul>{Array.from({ length: 120 }, (_, i) => <li key={i}>{`${"x".repeat(i % 3)}${"—".repeat(40)} ok`}</li>)}</ul>;

describe("the HTML body stream", () => {
  it("React 18 alone writes NUL bytes where a multi-byte character meets its buffer's end (the bug this works around)", async () => {
    expect((await render(page, new PassThrough())).includes(0)).toBe(true);
  });

  it("carries React's HTML without them, every character intact", async () => {
    const html = (await render(page, createHtmlBody())).toString("utf8");
    expect(html).not.toContain("\u0000");
    expect(html.match(/—{40} ok/g)).toHaveLength(120);
  });
});
