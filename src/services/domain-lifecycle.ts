import type { AppDeps } from '../app-deps.ts';
import type { Executor } from '../db/database.ts';
import { DAY } from '../core/clock.ts';
import { isoDate } from '../core/dates.ts';
import { enqueue } from '../jobs/queue.ts';
import { Worker } from '../jobs/worker.ts';
import { handleRegistryMessages } from './registry-messages.ts';
import { registryOf, OWN_REGISTRAR } from '../registry/index.ts';
import { atRegistry } from './registry-errors.ts';
import { lockNames, resultLines } from './domains.ts';
import { AUTORENEW_JOB, autorenewFailed, EXPIRE_JOB, holdAutorenew, lifecycleJobHandlers, locked, record, type AutorenewJob } from './lifecycle-jobs.ts';

/**
 * The domain lifecycle, driven by the clock (registry-rules §1.2): the worker's periodic tasks
 * call these. Every step works on one domain in its own transaction, re-reads the row locked and
 * re-checks the condition, so several processes may run them at once. Steps that talk to the
 * registry (autorenew, expiry) are queued as jobs (services/lifecycle-jobs.ts) and performed at
 * once when no other worker has them: no registry call ever waits inside a transaction, and one
 * cut short by a crash is finished by the queue, charged once. Every step leaves a result
 * row (result-list / result-retrieve of the reseller) and, where money or the portfolio changes,
 * an order (query-order-list):
 *
 * - autorenew: a day before expiry, a domain with autorenew=1 is renewed for a year when the
 *   funds cover it (order `renew`, charged; an active privacy subscription is renewed with it);
 *   without funds an `error` order records the attempt and the domain expires at its expiry.
 * - expiry: a domain past its expiry that was not renewed is deleted at the registry inside the
 *   auto-renew grace period (or the registry let it expire, for expire-model TLDs) and enters
 *   redemption (order `delete_domain`, amount 0); query-domain-list stops listing it.
 * - redemption end: restorable no more (pending-delete); purge: the row goes, with its zone.
 * - privacy expiry: the subscription ends and whois shows the data again.
 */

/** Autorenew happens this long before the expiry, so the registry never has to renew on its own. */
export const AUTORENEW_LEAD_MS = DAY;
/** At most this many domains per step and run (the next run takes the rest). */
const BATCH = 500;

const inTx = <T>(deps: AppDeps, fn: (db: Executor) => Promise<T>) => deps.db.transaction().execute((trx) => fn(trx));

/** Performs a lifecycle job now; false when another worker holds it (it finishes there). */
export interface JobRunner {
  performJob(id: number): Promise<boolean>;
}
const runnerFor = (deps: AppDeps): JobRunner => new Worker(deps, new Map(lifecycleJobHandlers));

/** Whether a job of `kind` for the domain is still to finish (queued, running, or waiting to retry). */
async function inFlight(db: Executor, kind: string, name: string): Promise<boolean> {
  const row = await db.selectFrom('jobs').select('id').where('object_key', '=', `domain:${name}`).where('kind', '=', kind).where('status', 'in', ['queued', 'running']).executeTakeFirst();
  return row !== undefined;
}

/**
 * Decides one domain's renewal in a transaction (`due` re-checks the locked row) and, when the
 * money is there, holds it and queues the job; then performs the job. Returns whether it renewed.
 */
async function autorenewOne(deps: AppDeps, now: number, runner: JobRunner, id: number, name: string, due: (d: NonNullable<Awaited<ReturnType<typeof locked>>>) => boolean): Promise<boolean> {
  const queued = await inTx(deps, async (db) => {
    await lockNames(db, [`domain:${name}`]);
    const d = await locked(db, id);
    if (!d || !due(d) || (await inFlight(db, AUTORENEW_JOB, name))) return undefined;
    const held = await holdAutorenew(deps, db, now, d);
    if (!('procId' in held)) {
      await autorenewFailed(db, now, d, held);
      return undefined;
    }
    const jobId = await enqueue(db, now, AUTORENEW_JOB, held satisfies AutorenewJob, { accountId: d.account_id, objectKey: `domain:${name}`, maxAttempts: 5 });
    return { jobId, procId: held.procId };
  });
  if (!queued || !(await runner.performJob(queued.jobId))) return false;
  const r = await deps.db.selectFrom('results').select('status').where('id', '=', queued.procId).executeTakeFirst();
  return r?.status === 'ack';
}

