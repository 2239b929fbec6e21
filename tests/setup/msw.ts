// Shopify's node adapter captures globalThis.fetch when it is imported, so msw must
// patch fetch before any test file imports app code: this file is a setupFile.
import { afterAll, afterEach } from "vitest";

import { mswServer } from "../mocks/msw-server";

mswServer.listen({ onUnhandledFrame: "error" });
afterEach(() => mswServer.resetHandlers());
afterAll(() => mswServer.close());
