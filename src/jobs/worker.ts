import { randomToken } from '../core/ids.ts';
import type { AppDeps } from '../app-deps.ts';
import type { JobRow } from '../db/schema.ts';
import type { Tx } from '../db/database.ts';
import type { JobContext, JobOutcome } from '../dmapi/command.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { completeResult } from '../services/results.ts';
import { claimJob, claimJobs, enqueue, finishJob, retryLater, waitForRegistry } from './queue.ts';
import { HeldClaims } from './claims.ts';
import { RegistryUnavailable } from '../registry/faults.ts';
import { forJob } from '../registry/frames.ts';

/**
 * Performs one job kind. `failed`, when present, runs in the transaction that records the job's
 * final failure (a DmapiError, or the last attempt): the place to release what `accept` reserved.
 */
export type JobHandler = ((ctx: JobContext, payload: any) => Promise<JobOutcome | void>) & {
  failed?: (ctx: JobContext, payload: any, reason: string) => Promise<void>;
  /**
   * Slow work with outside effects (an SMTP exchange) that must not hold a transaction — on
   * SQLite that would hold the only connection. It runs first, outside any transaction; its
   * return value reaches the handler as `ctx.prepared`. A crash between the two repeats it, so
   * it must be safe to repeat (at least once, where the transaction part is exactly once): on a
   * retry (`attempt` > 1) a registry step asks the registry what happened before acting again.
   * A DmapiError thrown here ends the job as one from the handler would (a nack, then `failed`).
   */
  outside?: (deps: AppDeps, payload: any, o: OutsideContext) => Promise<unknown>;
};

/** What an outside step knows of its run: which attempt this is, and the instant the attempt uses. */
export interface OutsideContext {
  readonly jobId: number;
  /** 1 on the first run; more after a failure or a crash (the step may have happened already). */
  readonly attempt: number;
  /** The clock reading for this attempt; the transaction part that follows uses the same. */
  readonly now: number;
}

/** A task the worker runs every `everyMs` (clock time); it must be idempotent, several processes may run it. */
export interface PeriodicTask {
  name: string;
  everyMs: number;
  run(deps: AppDeps, now: number): Promise<void>;
}

class LeaseLost extends Error {}

/** A periodic task's last run: when (platform clock), how long it took, and its error if it failed. */
export interface TaskRun {
  task: string;
  at: number;
  ms: number;
  error: string | null;
}

/**
 * Claims jobs from the database and performs each inside one transaction with its completion,
 * so a job's effects are committed exactly once: a worker that dies mid-job commits nothing and
 * its leases, no longer renewed by its heartbeat, expire; a worker whose lease was taken over
 * cannot mark the job done and rolls back. A stopping worker hands back what it has not started.
 */
