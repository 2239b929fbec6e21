// Runs before each test file's imports, so app/env.server.ts parses these values.
import { testEnv } from "./test-env";

for (const [key, value] of Object.entries(testEnv)) process.env[key] ??= value;
