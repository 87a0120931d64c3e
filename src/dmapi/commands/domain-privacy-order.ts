import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { oneOf, optInt, text } from '../params.ts';
import { isoDate } from '../../core/dates.ts';
import { addMonths } from '../../core/period.ts';
import { billingErrors, quote } from '../../billing/quote.ts';
import { commitReservation, reserve } from '../../billing/ledger.ts';
import { orderTypeOf } from '../../billing/operations.ts';
import { accountRow, domainFor, lockNames, monthsUntil, releasePending, resultLines } from '../../services/domains.ts';
import { checkPrivacyOffered, privacyOperation, privacySubscribed, type PaidPrivacy } from '../../services/privacy.ts';

interface PrivacyJob {
  accountId: number;
  domainId: number;
  name: string;
  level: PaidPrivacy;
  until: number;
  orderId: number;
}

export const domainPrivacyOrder = defineCommand({
  name: 'domain-privacy-order',
  summary: 'Order whois privacy (basic or pro) for an existing domain: for a period, up to a year, or by default for the remaining term.',
  access: 'costs',
  session: 'required',
  execution: 'async',
  params: z.object({
    domain: text(253),
    privacy: oneOf(['basic', 'pro'] as const).describe('basic: name and organisation stay visible; pro: everything is masked'),
    period: optInt(1, 120).describe('months of privacy; give period or expyear, not both'),
    expyear: optInt(1970, 9999).describe('order privacy up to this year'),
  }),
  errors: [...billingErrors, 'OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'ACCESS_DENIED'],
  notes:
    'Without period or expyear privacy is ordered until the domain expires. A subscription of the same level is extended from its current end; another level starts now. ' +
    'Privacy never runs past the domain\'s expiry (2004). The price is per month of the term (pro rata of the yearly privacy price). WHMCS\'s stray `pname=privacy` is ignored.',
  async accept(ctx, p) {
    const d = await domainFor(ctx, p.domain, 'billing');
    const tld = ctx.deps.tlds.get(d.tld);
    if (!tld) throw new DmapiError('PARAM_POLICY', `.${d.tld} is no longer offered (domain ${d.name})`);
    checkPrivacyOffered(tld, p.privacy);
    if (p.period !== undefined && p.expyear !== undefined) throw new DmapiError('PARAM_SYNTAX', 'give period or expyear, not both');
    const from = privacySubscribed(d, ctx.now) && d.privacy_origin === p.privacy ? d.privacy_expires_at! : ctx.now;
    let until: number;
    if (p.period !== undefined) until = addMonths(from, p.period);
    else if (p.expyear !== undefined) {
      const year = new Date(from).getUTCFullYear();
      if (p.expyear <= year) throw new DmapiError('PARAM_RANGE', `invalid 'expyear' (${p.privacy} privacy of ${d.name} already runs until ${isoDate(from)}; nothing ordered)`);
      until = addMonths(from, (p.expyear - year) * 12);
    } else until = d.expires_at;
    if (until > d.expires_at) {
      throw new DmapiError('PARAM_RANGE', `privacy of ${d.name} would run until ${isoDate(until)}, past the domain's expiry on ${isoDate(d.expires_at)}; renew the domain first, or order less`);
    }
    const months = monthsUntil(from, until);
    if (months <= 0) throw new DmapiError('PARAM_RANGE', `${p.privacy} privacy of ${d.name} already runs until the domain's expiry (${isoDate(d.expires_at)}); nothing ordered`);
    const account = await accountRow(ctx.db, ctx.account.id);
    const op = privacyOperation(p.privacy);
    const price = await quote(ctx.db, account, { tld: tld.tld, operation: op, periodMonths: months, now: ctx.now });
    const r = await reserve(ctx.db, { accountId: account.id, type: orderTypeOf[op], identifier: d.name, tld: tld.tld, procId: ctx.procId, now: ctx.now, price });
    return { object: d.name, job: { accountId: account.id, domainId: d.id, name: d.name, level: p.privacy, until, orderId: r.orderId } satisfies PrivacyJob };
  },
  async perform(ctx, job: PrivacyJob) {
    await lockNames(ctx.db, [`domain:${job.name}`]);
    const d = await ctx.db.selectFrom('domains').select(['status']).where('id', '=', job.domainId).executeTakeFirst();
    if (!d || d.status !== 'active') throw new DmapiError('STATUS_PROHIBITS', `${job.name} is no longer active; no privacy ordered`);
    await ctx.db.updateTable('domains').set({ privacy: job.level, privacy_origin: job.level, privacy_expires_at: job.until, updated_at: ctx.now }).where('id', '=', job.domainId).execute();
    await commitReservation(ctx.db, { accountId: job.accountId, orderId: job.orderId, now: ctx.now });
    return { status: 'ack', text: resultLines([['result_msg', `${job.level} privacy for ${job.name} until ${isoDate(job.until)}`]]) };
  },
  async failed(ctx, job: PrivacyJob, reason) {
    await releasePending(ctx.db, job.accountId, [job.orderId], ctx.now, `domain-privacy-order ${job.name} failed: ${reason}`);
  },
});