/** Renews the domains with autorenew=1 due within AUTORENEW_LEAD_MS; returns the names renewed. */
export async function runAutorenew(deps: AppDeps, now: number, runner = runnerFor(deps)): Promise<string[]> {
  const due = await deps.db
    .selectFrom('domains')
    .select(['id', 'name', 'expires_at'])
    .where('status', '=', 'active')
    .where('autorenew', '=', 1)
    .where('delete_at_expiry', '=', 0)
    .where('expires_at', '<=', now + AUTORENEW_LEAD_MS)
    .orderBy('expires_at')
    .limit(BATCH)
    .execute();
  const renewed: string[] = [];
  for (const c of due) {
    // One attempt per expiry date: a failed one waits for the expiry step, which tries once more.
    const tried = await deps.db
      .selectFrom('results')
      .select('id')
      .where('request_type', '=', 'domain-autorenew')
      .where('object_name', '=', c.name)
      .where('status', '=', 'nack')
      .where('created_at', '>=', c.expires_at - AUTORENEW_LEAD_MS)
      .executeTakeFirst();
    if (tried && c.expires_at > now) continue;
    if (c.expires_at <= now) continue; // the expiry step handles domains already past their date
    await attempt(deps, 'autorenew', c.name, async () => {
      const due = (d: { status: string; autorenew: number; delete_at_expiry: number; expires_at: number }) =>
        d.status === 'active' && d.autorenew === 1 && d.delete_at_expiry === 0 && d.expires_at <= now + AUTORENEW_LEAD_MS && d.expires_at > now;
      if (await autorenewOne(deps, now, runner, c.id, c.name, due)) renewed.push(c.name);
    });
  }
  return renewed;
}

/** Domains past their expiry: a last autorenew try, else deletion into redemption. Returns the names that expired. */
export async function runExpiry(deps: AppDeps, now: number, runner = runnerFor(deps)): Promise<string[]> {
  const due = await deps.db.selectFrom('domains').select(['id', 'name']).where('status', '=', 'active').where('expires_at', '<=', now).orderBy('expires_at').limit(BATCH).execute();
  const expired: string[] = [];
  for (const c of due) {
    await attempt(deps, 'expiry', c.name, async () => {
      const renewable = (d: { status: string; autorenew: number; delete_at_expiry: number; expires_at: number }) => d.status === 'active' && d.expires_at <= now && d.autorenew === 1 && d.delete_at_expiry === 0;
      const renewed = await autorenewOne(deps, now, runner, c.id, c.name, renewable).catch((err: unknown) => {
        deps.log.error({ err, domain: c.name }, 'autorenew at expiry failed');
        return false;
      });
      if (renewed) return;
      const jobId = await inTx(deps, async (db) => {
        await lockNames(db, [`domain:${c.name}`]);
        const d = await locked(db, c.id);
        if (!d || d.status !== 'active' || d.expires_at > now || (await inFlight(db, EXPIRE_JOB, c.name))) return undefined;
        return enqueue(db, now, EXPIRE_JOB, { domainId: d.id, name: d.name }, { accountId: d.account_id, objectKey: `domain:${c.name}`, maxAttempts: 5 });
      });
      if (jobId === undefined || !(await runner.performJob(jobId))) return;
      const after = await deps.db.selectFrom('domains').select('status').where('id', '=', c.id).executeTakeFirst();
      if (after?.status !== 'active') expired.push(c.name);
    });
  }
  return expired;
}

