import type { Executor, Tx } from '../db/database.ts';
import type { AppDeps } from '../app-deps.ts';
import type { ExpressionBuilder } from 'kysely';
import type { Database, JobRow } from '../db/schema.ts';

export interface EnqueueOptions {
  /** Earliest start (epoch ms); default: now. */
  runAt?: number;
  maxAttempts?: number;
  resultId?: number | null;
  accountId?: number | null;
  /**
   * The registry object the job acts on (`domain:example.com`): a job waits while an earlier one
   * with the same key is queued or running (see claimable), so their registry calls never overlap.
   */
  objectKey?: string | null;
}

/** Writes a job row; call it inside the transaction of the change that needs the job. */
export async function enqueue(db: Executor, now: number, kind: string, payload: unknown, o: EnqueueOptions = {}): Promise<number> {
  const row = await db
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload ?? null),
      result_id: o.resultId ?? null,
      account_id: o.accountId ?? null,
      status: 'queued',
      attempts: 0,
      max_attempts: o.maxAttempts ?? 8,
      run_at: o.runAt ?? now,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: now,
      finished_at: null,
      object_key: o.objectKey ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** No earlier job on the same object is still queued or running (its outside step may be under way). */
const noEarlierOnObject = (eb: ExpressionBuilder<Database, 'jobs'>) =>
  eb.not(
    eb.exists(
      eb
        .selectFrom('jobs as earlier')
        .select('earlier.id')
        .whereRef('earlier.object_key', '=', 'jobs.object_key')
        .whereRef('earlier.id', '<', 'jobs.id')
        .where('earlier.status', 'in', ['queued', 'running']),
    ),
  );

/**
 * Claims up to `limit` due jobs for `workerId`: queued ones whose time has come (`run_at`, on the
 * sandbox clock), and running ones whose lease ran out (`locked_until`, on the lease clock). A
 * claim lasts `config.jobLeaseMs`; the worker renews it (renewLeases) while it holds the job, so
 * only a dead or stalled worker's jobs come back. A job with an object key waits for the earlier
 * jobs on that object (queued, running, or backing off before a retry) to end. On PostgreSQL the rows are locked with SKIP
 * LOCKED so concurrent workers never claim the same job; SQLite serialises transactions anyway.
 */
export async function claimJobs(deps: AppDeps, workerId: string, limit: number): Promise<JobRow[]> {
  const now = deps.clock.now();
  const leaseNow = deps.leaseClock.now();
  const lockedUntil = leaseNow + deps.config.jobLeaseMs;
  return deps.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('jobs')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<', leaseNow)]),
        ]),
      )
      .where(noEarlierOnObject)
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit);
    if (deps.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    await trx
      .updateTable('jobs')
      .set((eb) => ({ status: 'running', locked_by: workerId, locked_until: lockedUntil, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids)
      .execute();
    return rows.map((r) => ({ ...r, status: 'running' as const, locked_by: workerId, locked_until: lockedUntil, attempts: r.attempts + 1 }));
  });
}

/**
 * Claims the one job `id` for `workerId` when it is queued and due (as claimJobs would): for a
 * request that waits for its own job (v2/contact/create). Undefined when another worker has it.
 */
export async function claimJob(deps: AppDeps, workerId: string, id: number): Promise<JobRow | undefined> {
  const now = deps.clock.now();
  const lockedUntil = deps.leaseClock.now() + deps.config.jobLeaseMs;
  const row = await deps.db
    .updateTable('jobs')
    .set((eb) => ({ status: 'running', locked_by: workerId, locked_until: lockedUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .where('run_at', '<=', now)
    .where(noEarlierOnObject)
    .returningAll()
    .executeTakeFirst();
  return row;
}

/**
 * Extends `workerId`'s claims on `ids` to `lockedUntil` (the heartbeat) and returns the ids it
 * still holds; a missing one was taken over by another worker (or is no longer running).
 */
export async function renewLeases(db: Executor, workerId: string, ids: readonly number[], lockedUntil: number): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .updateTable('jobs')
    .set({ locked_until: lockedUntil })
    .where('id', 'in', [...ids])
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Hands claims that `workerId` never started back to the queue, due at once, as if never claimed
 * (the attempt is not counted): a stopping worker makes nobody wait for its leases.
 */
export async function releaseJobs(db: Executor, workerId: string, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'queued', locked_by: null, locked_until: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', [...ids])
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Confirms inside `trx` that `workerId` still holds the job and marks it done; the row stays
 * locked until the transaction ends. Returns false when the lease was lost: the caller must roll back.
 */
export async function finishJob(trx: Tx, job: JobRow, workerId: string, now: number, status: 'done' | 'failed', error?: string): Promise<boolean> {
  const res = await trx
    .updateTable('jobs')
    .set({ status, finished_at: now, locked_until: null, last_error: error ?? null })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Puts a failed attempt back in the queue after an exponential backoff (5 s, 10 s, 20 s … capped at 1 h). */
export async function retryLater(db: Executor, job: JobRow, workerId: string, now: number, error: string): Promise<void> {
  const delay = Math.min(3_600_000, 5_000 * 2 ** Math.max(0, job.attempts - 1));
  await db
    .updateTable('jobs')
    .set({ status: 'queued', run_at: now + delay, locked_by: null, locked_until: null, last_error: error })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

/**
 * Puts a job back whose registry was unavailable (nothing was sent) to run at `runAt`. The attempt
 * keeps its number, so a later run still checks first, but the limit grows by one: waiting for a
 * registry that is down never uses up the job's attempts.
 */
export async function waitForRegistry(db: Executor, job: JobRow, workerId: string, runAt: number, error: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'queued', run_at: runAt, locked_by: null, locked_until: null, last_error: error, max_attempts: eb('max_attempts', '+', 1) }))
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
}

/**
 * Replaces a running job's payload: an outside step records a choice (the handle it is about to
 * create) before acting on it, so a retry after a crash finds the choice and checks on it.
 */
export async function updatePayload(db: Executor, jobId: number, payload: unknown): Promise<void> {
  await db.updateTable('jobs').set({ payload: JSON.stringify(payload) }).where('id', '=', jobId).where('status', '=', 'running').execute();
}
