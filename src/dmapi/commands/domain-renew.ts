import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { oneOf, optInt, optional, optText, text } from '../params.ts';
import { isoDate, loginStamp } from '../../core/dates.ts';
import { addMonths } from '../../core/period.ts';
import { billingErrors, checkMaxPrice, quote } from '../../billing/quote.ts';
import { commitReservation, reserve } from '../../billing/ledger.ts';
import { orderTypeOf } from '../../billing/operations.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import { renewedEarlier } from '../../services/registry-checks.ts';
import {
  accountRow,
  catalogPremium,
  checkPeriod,
  domainFor,
  lockNames,
  MAX_TERM_MONTHS,
  monthsUntil,
  releasePending,
  activeDomain,
  RENEW_GUARD_MS,
  resultLines,
} from '../../services/domains.ts';
import { checkPrivacyOffered, privacyOperation, privacySubscribed, type PaidPrivacy } from '../../services/privacy.ts';
import { recordEvent } from '../../services/events.ts';

interface RenewJob {
  accountId: number;
  domainId: number;
  name: string;
  months: number;
  renewOrderId: number;
  privacy: PaidPrivacy | null;
  privacyOrderId: number | null;
  /** The guard value before this request, restored when the renewal fails. */
  previousRenewedAt: number | null;
  acceptedAt: number;
  /** The expiry seen at accept: a retry that finds it moved on by `months` knows the renewal happened. */
  expiresBefore?: number;
}