/** Ends redemption periods and purges domains whose time has come. */
export async function runRedemption(deps: AppDeps, now: number): Promise<{ ended: string[]; purged: string[] }> {
  const ended: string[] = [];
  const purged: string[] = [];
  const due = await deps.db
    .selectFrom('domains')
    .select(['id', 'name', 'purge_at'])
    .where((eb) => eb.or([eb.and([eb('status', '=', 'redemption'), eb('redemption_ends_at', '<=', now)]), eb.and([eb('status', 'in', ['redemption', 'pending-delete']), eb('purge_at', '<=', now)])]))
    .orderBy('id')
    .limit(BATCH)
    .execute();
  for (const c of due) {
    await attempt(deps, 'redemption', c.name, async () => {
      // The registry purges on its own clock; a name it still holds (restored elsewhere) is not ours
      // to drop. Asked before the transaction: a read, repeated by the next run if this one dies.
      const info = c.purge_at !== null && c.purge_at <= now ? await atRegistry(() => registryOf(deps).open(deps.db, now).infoDomain(c.name)) : undefined;
      const heldStill = info !== undefined && info.sponsor === OWN_REGISTRAR && !info.rgp.some((r) => r === 'redemptionPeriod' || r === 'pendingDelete');
      await inTx(deps, async (db) => {
        await lockNames(db, [`domain:${c.name}`]);
        const d = await locked(db, c.id);
        if (!d || d.status === 'active') return;
        if (d.purge_at !== null && d.purge_at <= now) {
          if (heldStill) return;
          await db.deleteFrom('domains').where('id', '=', d.id).execute();
          await record(db, now, d, 'domain-purge', 'ack', resultLines([['result_msg', `${d.name} was purged; the name is free again`]]));
          purged.push(d.name);
          return;
        }
        if (d.status === 'redemption' && d.redemption_ends_at !== null && d.redemption_ends_at <= now) {
          await db.updateTable('domains').set({ status: 'pending-delete', updated_at: now }).where('id', '=', d.id).execute();
          const text = [['result_msg', `the redemption period of ${d.name} ended; it can no longer be restored`]] as Array<[string, string]>;
          if (d.purge_at !== null) text.push(['purge_date', isoDate(d.purge_at)]);
          await record(db, now, d, 'domain-redemption-end', 'ack', resultLines(text));
          ended.push(d.name);
        }
      });
    });
  }
  return { ended, purged };
}

/** Ends privacy subscriptions whose term is over. */
export async function runPrivacyExpiry(deps: AppDeps, now: number): Promise<string[]> {
  const due = await deps.db.selectFrom('domains').select(['id', 'name']).where('privacy_origin', '!=', 'off').where('privacy_expires_at', '<=', now).orderBy('id').limit(BATCH).execute();
  const ended: string[] = [];
  for (const c of due) {
    await attempt(deps, 'privacy expiry', c.name, () =>
      inTx(deps, async (db) => {
        const d = await locked(db, c.id);
        if (!d || d.privacy_origin === 'off' || d.privacy_expires_at === null || d.privacy_expires_at > now) return;
        await db.updateTable('domains').set({ privacy: 'off', privacy_origin: 'off', privacy_expires_at: null, updated_at: now }).where('id', '=', d.id).execute();
        await record(db, now, d, 'domain-privacy-expire', 'ack', resultLines([['result_msg', `the ${d.privacy_origin} privacy subscription of ${d.name} ended on ${isoDate(d.privacy_expires_at)}; whois shows the owner's data again`]]));
        ended.push(d.name);
      }),
    );
  }
  return ended;
}

/** One domain's failure is logged and does not stop the others. */
async function attempt(deps: AppDeps, step: string, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    deps.log.error({ err, domain: name, step }, 'domain lifecycle step failed');
  }
}

/** Every step in order (tests, and the sandbox's clock moves). */
export async function runDomainLifecycle(deps: AppDeps, now: number) {
  const autorenewed = await runAutorenew(deps, now);
  const expired = await runExpiry(deps, now);
  const redemption = await runRedemption(deps, now);
  const privacyEnded = await runPrivacyExpiry(deps, now);
  const registry = await registryOf(deps).sweep(deps.db, now);
  const registryMessages = await handleRegistryMessages(deps, now);
  return { autorenewed, expired, ...redemption, privacyEnded, registry, registryMessages };
}
