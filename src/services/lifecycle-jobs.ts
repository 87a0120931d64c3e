import type { AppDeps } from '../app-deps.ts';
import type { Executor } from '../db/database.ts';
import { DAY } from '../core/clock.ts';
import { isoDate } from '../core/dates.ts';
import { trackingId } from '../core/ids.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { charge, commitReservation, recordOrder, reserve } from '../billing/ledger.ts';
import { money, quote, type Quote } from '../billing/quote.ts';
import { orderTypeOf } from '../billing/operations.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { registryOf } from '../registry/index.ts';
import type { DeleteOutcome } from '../registry/port.ts';
import { atRegistry } from './registry-errors.ts';
import { completeResult, openResult, setResultObject } from './results.ts';
import { isPostgres, type DomainRecord } from './domain-access.ts';
import { accountRow, catalogPremium, lockNames, monthsUntil, releasePending, resultLines } from './domains.ts';
import { privacyOperation, privacySubscribed } from './privacy.ts';
import { recordEvent } from './events.ts';

/**
 * The lifecycle's registry steps as jobs (services/domain-lifecycle.ts queues them): the registry
 * calls run in the outside step, the domain row, the money and the result in the job's
 * transaction. Being jobs, a step cut short by a crash is picked up again by any worker, and the
 * domain's object key keeps it in line with the requests on the same domain.
 */
export const AUTORENEW_JOB = 'domain-autorenew';
export const EXPIRE_JOB = 'domain-expire';

type Step = 'domain-autorenew' | 'domain-expire' | 'domain-redemption-end' | 'domain-purge' | 'domain-privacy-expire';

