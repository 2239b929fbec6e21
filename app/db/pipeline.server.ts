/**
 * Statements of one transaction sent without waiting for each other's answers.
 *
 * Each statement is sent when its work is added (postgres.js writes what one tick
 * sends in one go, and PostgreSQL runs a connection's statements in the order they
 * arrive); `settle` awaits them all. The live order finalize sends its eight or so
 * statements this way: one round trip and one socket write instead of one each
 * (on a busy machine every round trip is also a wait to be scheduled again).
 *
 * Only for statements whose texts do not depend on an earlier one's answer. A failing
 * statement fails every one after it (the transaction is aborted): `settle` rejects
 * with the first failure in the order the work was added, the statement's own error,
 * not a later "current transaction is aborted". It saves round trips only where the
 * statements are prepared on the connection (prepared.server.ts: postgres.js waits
 * for an unprepared statement's description before sending anything after it), so
 * callers use it where prepareStatements is on, and await each statement otherwise.
 */
export class Pipeline {
  private readonly sent: Promise<unknown>[] = [];

  /** `work` must already have sent its statement (a started query or async function). */
  add(work: Promise<unknown>): void {
    work.catch(() => {}); // observed by settle
    this.sent.push(work);
  }

  async settle(): Promise<void> {
    const outcomes = await Promise.allSettled(this.sent.splice(0));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
  }
}
