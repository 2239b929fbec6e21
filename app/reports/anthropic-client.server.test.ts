import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";

import { toAnthropicFailure } from "./anthropic-client.server";

const status = (code: number, headers: Record<string, string> = {}) => APIError.generate(code, { type: "error" }, "x", new Headers(headers));

describe("toAnthropicFailure: what an SDK error means for the caller", () => {
  it("maps Anthropic's statuses to codes, keeping Retry-After when Anthropic sent one", () => {
    expect(toAnthropicFailure(status(429, { "retry-after": "7" }), false)).toMatchObject({ code: "rate_limited", retryAfterSeconds: 7, unreached: false });
    expect(toAnthropicFailure(status(529), false)).toMatchObject({ code: "overloaded", retryAfterSeconds: undefined });
    expect(toAnthropicFailure(status(401), false)?.code).toBe("not_configured");
    expect(toAnthropicFailure(status(403), false)?.code).toBe("not_configured");
    expect(toAnthropicFailure(status(500), false)?.code).toBe("unavailable");
    expect(toAnthropicFailure(status(400), false)?.code).toBe("refused");
  });

  it("tells a timeout (the SDK's, or our deadline aborting) from a connection that never reached Anthropic", () => {
    expect(toAnthropicFailure(new APIConnectionTimeoutError(), false)?.code).toBe("timeout");
    expect(toAnthropicFailure(new APIUserAbortError(), true)?.code).toBe("timeout");
    expect(toAnthropicFailure(new APIConnectionError({ message: "ECONNREFUSED" }), false)).toMatchObject({ code: "unavailable", unreached: true });
  });

  it("leaves everything else alone: an abort that was not our deadline, and our own bugs, are rethrown by the caller", () => {
    expect(toAnthropicFailure(new APIUserAbortError(), false)).toBeNull();
    expect(toAnthropicFailure(new TypeError("x is undefined"), false)).toBeNull();
  });
});
