import type { AppDeps } from '../app-deps.ts';
import type { Executor } from '../db/database.ts';
import { DAY } from '../core/clock.ts';
import { isoDate } from '../core/dates.ts';
import { trackingId } from '../core/ids.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { charge, recordOrder } from '../billing/ledger.ts';
import { money, quote, type Quote } from '../billing/quote.ts';
import { orderTypeOf } from '../billing/operations.ts';
import { registryOf, OWN_REGISTRAR } from '../registry/index.ts';
import { atRegistry } from './registry-errors.ts';
import { completeResult, openResult, setResultObject } from './results.ts';
import { isPostgres, type DomainRecord } from './domain-access.ts';
import { accountRow, catalogPremium, lockNames, monthsUntil, resultLines } from './domains.ts';
import { privacyOperation, privacySubscribed } from './privacy.ts';

/**
 * The domain lifecycle, driven by the clock (registry-rules §1.2): the worker's periodic tasks
 * call these. Every step works on one domain in its own transaction, re-reads the row locked and
 * re-checks the condition, so several processes may run them at once; every step leaves a result
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

type Step = 'domain-autorenew' | 'domain-expire' | 'domain-redemption-end' | 'domain-purge' | 'domain-privacy-expire';

async function locked(db: Executor, id: number): Promise<DomainRecord | undefined> {
  let q = db.selectFrom('domains').selectAll().where('id', '=', id);
  if (isPostgres(db)) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** A result row for a lifecycle step, completed at once. */
async function record(db: Executor, now: number, d: Pick<DomainRecord, 'account_id' | 'name'>, step: Step, status: 'ack' | 'nack', text: string): Promise<number> {
  const id = await openResult(db, { accountId: d.account_id, svtrid: trackingId(now), cltrid: null, requestType: step, now });
  await setResultObject(db, id, d.name);
  await completeResult(db, id, { status, text }, now);
  return id;
}

const inTx = <T>(deps: AppDeps, fn: (db: Executor) => Promise<T>) => deps.db.transaction().execute((trx) => fn(trx));

type RenewOutcome = { ok: true; expires: number } | { ok: false; reason: string; quote?: Quote };

/**
 * Renews one domain for a year on the reseller's money. Charges first, then asks the registry (in
 * the same transaction, so a registry refusal undoes the charge). Returns why it could not.
 */
async function autorenewOne(deps: AppDeps, db: Executor, now: number, d: DomainRecord): Promise<RenewOutcome> {
  const tld = deps.tlds.get(d.tld);
  if (!tld) return { ok: false, reason: `.${d.tld} is no longer offered` };
  const account = await accountRow(db, d.account_id);
  let price: Quote;
  try {
    price = await quote(db, account, { tld: tld.tld, operation: 'renew', periodMonths: 12, domain: d.name, now, premium: catalogPremium(deps.tlds) });
  } catch (err) {
    if (err instanceof DmapiError) return { ok: false, reason: err.details[0] ?? err.message };
    throw err;
  }
  const procId = await openResult(db, { accountId: d.account_id, svtrid: trackingId(now), cltrid: null, requestType: 'domain-autorenew', now });
  await setResultObject(db, procId, d.name);
  try {
    await charge(db, { accountId: d.account_id, type: 'renew', identifier: d.name, tld: tld.tld, procId, now, price, note: 'autorenew' });
  } catch (err) {
    if (err instanceof DmapiError && err.key === 'INSUFFICIENT_FUNDS') {
      await db.deleteFrom('results').where('id', '=', procId).execute();
      return { ok: false, reason: err.details[0] ?? 'insufficient funds', quote: price };
    }
    throw err;
  }
  const registry = registryOf(deps).open(db, now);
  const info = await atRegistry(() => registry.infoDomain(d.name));
  if (!info || info.sponsor !== OWN_REGISTRAR) throw new DmapiError('COMMAND_FAILED', `${d.name} is no longer held at the registry`);
  // Past the expiry the registry has renewed on its own (its auto-renew); otherwise renew explicitly.
  const expires = info.expiresAt > d.expires_at ? info.expiresAt : (await atRegistry(() => registry.renewDomain(d.name, info.expiresAt, 12))).expiresAt;
  const lines: Array<[string, string]> = [['result_msg', `${d.name} renewed automatically by 12 months; expires ${isoDate(expires)}`], ['charged', money(price.brutto, price.currency)]];
  let privacy: Partial<DomainRecord> = {};
  if (privacySubscribed(d, now) && d.privacy !== 'off' && tld.privacy.includes(d.privacy)) {
    const months = monthsUntil(Math.max(now, d.privacy_expires_at!), expires);
    const op = privacyOperation(d.privacy);
    if (months > 0) {
      try {
        const pq = await quote(db, account, { tld: tld.tld, operation: op, periodMonths: months, now });
        await charge(db, { accountId: d.account_id, type: orderTypeOf[op], identifier: d.name, tld: tld.tld, procId, now, price: pq, note: 'autorenew' });
        privacy = { privacy_origin: d.privacy, privacy_expires_at: expires };
        lines.push(['privacy', `${d.privacy} until ${isoDate(expires)} (${money(pq.brutto, pq.currency)})`]);
      } catch (err) {
        if (!(err instanceof DmapiError)) throw err;
        lines.push(['privacy', `not renewed: ${err.details[0]}; it ends on ${isoDate(d.privacy_expires_at!)}`]);
      }
    }
  }
  await db.updateTable('domains').set({ expires_at: expires, updated_at: now, ...privacy }).where('id', '=', d.id).execute();
  await completeResult(db, procId, { status: 'ack', text: resultLines(lines) }, now);
  return { ok: true, expires };
}

