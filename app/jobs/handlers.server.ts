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

export interface RegisteredJob {
  kind: string;
  schema: z.ZodType;
  handler: JobHandler<unknown>;
}

const registry = new Map<string, RegisteredJob>();

export function registerJob<K extends JobKind>(kind: K, schema: JobSchemas[K], handler: JobHandler<JobPayload<K>>): void {
  if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(kind)) throw new Error(`Invalid job kind ${JSON.stringify(kind)}`);
  if (registry.has(kind)) throw new Error(`Job kind "${kind}" is already registered`);
  registry.set(kind, { kind, schema: schema as z.ZodType, handler: handler as JobHandler<unknown> });
}

export const getJobHandler = (kind: string): RegisteredJob | undefined => registry.get(kind);

export const registeredKinds = (): string[] => [...registry.keys()];
