/**
 * The job handler registry. Feature modules (sync, reports, …) register their own
 * kinds here; the queue only looks handlers up by kind, so it never imports them
 * and there is no import cycle.
 *
 * Typing: a module names its kind and payload schema by augmenting `JobSchemas`,
 * then registers the handler. `enqueue(kind, payload)` then accepts only known kinds
 * with that schema's input type, and the handler receives the schema's output:
 *
 *   const SyncStart = z.object({ reason: z.enum(["install", "manual"]) }).strict();
 *   declare module "~/jobs/handlers.server" {
 *     interface JobSchemas { "sync.start": typeof SyncStart }
 *   }
 *   registerJob("sync.start", SyncStart, async ({ shopId, payload }) => { … withShop(shopId, …) });
 *
 * Payloads are stored as jsonb and parsed again before the handler runs, so schemas
 * should describe plain JSON (no transforms, no Date objects).
 */
import { type z } from "zod";

/** Kind → zod schema of its payload. Empty here; augmented by the modules that own kinds. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobSchemas {}

export type JobKind = { [K in keyof JobSchemas]: JobSchemas[K] extends z.ZodType ? K : never }[keyof JobSchemas] & string;
export type JobInput<K extends JobKind> = JobSchemas[K] extends z.ZodType ? z.input<JobSchemas[K]> : never;
export type JobPayload<K extends JobKind> = JobSchemas[K] extends z.ZodType ? z.output<JobSchemas[K]> : never;

export interface JobContext<P> {
  jobId: number;
  /** The shop the job was enqueued for, or null for cross-shop jobs. Use `withShop(shopId, …)`. */
  shopId: string | null;
  payload: P;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the worker stops or loses the job's lease: stop early, the job will run again. */
  signal: AbortSignal;
}

export type JobHandler<P> = (ctx: JobContext<P>) => Promise<void>;

/** Throw from a handler for a failure that retrying cannot fix: the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/**
 * Throw from a handler when the job cannot progress now but will later (Shopify's
 * 429 with Retry-After, an empty bucket): the job goes back to pending, due after
 * `delayMs` (capped at RETRY_LATER_MAX_MS), instead of sleeping in a worker slot.
 * It does not use up an attempt while the job is younger than a day; after that it
 * counts like a failure, so a job cannot be deferred forever.
 */
export class RetryLaterError extends Error {
  readonly delayMs: number;
  constructor(delayMs: number, message: string) {
    super(message);
    this.name = "RetryLaterError";
    this.delayMs = Math.min(RETRY_LATER_MAX_MS, Math.max(0, Math.round(delayMs)));
  }
}

export const RETRY_LATER_MAX_MS = 15 * 60_000;

/** What a kind's final-failure hook is told: the job failed for good (no attempt left, or permanent). */
export interface FinalFailure<P> {
  jobId: number;
  shopId: string | null;
  payload: P;
  error: string;
}

export interface JobOptions<P> {
  /**
   * Runs once when a job of this kind fails for good, after that is recorded, so the
   * kind's own state (a sync run) never waits for a job that will not run again.
   * Must be idempotent; its errors are logged, never retried.
   */
  onFinalFailure?: (failure: FinalFailure<P>) => Promise<void>;
}

export interface RegisteredJob {
  kind: string;
  schema: z.ZodType;
  handler: JobHandler<unknown>;
  onFinalFailure?: (failure: FinalFailure<unknown>) => Promise<void>;
}

const registry = new Map<string, RegisteredJob>();

export function registerJob<K extends JobKind>(kind: K, schema: JobSchemas[K], handler: JobHandler<JobPayload<K>>, options: JobOptions<JobPayload<K>> = {}): void {
  if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(kind)) throw new Error(`Invalid job kind ${JSON.stringify(kind)}`);
  if (registry.has(kind)) throw new Error(`Job kind "${kind}" is already registered`);
  registry.set(kind, {
    kind,
    schema: schema as z.ZodType,
    handler: handler as JobHandler<unknown>,
    onFinalFailure: options.onFinalFailure as RegisteredJob["onFinalFailure"],
  });
}

export const getJobHandler = (kind: string): RegisteredJob | undefined => registry.get(kind);

export const registeredKinds = (): string[] => [...registry.keys()];
