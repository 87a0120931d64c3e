import type { AppDeps } from '../app-deps.ts';
import type { JobRow } from '../db/schema.ts';
import { releaseJobs, renewLeases } from './queue.ts';

/**
 * The claims a worker holds on one batch, kept alive by a heartbeat: every `jobHeartbeatMs` the
 * leases of the job being performed and of the jobs waiting behind it are renewed, so a long
 * outside step (an SMTP exchange, a NOTIFY, an EPP round trip) never loses its job, while a dead
 * worker's jobs come back one lease (`jobLeaseMs`) after its last beat.
 */
export class HeldClaims {
  private readonly deps: AppDeps;
  private readonly workerId: string;
  private readonly held: Set<number>;
  /** Lease-clock instant until which every held claim is known to be ours (its shortest lease). */
  private validUntil: number;
  private current: number | undefined;
  private renewing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(deps: AppDeps, workerId: string, jobs: readonly JobRow[]) {
    this.deps = deps;
    this.workerId = workerId;
    this.held = new Set(jobs.map((j) => j.id));
    this.validUntil = Math.min(...jobs.map((j) => j.locked_until ?? -Infinity));
    this.timer = setInterval(() => void this.renew(), deps.config.jobHeartbeatMs);
    this.timer.unref();
  }

  /** Renews every held lease now; one renewal at a time (a slow database never piles them up). */
  renew(): Promise<void> {
    this.renewing ??= this.renewNow().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewNow(): Promise<void> {
    const ids = [...this.held];
    if (ids.length === 0) return;
    const { deps } = this;
    const at = deps.leaseClock.now();
    let kept: Set<number>;
    try {
      kept = await renewLeases(deps.db, this.workerId, ids, at + deps.config.jobLeaseMs);
    } catch (err) {
      deps.log.warn({ err, worker: this.workerId }, 'job lease renewal failed');
      return;
    }
    for (const id of ids) {
      // The job being performed may just have committed; if it was taken over, finishJob says so.
      if (kept.has(id) || id === this.current) continue;
      if (this.held.delete(id)) deps.log.warn({ job: id, worker: this.workerId }, 'job lease lost before the job started: another worker took it over');
    }
    this.validUntil = Math.max(this.validUntil, at + deps.config.jobLeaseMs);
  }

  /**
   * Whether `id` may start: it is still held and its lease has more than a heartbeat to run
   * (renewed first when the last confirmation is older: after a stall, another worker may own it).
   */
  async begin(id: number): Promise<boolean> {
    const { leaseClock, config } = this.deps;
    if (this.held.has(id) && leaseClock.now() + config.jobHeartbeatMs >= this.validUntil) await this.renew();
    if (!this.held.has(id) || leaseClock.now() >= this.validUntil) return false;
    this.current = id;
    return true;
  }

  /** The job was performed (done, failed, retried later, or rolled back after a lost lease). */
  finished(id: number): void {
    this.held.delete(id);
    if (this.current === id) this.current = undefined;
  }

  /** Stops the heartbeat and hands every claim not started back to the queue; returns how many. */
  async close(): Promise<number> {
    clearInterval(this.timer);
    await this.renewing;
    const rest = [...this.held];
    this.held.clear();
    return releaseJobs(this.deps.db, this.workerId, rest);
  }
}