export async function locked(db: Executor, id: number): Promise<DomainRecord | undefined> {
  let q = db.selectFrom('domains').selectAll().where('id', '=', id);
  if (isPostgres(db)) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** A result row for a lifecycle step, completed at once. */
export async function record(db: Executor, now: number, d: Pick<DomainRecord, 'account_id' | 'name'>, step: Step, status: 'ack' | 'nack', text: string): Promise<number> {
  const id = await openResult(db, { accountId: d.account_id, svtrid: trackingId(now), cltrid: null, requestType: step, now });
  await setResultObject(db, id, d.name);
  await completeResult(db, id, { status, text }, now);
  return id;
}

export interface AutorenewJob {
  domainId: number;
  name: string;
  accountId: number;
  /** The expiry when the renewal was decided: a registry expiry past it means renewed already. */
  expiresBefore: number;
  /** The pending domain-autorenew result. */
  procId: number;
  orderId: number;
}

export type AutorenewRefusal = { reason: string; quote?: Quote };

/**
 * In the transaction that decides the renewal: the year's price is held (order `renew`, pending)
 * and a pending result opened. Returns why not when the price or the funds are missing.
 */
export async function holdAutorenew(deps: AppDeps, db: Executor, now: number, d: DomainRecord): Promise<AutorenewJob | AutorenewRefusal> {
  const tld = deps.tlds.get(d.tld);
  if (!tld) return { reason: `.${d.tld} is no longer offered` };
  const account = await accountRow(db, d.account_id);
  let price: Quote;
  try {
    price = await quote(db, account, { tld: tld.tld, operation: 'renew', periodMonths: 12, domain: d.name, now, premium: catalogPremium(deps.tlds) });
  } catch (err) {
    if (err instanceof DmapiError) return { reason: err.details[0] ?? err.message };
    throw err;
  }
  const procId = await openResult(db, { accountId: d.account_id, svtrid: trackingId(now), cltrid: null, requestType: 'domain-autorenew', now });
  await setResultObject(db, procId, d.name);
  try {
    const held = await reserve(db, { accountId: d.account_id, type: 'renew', identifier: d.name, tld: tld.tld, procId, now, price, note: 'autorenew' });
    return { domainId: d.id, name: d.name, accountId: d.account_id, expiresBefore: d.expires_at, procId, orderId: held.orderId };
  } catch (err) {
    if (err instanceof DmapiError && err.key === 'INSUFFICIENT_FUNDS') {
      await db.deleteFrom('results').where('id', '=', procId).execute();
      return { reason: err.details[0] ?? 'insufficient funds', quote: price };
    }
    throw err;
  }
}

/** Records a failed autorenew: a nack result and, when a price was known, an `error` order with it. */
export async function autorenewFailed(db: Executor, now: number, d: Pick<DomainRecord, 'account_id' | 'name' | 'tld' | 'expires_at'>, r: AutorenewRefusal, procId?: number): Promise<void> {
  const text = resultLines([['result_msg', `${d.name} was not renewed automatically: ${r.reason}`], ['expires', isoDate(d.expires_at)]]);
  if (procId !== undefined) return completeResult(db, procId, { status: 'nack', text }, now);
  const id = await record(db, now, d, 'domain-autorenew', 'nack', text);
  if (r.quote) await recordOrder(db, { accountId: d.account_id, type: 'renew', identifier: d.name, tld: d.tld, procId: id, now, status: 'error', price: r.quote });
}

const autorenew: JobHandler = async (ctx, p: AutorenewJob) => {
  const { db, now, deps } = ctx;
  const expires = (ctx.prepared as { expiresAt: number }).expiresAt;
  await lockNames(db, [`domain:${p.name}`]);
  const d = await locked(db, p.domainId);
  if (!d) throw new DmapiError('OBJECT_NOT_FOUND', `${p.name} is no longer here`);
  await commitReservation(db, { accountId: p.accountId, orderId: p.orderId, now });
  const price = await db.selectFrom('orders').select(['amount_brutto', 'currency']).where('id', '=', p.orderId).executeTakeFirstOrThrow();
  const lines: Array<[string, string]> = [['result_msg', `${d.name} renewed automatically by 12 months; expires ${isoDate(expires)}`], ['charged', money(price.amount_brutto, price.currency)]];
  const tld = deps.tlds.get(d.tld);
  let privacy: Partial<DomainRecord> = {};
  if (tld && privacySubscribed(d, now) && d.privacy !== 'off' && tld.privacy.includes(d.privacy)) {
    const months = monthsUntil(Math.max(now, d.privacy_expires_at!), expires);
    const op = privacyOperation(d.privacy);
    if (months > 0) {
      try {
        const pq = await quote(db, await accountRow(db, d.account_id), { tld: tld.tld, operation: op, periodMonths: months, now });
        await charge(db, { accountId: d.account_id, type: orderTypeOf[op], identifier: d.name, tld: tld.tld, procId: p.procId, now, price: pq, note: 'autorenew' });
        privacy = { privacy_origin: d.privacy, privacy_expires_at: expires };
        lines.push(['privacy', `${d.privacy} until ${isoDate(expires)} (${money(pq.brutto, pq.currency)})`]);
      } catch (err) {
        if (!(err instanceof DmapiError)) throw err;
        lines.push(['privacy', `not renewed: ${err.details[0]}; it ends on ${isoDate(d.privacy_expires_at!)}`]);
      }
    }
  }
  await db.updateTable('domains').set({ expires_at: expires, updated_at: now, ...privacy }).where('id', '=', d.id).execute();
  await recordEvent(db, { accountId: d.account_id, type: 'domain.renewed', object: d.name, procId: p.procId, data: { expires: isoDate(expires), months: 12, automatic: true }, now });
  await completeResult(db, p.procId, { status: 'ack', text: resultLines(lines) }, now);
};
// Past the expiry the registry has renewed on its own (its auto-renew), and a retry after a lost
// answer finds our renewal done: either way the expiry has moved on, and nothing is renewed twice.
autorenew.outside = async (deps, p: AutorenewJob, o) => {
  const registry = registryOf(deps).open(deps.db, o.now);
  const info = await atRegistry(() => registry.infoDomain(p.name));
  if (!info || info.sponsor !== registry.registrarId) throw new DmapiError('COMMAND_FAILED', `${p.name} is no longer held at the registry`);
  if (info.expiresAt > p.expiresBefore) return { expiresAt: info.expiresAt };
  return { expiresAt: (await atRegistry(() => registry.renewDomain(p.name, info.expiresAt, 12))).expiresAt };
};
autorenew.failed = async (ctx, p: AutorenewJob, reason) => {
  await releasePending(ctx.db, p.accountId, [p.orderId], ctx.now, `autorenew of ${p.name} failed: ${reason}`);
  const d = await ctx.db.selectFrom('domains').select(['account_id', 'name', 'tld', 'expires_at']).where('id', '=', p.domainId).executeTakeFirst();
  await autorenewFailed(ctx.db, ctx.now, d ?? { account_id: p.accountId, name: p.name, tld: '', expires_at: p.expiresBefore }, { reason }, p.procId);
};

export interface ExpireJob {
  domainId: number;
  name: string;
}

/** What the registry said about an expired domain (the expire job's outside step). */
type ExpirePlan =
  | { kind: 'current' }
  | { kind: 'gone' }
  | { kind: 'registry-redemption' }
  | { kind: 'deleted'; outcome: DeleteOutcome }
  | { kind: 'refused'; reason: string; expiresAt: number };

const expire: JobHandler = async (ctx, p: ExpireJob) => {
  const { db, now, deps } = ctx;
  const plan = ctx.prepared as ExpirePlan;
  await lockNames(db, [`domain:${p.name}`]);
  const d = await locked(db, p.domainId);
  if (!d || d.status !== 'active' || d.expires_at > now || plan.kind === 'current') return;
  const tld = deps.tlds.get(d.tld);
  const redemptionDays = tld?.grace.redemption ?? 30;
  const pendingDays = tld?.grace.pendingDelete ?? 5;
  let redemptionEnds: number | null;
  let purgeAt: number | null;
  if (plan.kind === 'gone') {
    redemptionEnds = null;
    purgeAt = now;
  } else if (plan.kind === 'registry-redemption') {
    // Expire-model TLDs: the registry moved it to redemption at the expiry itself.
    redemptionEnds = redemptionDays > 0 ? d.expires_at + redemptionDays * DAY : null;
    purgeAt = d.expires_at + (redemptionDays + pendingDays) * DAY;
  } else if (plan.kind === 'refused') {
    // The registry keeps it (a delete prohibition, name servers below it): it stays registered as
    // the registry renewed it, and the next attempt waits for that expiry instead of every run.
    await db.updateTable('domains').set({ expires_at: plan.expiresAt, updated_at: now }).where('id', '=', d.id).execute();
    await record(db, now, d, 'domain-expire', 'nack', resultLines([['result_msg', `${d.name} expired but the registry refused to delete it: ${plan.reason}`], ['expires', isoDate(plan.expiresAt)]]));
    return;
  } else {
    redemptionEnds = plan.outcome.purged || redemptionDays <= 0 ? null : now + redemptionDays * DAY;
    purgeAt = plan.outcome.purged ? now : plan.outcome.purgeAt;
  }
  const why = d.delete_at_expiry ? 'deleted at its end of life (domain-delete type=endoflife)' : d.autorenew ? 'expired: the automatic renewal failed' : 'expired (autorenew is off)';
  await db
    .updateTable('domains')
    .set({ status: redemptionEnds !== null ? 'redemption' : 'pending-delete', deleted_at: now, redemption_ends_at: redemptionEnds, purge_at: purgeAt, updated_at: now })
    .where('id', '=', d.id)
    .execute();
  const lines: Array<[string, string]> = [['result_msg', `${d.name} ${why} on ${isoDate(d.expires_at)}`]];
  if (redemptionEnds !== null) lines.push(['redemption', `restorable with domain-redeem until ${isoDate(redemptionEnds)}`]);
  if (purgeAt !== null) lines.push(['purge_date', isoDate(purgeAt)]);
  const procId = await record(db, now, d, 'domain-expire', 'ack', resultLines(lines));
  await recordEvent(db, { accountId: d.account_id, type: 'domain.expired', object: d.name, procId, data: { expired: isoDate(d.expires_at), ...(redemptionEnds !== null ? { redemption_ends: isoDate(redemptionEnds) } : {}) }, now });
  await recordOrder(db, { accountId: d.account_id, type: 'delete_domain', identifier: d.name, tld: d.tld, procId, now, status: 'ok' });
};
expire.outside = async (deps, p: ExpireJob, o): Promise<ExpirePlan> => {
  const d = await deps.db.selectFrom('domains').select(['status', 'expires_at', 'tld']).where('id', '=', p.domainId).executeTakeFirst();
  if (!d || d.status !== 'active' || d.expires_at > o.now) return { kind: 'current' };
  const registry = registryOf(deps).open(deps.db, o.now);
  const info = await atRegistry(() => registry.infoDomain(p.name));
  if (!info || info.sponsor !== registry.registrarId) return { kind: 'gone' };
  if (info.rgp.includes('redemptionPeriod') || info.rgp.includes('pendingDelete')) {
    // On a retry this may be our own delete whose answer was lost: then it happened about now.
    if (o.attempt === 1) return { kind: 'registry-redemption' };
    const grace = deps.tlds.get(d.tld)?.grace;
    return { kind: 'deleted', outcome: { purged: false, credits: [], purgeAt: o.now + ((grace?.redemption ?? 30) + (grace?.pendingDelete ?? 5)) * DAY } };
  }
  // Autorenew-model TLDs: the registry renewed at the expiry; deleting inside the auto-renew grace period credits that year.
  try {
    return { kind: 'deleted', outcome: await atRegistry(() => registry.deleteDomain(p.name)) };
  } catch (err) {
    if (!(err instanceof DmapiError)) throw err;
    return { kind: 'refused', reason: err.details[0] ?? err.message, expiresAt: info.expiresAt };
  }
};

export const lifecycleJobHandlers: Array<[string, JobHandler]> = [
  [AUTORENEW_JOB, autorenew],
  [EXPIRE_JOB, expire],
];