export const domainRenew = defineCommand({
  name: 'domain-renew',
  summary: 'Renew a domain by a period in months, or up to an expiration year; once per domain per 6 hours.',
  access: 'costs',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  params: z.object({
    domain: text(253),
    period: optInt(1, 1200).describe('renewal period in MONTHS; give period or expyear, not both'),
    expyear: optInt(1970, 9999).describe('the wanted expiration year: renews up to that year, never past it'),
    privacy: optional(oneOf(['keep', 'basic', 'pro', 'none', 'off'] as const)).describe('keep (default), basic, pro, none'),
    'max-price': optText(32).describe('highest price accepted; required for premium names'),
  }),
  errors: [...billingErrors, 'OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'POLICY_VIOLATION', 'ACCESS_DENIED', 'COMMAND_FAILED'],
  notes:
    '`expyear` renews by whole years up to that year; when the domain already expires in or after it, the request is refused (2004) and nothing is charged, so a repeated request cannot renew twice. ' +
    'A domain can be renewed once per 6 hours (2308 with the time of the next possible renewal); a refused renewal does not count. The new expiry may not pass 10 years from now (2308 naming the longest possible period). ' +
    '`privacy=keep` (the default) renews an active privacy subscription (not switched off) at its current level until the new expiry; `none`/`off` renews without privacy; ' +
    '`basic`/`pro` orders privacy until the new expiry. Renewals are not refundable. The price is held at once and booked when the registry confirms.',
  async accept(ctx, p) {
    const { tlds } = ctx.deps;
    const d = await domainFor(ctx, p.domain, 'billing');
    const tld = tlds.get(d.tld);
    if (!tld) throw new DmapiError('PARAM_POLICY', `.${d.tld} is no longer offered (domain ${d.name})`);
    if (d.last_renewed_at !== null && ctx.now - d.last_renewed_at < RENEW_GUARD_MS) {
      throw new DmapiError('POLICY_VIOLATION', `${d.name} was renewed at ${loginStamp(d.last_renewed_at)}; a domain can be renewed once per 6 hours, next from ${loginStamp(d.last_renewed_at + RENEW_GUARD_MS)}`);
    }
    if (p.period !== undefined && p.expyear !== undefined) throw new DmapiError('PARAM_SYNTAX', 'give period or expyear, not both');
    let months: number;
    if (p.expyear !== undefined) {
      const year = new Date(d.expires_at).getUTCFullYear();
      if (p.expyear <= year) throw new DmapiError('PARAM_RANGE', `invalid 'expyear' (${d.name} already expires in ${year}, on ${isoDate(d.expires_at)}; not renewed)`);
      months = checkPeriod((p.expyear - year) * 12, tld.periods.renew, `renewing .${tld.tld} domains`, 'expyear');
    } else if (p.period !== undefined) {
      months = checkPeriod(p.period, tld.periods.renew, `renewing .${tld.tld} domains`);
    } else {
      throw new DmapiError('PARAM_MISSING', "missing parameter 'period' (or 'expyear')");
    }
    const expires = addMonths(d.expires_at, months);
    const ceiling = addMonths(ctx.now, MAX_TERM_MONTHS);
    if (expires > ceiling) {
      let most = 0;
      for (let m = 12; m <= MAX_TERM_MONTHS && addMonths(d.expires_at, m) <= ceiling; m += 12) most = m;
      throw new DmapiError('POLICY_VIOLATION', `renewing ${d.name} by ${months} months would run it until ${isoDate(expires)}, past the 10-year limit (${isoDate(ceiling)}); ${most > 0 ? `at most ${most} months now` : 'no renewal is possible now'}`);
    }

    const account = await accountRow(ctx.db, ctx.account.id);
    const price = await quote(ctx.db, account, { tld: tld.tld, operation: 'renew', periodMonths: months, domain: d.name, now: ctx.now, premium: catalogPremium(tlds) });
    checkMaxPrice(price, p['max-price'], `the renewal of ${d.name}`);
    const order = { accountId: account.id, identifier: d.name, tld: tld.tld, procId: ctx.procId, now: ctx.now };
    const renewed = await reserve(ctx.db, { ...order, type: 'renew', price });

    const wanted = p.privacy ?? 'keep';
    let privacy: PaidPrivacy | null = null;
    if (wanted === 'keep') privacy = privacySubscribed(d, ctx.now) && d.privacy !== 'off' ? d.privacy : null;
    else if (wanted === 'basic' || wanted === 'pro') privacy = wanted;
    let privacyOrderId: number | null = null;
    if (privacy) {
      checkPrivacyOffered(tld, privacy);
      const from = privacySubscribed(d, ctx.now) && d.privacy_origin === privacy ? d.privacy_expires_at! : ctx.now;
      const pm = monthsUntil(from, expires);
      if (pm > 0) {
        const op = privacyOperation(privacy);
        const pq = await quote(ctx.db, account, { tld: tld.tld, operation: op, periodMonths: pm, now: ctx.now });
        privacyOrderId = (await reserve(ctx.db, { ...order, type: orderTypeOf[op], price: pq })).orderId;
      }
    }
    await ctx.db.updateTable('domains').set({ last_renewed_at: ctx.now }).where('id', '=', d.id).execute();
    const job: RenewJob = { accountId: account.id, domainId: d.id, name: d.name, months, renewOrderId: renewed.orderId, privacy, privacyOrderId, previousRenewedAt: d.last_renewed_at, acceptedAt: ctx.now, expiresBefore: d.expires_at };
    return { object: d.name, job };
  },
  async outside(deps, job: RenewJob, o) {
    const d = await activeDomain(deps.db, job, 'not renewed');
    const registry = registryOf(deps).open(deps.db, o.now);
    const earlier = o.attempt > 1 ? await renewedEarlier(registry, job.name, job.expiresBefore ?? d.expires_at, job.months) : undefined;
    const info = earlier ?? (await atRegistry(() => registry.renewDomain(job.name, d.expires_at, job.months)));
    return { expiresAt: info.expiresAt };
  },
  async perform(ctx, job: RenewJob) {
    await lockNames(ctx.db, [`domain:${job.name}`]);
    const info = ctx.prepared as { expiresAt: number };
    await ctx.db
      .updateTable('domains')
      .set({
        expires_at: info.expiresAt,
        updated_at: ctx.now,
        ...(job.privacy ? { privacy: job.privacy, privacy_origin: job.privacy, privacy_expires_at: info.expiresAt } : {}),
      })
      .where('id', '=', job.domainId)
      .execute();
    await recordEvent(ctx.db, { accountId: job.accountId, type: 'domain.renewed', object: job.name, procId: ctx.resultId, data: { expires: isoDate(info.expiresAt), months: job.months }, now: ctx.now });
    await commitReservation(ctx.db, { accountId: job.accountId, orderId: job.renewOrderId, now: ctx.now });
    if (job.privacyOrderId !== null) await commitReservation(ctx.db, { accountId: job.accountId, orderId: job.privacyOrderId, now: ctx.now });
    const lines: Array<[string, string]> = [['result_msg', `${job.name} renewed by ${job.months} months; expires ${isoDate(info.expiresAt)}`]];
    if (job.privacy) lines.push(['privacy', `${job.privacy} until ${isoDate(info.expiresAt)}`]);
    return { status: 'ack', text: resultLines(lines) };
  },
  async failed(ctx, job: RenewJob, reason) {
    await releasePending(ctx.db, job.accountId, [job.renewOrderId, job.privacyOrderId], ctx.now, `domain-renew ${job.name} failed: ${reason}`);
    // A renewal that did not happen does not block the next one.
    await ctx.db.updateTable('domains').set({ last_renewed_at: job.previousRenewedAt }).where('id', '=', job.domainId).where('last_renewed_at', '=', job.acceptedAt).execute();
  },
});