export class Worker {
  readonly id = `w-${randomToken(6)}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private stopping = false;
  private lastRun = new Map<string, number>();
  /** Each periodic task's last run in this process (the console's operator view shows them). */
  private lastOutcome = new Map<string, TaskRun>();
  private readonly deps: AppDeps;
  private readonly handlers: ReadonlyMap<string, JobHandler>;
  private readonly tasks: readonly PeriodicTask[];

  constructor(deps: AppDeps, handlers: ReadonlyMap<string, JobHandler>, tasks: readonly PeriodicTask[] = []) {
    this.deps = deps;
    this.handlers = handlers;
    this.tasks = tasks;
  }

  /** Performs every due job (and jobs those enqueue) until none is left; returns how many ran. */
  async runUntilIdle(maxRounds = 1000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds && !this.stopping; i++) {
      const n = await this.runOnce();
      if (n === 0) break;
      total += n;
    }
    return total;
  }

  /**
   * One batch: claim, then perform in claim order while a heartbeat keeps the batch's leases
   * alive. A job whose lease was lost before it started is skipped (its new owner performs it);
   * on stop, the jobs not started go back to the queue at once.
   */
  async runOnce(batch = 20): Promise<number> {
    if (this.stopping) return 0;
    const jobs = await claimJobs(this.deps, this.id, batch);
    if (jobs.length === 0) return 0;
    await this.performClaimed(jobs);
    return jobs.length;
  }

  /**
   * Performs the one job `id` now, when it is queued and due and no other worker has claimed it
   * (a request that answers with its own job's outcome). Returns whether it ran here.
   */
  async performJob(id: number): Promise<boolean> {
    if (this.stopping) return false;
    const job = await claimJob(this.deps, this.id, id);
    if (!job) return false;
    await this.performClaimed([job]);
    return true;
  }

  private async performClaimed(jobs: JobRow[]): Promise<void> {
    const claims = new HeldClaims(this.deps, this.id, jobs);
    try {
      for (const job of jobs) {
        if (this.stopping) break;
        if (!(await claims.begin(job.id))) continue;
        try {
          await this.perform(job);
        } finally {
          claims.finished(job.id);
        }
      }
    } finally {
      const released = await claims.close().catch((err: unknown) => {
        this.deps.log.error({ err, worker: this.id }, 'could not hand unstarted jobs back; their leases will expire');
        return 0;
      });
      if (released > 0) this.deps.log.info({ worker: this.id, released }, 'handed unstarted jobs back to the queue');
    }
  }

  /** Every periodic task with its last run in this process (undefined: not run yet), in the order they run. */
  taskRuns(): Array<{ task: string; everyMs: number; last: TaskRun | undefined }> {
    return this.tasks.map((t) => ({ task: t.name, everyMs: t.everyMs, last: this.lastOutcome.get(t.name) }));
  }

  /** Runs the periodic tasks whose interval has passed on the clock. */
  async runTasks(): Promise<void> {
    const now = this.deps.clock.now();
    for (const task of this.tasks) {
      const last = this.lastRun.get(task.name);
      if (last !== undefined && now - last < task.everyMs) continue;
      this.lastRun.set(task.name, now);
      const started = Date.now();
      try {
        await task.run(this.deps, now);
        this.lastOutcome.set(task.name, { task: task.name, at: now, ms: Date.now() - started, error: null });
      } catch (err) {
        this.lastOutcome.set(task.name, { task: task.name, at: now, ms: Date.now() - started, error: err instanceof Error ? err.message : String(err) });
        this.deps.log.error({ err, task: task.name }, 'periodic task failed');
      }
    }
  }

  async perform(job: JobRow): Promise<void> {
    const { deps } = this;
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const payload = JSON.parse(job.payload);
      // One instant for the attempt: the registry's timestamps and the local rows agree.
      const now = deps.clock.now();
      // Inside forJob, a wire registry backend files the frames of this step under the job.
      const outside = handler.outside;
      const prepared = outside ? await forJob(job.id, () => outside(deps, payload, { jobId: job.id, attempt: job.attempts, now })) : undefined;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await finishJob(trx, job, this.id, now, 'done'))) throw new LeaseLost();
        const outcome = await handler({ ...this.context(trx, job, now), prepared }, payload);
        if (job.result_id !== null && !outcome?.pending) await completeResult(trx, job.result_id, outcome ?? { status: 'ack', text: '' }, now);
      });
    } catch (err) {
      if (err instanceof LeaseLost) return;
      await this.failed(job, err);
    }
  }

  private context(trx: Tx, job: JobRow, now: number): JobContext {
    return {
      deps: this.deps,
      db: trx,
      now,
      accountId: job.account_id,
      resultId: job.result_id,
      enqueue: (kind, payload, o) => enqueue(trx, now, kind, payload, { accountId: job.account_id, ...o }),
    };
  }

  private async failed(job: JobRow, err: unknown): Promise<void> {
    const { deps } = this;
    const now = deps.clock.now();
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof RegistryUnavailable) {
      // Nothing reached the registry: wait for it without spending the job's attempts.
      deps.log.warn({ job: job.id, kind: job.kind, err: message }, 'registry unavailable; the job waits');
      return deps.db.transaction().execute((trx) => waitForRegistry(trx, job, this.id, now + err.retryAfterMs, message));
    }
    const permanent = err instanceof DmapiError || job.attempts >= job.max_attempts;
    // An error marked `expected` (a webhook receiver that is down) is the other side's fault, not ours.
    if ((err as { expected?: boolean } | null)?.expected === true) deps.log.warn({ job: job.id, kind: job.kind, attempt: job.attempts, err: message }, 'job attempt failed');
    else if (!(err instanceof DmapiError)) deps.log.error({ err, job: job.id, kind: job.kind, attempt: job.attempts }, 'job attempt failed');
    await deps.db.transaction().execute(async (trx) => {
      if (!permanent) return retryLater(trx, job, this.id, now, message);
      if (!(await finishJob(trx, job, this.id, now, 'failed', message))) return;
      await this.handlers.get(job.kind)?.failed?.(this.context(trx, job, now), JSON.parse(job.payload), message);
      if (job.result_id === null) return;
      const text =
        err instanceof DmapiError
          ? [`result_msg: ${err.details[0]}`, ...err.details.slice(1).map((d) => `error_text: ${d}`)].join('\n')
          : `result_msg: internal error after ${job.attempts} attempts`;
      await completeResult(trx, job.result_id, { status: 'nack', text }, now);
    });
  }

  /** Polls every `intervalMs` and whenever woken; stops with stop(). */
  start(intervalMs = 1000): void {
    this.stopping = false;
    const tick = () => {
      if (this.running) {
        this.wakeRequested = true;
        return;
      }
      this.running = (async () => {
        do {
          this.wakeRequested = false;
          try {
            // The sandbox offset may have moved (`dmapid clock advance`) with no request here to notice.
            await this.deps.syncClock();
            await this.runTasks();
            await this.runUntilIdle(50);
          } catch (err) {
            this.deps.log.error({ err }, 'worker round failed');
          }
        } while (this.wakeRequested && this.timer);
      })().finally(() => {
        this.running = undefined;
        // A wake that arrived after the loop's last check would otherwise wait for the next poll.
        if (this.wakeRequested && this.timer) tick();
      });
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    this.wake = tick;
    tick();
  }

  /** Whether start() runs the polling loop (readiness: a node whose worker died is not ready). */
  get started(): boolean {
    return this.timer !== undefined && !this.stopping;
  }

  /** Replaced by start() with a function that triggers a round at once. */
  wake: () => void = () => {};

  /** Finishes the job in progress, hands the rest of its batch back to the queue, claims nothing more. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.wake = () => {};
    await this.running;
  }
}
