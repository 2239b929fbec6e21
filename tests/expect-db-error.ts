import { expect } from "vitest";

/** Drizzle wraps driver errors ("Failed query: …"); the database's own message is the cause. */
export async function expectDbError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { cause?: Error },
  );
  expect(error, "expected the query to fail").toBeDefined();
  expect(`${error?.message} ${error?.cause?.message ?? ""}`).toMatch(pattern);
}