/** Records a failed autorenew: a nack result and an `error` order with the price it would have cost. */
async function autorenewFailed(db: Executor, now: number, d: DomainRecord, outcome: Extract<RenewOutcome, { ok: false }>): Promise<void> {
  const procId = await record(db, now, d, 'domain-autorenew', 'nack', resultLines([['result_msg', `${d.name} was not renewed automatically: ${outcome.reason}`], ['expires', isoDate(d.expires_at)]]));
  if (outcome.quote) {
    await recordOrder(db, { accountId: d.account_id, type: 'renew', identifier: d.name, tld: d.tld, procId, now, status: 'error', price: outcome.quote });
  }
}

/** Renews the domains with autorenew=1 due within AUTORENEW_LEAD_MS; returns the names renewed. */
export async function runAutorenew(deps: AppDeps, now: number): Promise<string[]> {
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
      const ok = await inTx(deps, async (db) => {
        await lockNames(db, [`domain:${c.name}`]);
        const d = await locked(db, c.id);
        if (!d || d.status !== 'active' || !d.autorenew || d.delete_at_expiry || d.expires_at > now + AUTORENEW_LEAD_MS || d.expires_at <= now) return undefined;
        const r = await autorenewOne(deps, db, now, d);
        if (!r.ok) await autorenewFailed(db, now, d, r);
        return r.ok ? d.name : undefined;
      });
      if (ok) renewed.push(ok);
    });
  }
  return renewed;
}

/** Domains past their expiry: a last autorenew try, else deletion into redemption. Returns the names that expired. */
export async function runExpiry(deps: AppDeps, now: number): Promise<string[]> {
  const due = await deps.db.selectFrom('domains').select(['id', 'name']).where('status', '=', 'active').where('expires_at', '<=', now).orderBy('expires_at').limit(BATCH).execute();
  const expired: string[] = [];
  for (const c of due) {
    await attempt(deps, 'expiry', c.name, async () => {
      // The autorenew try gets its own transaction: a registry refusal must not undo the expiry below.
      const renewed = await inTx(deps, async (db) => {
        await lockNames(db, [`domain:${c.name}`]);
        const d = await locked(db, c.id);
        if (!d || d.status !== 'active' || d.expires_at > now) return true;
        if (!d.autorenew || d.delete_at_expiry) return false;
        const r = await autorenewOne(deps, db, now, d);
        if (!r.ok) await autorenewFailed(db, now, d, r);
        return r.ok;
      }).catch((err: unknown) => {
        deps.log.error({ err, domain: c.name }, 'autorenew at expiry failed');
        return false;
      });
      if (renewed) return;
      const gone = await inTx(deps, async (db) => {
        await lockNames(db, [`domain:${c.name}`]);
        const d = await locked(db, c.id);
        if (!d || d.status !== 'active' || d.expires_at > now) return undefined;
        return expireOne(deps, db, now, d);
      });
      if (gone) expired.push(gone);
    });
  }
  return expired;
}

