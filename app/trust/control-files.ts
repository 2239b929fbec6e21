/** Shorthands for the registry's test references (app/trust/controls*.ts). */
import type { TestRef } from "./control-types";

export const tests = (file: string, ...names: string[]): TestRef[] => names.map((name) => ({ file, name }));

export const REQUESTS = "tests/integration/requests.test.ts";
export const HARDENING = "tests/integration/hardening.test.ts";
export const KEYRING = "app/security/keyring.server.test.ts";
export const WEBHOOKS = "tests/integration/webhooks.test.ts";
export const WEBHOOK_HARDENING = "tests/integration/webhook-hardening.test.ts";
export const AUDIT = "tests/integration/audit-log.test.ts";
export const AUDIT_KEYED = "tests/integration/audit-keyed-chain.test.ts";
export const TRUST = "tests/integration/trust.test.ts";
export const DATA_RIGHTS = "tests/integration/data-rights.test.ts";

