/**
 * PGlite, taking turns with the rest of the process.
 *
 * PGlite runs PostgreSQL in this thread: a statement holds the event loop while it runs, and
 * consecutive statements (a transaction's, a job's) resolve one another's promises without the
 * loop ever reaching its I/O phase. Measured on a first open (issue 13): the browser's requests
 * for the page's stylesheet and scripts, sent as its shell arrived, waited ~330 ms behind the
 * install's and the first sync's statements, so the frame stayed blank. Here each statement
 * (the protocol's Parse or simple Query message, the first of its round) first lets the event
 * loop turn once (`setImmediate`), so pending requests and timers get their turn between
 * statements; a statement itself is never interrupted. The cost is one loop turn per
 * statement (microseconds when nothing waits).
 */
import { PGlite } from "@electric-sql/pglite";

const PARSE = 0x50; // 'P'
const QUERY = 0x51; // 'Q'

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FairPGlite extends PGlite {
  override async execProtocolRaw(message: Uint8Array, options?: Parameters<PGlite["execProtocolRaw"]>[1]): Promise<Uint8Array> {
    if (message[0] === PARSE || message[0] === QUERY) await nextTurn();
    return super.execProtocolRaw(message, options);
  }
}