async function expireOne(deps: AppDeps, db: Executor, now: number, d: DomainRecord): Promise<string | undefined> {
  const tld = deps.tlds.get(d.tld);
  const redemptionDays = tld?.grace.redemption ?? 30;
  const pendingDays = tld?.grace.pendingDelete ?? 5;
  const registry = registryOf(deps).open(db, now);
  const info = await atRegistry(() => registry.infoDomain(d.name));
  let redemptionEnds: number | null;
  let purgeAt: number | null;
  if (!info || info.sponsor !== OWN_REGISTRAR) {
    redemptionEnds = null;
    purgeAt = now;
  } else if (info.rgp.includes('redemptionPeriod') || info.rgp.includes('pendingDelete')) {
    // Expire-model TLDs: the registry moved it to redemption at the expiry itself.
    redemptionEnds = redemptionDays > 0 ? d.expires_at + redemptionDays * DAY : null;
    purgeAt = d.expires_at + (redemptionDays + pendingDays) * DAY;
  } else {
    // Autorenew-model TLDs: the registry renewed at the expiry; deleting inside the auto-renew grace period credits that year.
    let outcome;
    try {
      outcome = await atRegistry(() => registry.deleteDomain(d.name));
    } catch (err) {
      if (!(err instanceof DmapiError)) throw err;
      // The registry keeps it (a delete prohibition, name servers below it): it stays registered as
      // the registry renewed it, and the next attempt waits for that expiry instead of every run.
      await db.updateTable('domains').set({ expires_at: info.expiresAt, updated_at: now }).where('id', '=', d.id).execute();
      await record(db, now, d, 'domain-expire', 'nack', resultLines([['result_msg', `${d.name} expired but the registry refused to delete it: ${err.details[0]}`], ['expires', isoDate(info.expiresAt)]]));
      return undefined;
    }
    redemptionEnds = outcome.purged || redemptionDays <= 0 ? null : now + redemptionDays * DAY;
    purgeAt = outcome.purged ? now : outcome.purgeAt;
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
  await recordOrder(db, { accountId: d.account_id, type: 'delete_domain', identifier: d.name, tld: d.tld, procId, now, status: 'ok' });
  return d.name;
}

/** Ends redemption periods and purges domains whose time has come. */
export async function runRedemption(deps: AppDeps, now: number): Promise<{ ended: string[]; purged: string[] }> {
  const ended: string[] = [];
  const purged: string[] = [];
  const due = await deps.db
    .selectFrom('domains')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb.and([eb('status', '=', 'redemption'), eb('redemption_ends_at', '<=', now)]), eb.and([eb('status', 'in', ['redemption', 'pending-delete']), eb('purge_at', '<=', now)])]))
    .orderBy('id')
    .limit(BATCH)
    .execute();
  for (const c of due) {
    await attempt(deps, 'redemption', c.name, () =>
      inTx(deps, async (db) => {
        await lockNames(db, [`domain:${c.name}`]);
        const d = await locked(db, c.id);
        if (!d || d.status === 'active') return;
        if (d.purge_at !== null && d.purge_at <= now) {
          // The registry purges on its own clock; a name it still holds (restored elsewhere) is not ours to drop.
          const info = await atRegistry(() => registryOf(deps).open(db, now).infoDomain(d.name));
          if (info && info.sponsor === OWN_REGISTRAR && !info.rgp.some((r) => r === 'redemptionPeriod' || r === 'pendingDelete')) return;
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
      }),
    );
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
  return { autorenewed, expired, ...redemption, privacyEnded, registry };
}
