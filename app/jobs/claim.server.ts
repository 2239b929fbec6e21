/**
 * Claiming due jobs, fairly across shops (the queue's worker calls this in one
 * short `asSystem` transaction per fill).
 *
 * Fair: jobs were claimed globally by run_at, so one shop's 10,000 webhooks made
 * every other shop wait behind them. Now each shop (and the cross-shop jobs, as one
 * more group) gets at most `perShop` jobs running at once, and free slots go round
 * robin: every shop's oldest due job before any shop's second, shops with fewer jobs
 * running first. A LATERAL per shop reads at most `perShop` rows of each shop from
 * jobs_due_idx (status = 'pending', by shop, run_at), so a flood costs the claim
 * nothing beyond its shop's first rows.
 *
 * The cap is exact for one worker and holds across workers too: two workers that
 * both pick a shop's first rows contend for the same rows, and SKIP LOCKED gives
 * them to one of them.
 */
import { sql, type SQL } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";

export interface ClaimedRow {
  id: string;
  kind: string;
  payload: string;
  shop_id: string | null;
  attempts: number;
  max_attempts: number;
  created_at: string | Date;
}

export interface FailedRow {
  id: string;
  kind: string;
  payload: string;
  shop_id: string | null;
  last_error: string;
}

export const interval = (ms: number) => sql`${`${Math.max(0, Math.round(ms))} milliseconds`}::interval`;

/** The shop group of a job: cross-shop jobs (no shop) are one group of their own. */
const group = (alias: string) => sql.raw(`coalesce(${alias}.shop_id, '')`);

/**
 * Expired leases: on the last attempt the job fails (its rows are returned, for the
 * kinds' final-failure hooks); otherwise it is due again, as a pending job keeping
 * its run_at (so it goes first) and its attempt count.
 */
export async function settleExpiredLeases(tx: Tx, filter: SQL): Promise<FailedRow[]> {
  const failed = await queryRows<FailedRow>(tx, sql`
    update jobs set status = 'failed', finished_at = now(), locked_until = null, locked_by = null,
      last_error = 'lease expired on attempt ' || attempts || ' of ' || max_attempts || ' (worker stopped or crashed)'
    where id in (
      select id from jobs
      where status = 'running' and locked_until < now() and attempts >= max_attempts and ${filter}
      for update skip locked)
    returning id::text as id, kind, payload::text as payload, shop_id, last_error`);
  await tx.execute(sql`
    update jobs set status = 'pending', locked_until = null, locked_by = null
    where id in (
      select id from jobs
      where status = 'running' and locked_until < now() and attempts < max_attempts and ${filter}
      for update skip locked)`);
  return failed;
}

export interface ClaimOptions {
  /** Slots free in this worker. */
  free: number;
  /** Running jobs allowed per shop (across every worker). */
  perShop: number;
  leaseMs: number;
  /** This claim's token (locked_by). */
  token: string;
  /** Kind/shop restriction of the worker, over `jobs`. */
  filter: SQL;
}

export const claimDueJobs = (tx: Tx, o: ClaimOptions): Promise<ClaimedRow[]> => queryRows<ClaimedRow>(tx, claimStatement(o));

/** The claim as one statement (exported for the plan test). */
export function claimStatement(o: ClaimOptions): SQL {
  // `filter` names jobs' columns unqualified: each use below reads one `jobs` alone.
  return sql`
    with due_groups as (
      select distinct ${group("jobs")} as grp from jobs
      where status = 'pending' and run_at <= now() and ${o.filter}
    ),
    busy as (
      select ${group("jobs")} as grp, count(*)::int as n from jobs
      where status = 'running' and locked_until >= now()
      group by 1
    ),
    candidates as (
      select c.id, c.run_at, c.rn + coalesce(b.n, 0) as turn
      from due_groups g
      left join busy b on b.grp = g.grp
      cross join lateral (
        select jobs.id, jobs.run_at, row_number() over (order by jobs.run_at, jobs.id) as rn
        from jobs
        where ${group("jobs")} = g.grp and status = 'pending' and run_at <= now() and ${o.filter}
        order by jobs.run_at, jobs.id
        limit greatest(0, ${o.perShop} - coalesce(b.n, 0))
      ) c
    ),
    picked as (
      select jobs.id from jobs
      where jobs.id in (select id from candidates order by turn, run_at, id limit ${o.free})
        and status = 'pending'
      for update skip locked
    )
    update jobs j set status = 'running', attempts = j.attempts + 1,
      locked_until = now() + ${interval(o.leaseMs)}, locked_by = ${o.token}
    from picked where j.id = picked.id
    returning j.id::text as id, j.kind, j.payload::text as payload, j.shop_id, j.attempts, j.max_attempts, j.created_at`;
}
