/**
 * A test fails when something logs at error level (the app's pino logger at
 * error/fatal, or console.error) unless the test said it expects it, with
 * expectErrorLogs() (Epic Stack's habit). An error log nobody expected is a bug
 * the test would otherwise let pass: a swallowed exception, a failed job that
 * was retried into success, a React warning.
 *
 * Runs as a setup file (unit and integration projects). Lines are still written
 * as before; they are also counted. pino writes each record synchronously
 * through process.stdout (app/log.server.ts), so its error lines are read there.
 */
import { format } from "node:util";

import { afterAll, afterEach, beforeEach, expect } from "vitest";

interface ErrorLogState {
  /** Lines logged at error level since the last test began (or the file, outside tests). */
  lines: string[];
  /** Declared by the running test (or, outside tests, by the file for its hooks). */
  expected: { match?: RegExp } | null;
  fileExpected: { match?: RegExp } | null;
  inTest: boolean;
  outside: string[];
}

const KEY = Symbol.for("margin-notes.tests.error-logs");
type Holder = { [KEY]?: ErrorLogState };

function state(): ErrorLogState {
  const holder = globalThis as Holder;
  holder[KEY] ??= { lines: [], expected: null, fileExpected: null, inTest: false, outside: [] };
  return holder[KEY];
}

/** pino's error (50) and fatal (60) records. */
const PINO_ERROR = /"level":(50|60)[,}]/;

function record(line: string): void {
  const s = state();
  (s.inTest ? s.lines : s.outside).push(line);
}

/**
 * Declares that the running test (or, called outside a test, this file's hooks)
 * logs at error level on purpose. With `match`, only lines matching it are
 * excused. A declaration with no such line fails the test: the expectation is
 * checked, not just a mute. Returns the lines seen so far, for assertions.
 */
export function expectErrorLogs(match?: RegExp): { lines: () => string[] } {
  const s = state();
  if (s.inTest) s.expected = { match };
  else s.fileExpected = { match };
  return { lines: () => [...(s.inTest ? s.lines : s.outside)] };
}

const installed = Symbol.for("margin-notes.tests.error-logs.installed");
const markedStdout = process.stdout as typeof process.stdout & { [installed]?: true };
if (!markedStdout[installed]) {
  markedStdout[installed] = true;
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
    for (const line of text.split("\n")) if (PINO_ERROR.test(line)) record(line);
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;

  const consoleError = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    // As Node would print it (objects inspected, not "[object Object]").
    record(`console.error: ${format(...args)}`);
    consoleError(...args);
  };
}

const shown = (lines: string[]) => lines.map((l) => (l.length > 600 ? `${l.slice(0, 600)}…` : l)).join("\n");

function unexpected(lines: string[], expected: { match?: RegExp } | null): string[] {
  if (!expected) return lines;
  return expected.match ? lines.filter((l) => !expected.match!.test(l)) : [];
}

const HOW = "If the test means to log at error level, call expectErrorLogs() (tests/setup/error-logs.ts) in it.";

beforeEach(() => {
  const s = state();
  s.inTest = true;
  s.lines = [];
  s.expected = null;
});

afterEach(() => {
  const s = state();
  const lines = s.lines;
  const expected = s.expected;
  s.inTest = false;
  s.lines = [];
  s.expected = null;
  const stray = unexpected(lines, expected);
  expect(stray, `the test logged at error level:\n${shown(stray)}\n${HOW}`).toEqual([]);
  if (expected) {
    const matching = expected.match ? lines.filter((l) => expected.match!.test(l)) : lines;
    expect(matching.length, `expectErrorLogs(${expected.match ?? ""}) was declared but nothing was logged at error level`).toBeGreaterThan(0);
  }
});

afterAll(() => {
  const s = state();
  const stray = unexpected(s.outside, s.fileExpected);
  s.outside = [];
  s.fileExpected = null;
  expect(stray, `this file's hooks (outside any test) logged at error level:\n${shown(stray)}\n${HOW}`).toEqual([]);
});
