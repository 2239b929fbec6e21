/**
 * The control registry: every security claim Margin Notes makes, the code that keeps
 * it and the tests that prove it. The /trust page, the in-app Security page and
 * `npm run trust:check` all read this list, so a claim cannot appear without tests,
 * and CI fails when a named test is renamed, removed or failing.
 *
 * Rules for editing: claim only what the code does today; name a test only if it
 * fails without the control; copy test names exactly as `vitest list` prints them.
 */
import type { Control } from "./control-types";
import { ACCESS_CONTROLS } from "./controls-access";
import { OPERATIONS_CONTROLS } from "./controls-operations";

export const CONTROLS: readonly Control[] = [...ACCESS_CONTROLS, ...OPERATIONS_CONTROLS];
