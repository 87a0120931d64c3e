import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { oneOf, optFlag, optional, text } from '../params.ts';
import { DAY } from '../../core/clock.ts';
import { isoDate, loginStamp } from '../../core/dates.ts';
import { recordOrder, refund } from '../../billing/ledger.ts';
import { money } from '../../billing/quote.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import { deletedEarlier } from '../../services/registry-checks.ts';
import type { DeleteOutcome } from '../../registry/port.ts';
import { activeDomain, domainFor, isGenericTld, lockNames, REFUND_WINDOW_MS, resultLines } from '../../services/domains.ts';
import type { Executor } from '../../db/database.ts';
import { recordEvent } from '../../services/events.ts';

/** Refundable deletions per account and calendar month: the larger of 50 and 10 % of the month's registrations (ICANN AGP limits). */
async function refundAllowance(db: Executor, accountId: number, now: number): Promise<boolean> {
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const count = async (refunds: boolean) => {
    let q = db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).where('type', '=', 'create').where('created_at', '>=', monthStart);
    q = refunds ? q.where('refund_of', 'is not', null) : q.where('refund_of', 'is', null).where('status', '=', 'ok');
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const [refunded, created] = [await count(true), await count(false)];
  return refunded < Math.max(50, Math.ceil(created / 10));
}

interface DeleteJob {
  accountId: number;
  domainId: number;
  name: string;
  type: 'immediate' | 'endoflife';
  /** The create order to refund (deleted within 72 hours, gTLD, within the monthly allowance). */
  refundOrderId: number | null;
}

export const domainDelete = defineCommand({
  name: 'domain-delete',
  summary: 'Delete a domain: refunded within 72 hours of registration (gTLDs), force=1 needed after that; the name then enters redemption.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  params: z.object({
    domain: text(253),
    force: optFlag().describe('1, Y or Yes: delete even when registered more than 72 hours ago'),
    type: optional(oneOf(['immediate', 'endoflife', 'transit'] as const)).describe('immediate (default), or endoflife: let it lapse at expiry'),
  }),
  errors: ['OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'POLICY_VIOLATION', 'OBJECT_IN_USE', 'ACCESS_DENIED', 'PARAM_POLICY', 'COMMAND_FAILED'],
  notes:
    'A gTLD domain deleted within 72 hours of its registration gets the registration fee back (at most max(50, 10 % of the month\'s registrations) refunds per calendar month; beyond that it is deleted without refund). ' +
    'Older domains (and any ccTLD domain older than 72 hours) need `force=1`, else 2308. Inside the registry\'s add grace period the name is purged at once; otherwise it enters redemption ' +
    '(restorable with domain-redeem, at the restore price) and is purged after the redemption and pending-delete periods. A domain with name servers below it (ns-create) cannot be deleted (2305). ' +
    '`type=endoflife` deletes nothing now: autorenew is switched off and the domain lapses at its expiry. `transit` (DENIC) is not offered.',
  async accept(ctx, p) {
    const d = await domainFor(ctx, p.domain, 'manage');
    const type = p.type ?? 'immediate';
    if (type === 'transit') throw new DmapiError('PARAM_POLICY', 'type=transit (handing a .de domain back to DENIC) is not offered here; use immediate or endoflife');
    let refundOrderId: number | null = null;
    if (type === 'immediate') {
      const subs = await ctx.db.selectFrom('hosts').select('name').where('name', 'like', `%.${d.name}`).orderBy('name').execute();
      if (subs.length) throw new DmapiError('OBJECT_IN_USE', `${d.name} has name servers below it (${subs.map((h) => h.name).join(', ')}); delete them with ns-delete first`);
      const young = ctx.now - d.created_at <= REFUND_WINDOW_MS;
      if (!young && !p.force) {
        throw new DmapiError('POLICY_VIOLATION', `${d.name} was registered at ${loginStamp(d.created_at)}, more than 72 hours ago; send force=1 to delete it (no refund)`);
      }
      if (young && isGenericTld(d.tld) && d.create_order_id !== null && (await refundAllowance(ctx.db, d.account_id, ctx.now))) {
        const o = await ctx.db.selectFrom('orders').select(['status', 'refunded', 'amount_brutto']).where('id', '=', d.create_order_id).executeTakeFirst();
        if (o && o.status === 'ok' && o.refunded < o.amount_brutto) refundOrderId = d.create_order_id;
      }
    }
    return { object: d.name, job: { accountId: d.account_id, domainId: d.id, name: d.name, type, refundOrderId } satisfies DeleteJob };
  },
  async outside(deps, job: DeleteJob, o): Promise<DeleteOutcome | null> {
    const d = await activeDomain(deps.db, job, 'not deleted');
    if (job.type === 'endoflife') return null;
    const registry = registryOf(deps).open(deps.db, o.now);
    const earlier = o.attempt > 1 ? await deletedEarlier(registry, job.name) : undefined;
    if (earlier) {
      // The registry's purge date is not in its info: count it from now with the TLD's periods.
      const grace = deps.tlds.get(d.tld)?.grace;
      return { purged: earlier.purged, credits: [], purgeAt: earlier.purged ? null : o.now + ((grace?.redemption ?? 30) + (grace?.pendingDelete ?? 5)) * DAY };
    }
    return atRegistry(() => registry.deleteDomain(job.name));
  },
  async perform(ctx, job: DeleteJob) {
    await lockNames(ctx.db, [`domain:${job.name}`]);
    const d = await ctx.db.selectFrom('domains').selectAll().where('id', '=', job.domainId).executeTakeFirstOrThrow();
    const outcome = ctx.prepared as DeleteOutcome | null;
    if (outcome === null) {
      await ctx.db.updateTable('domains').set({ delete_at_expiry: 1, autorenew: 0, updated_at: ctx.now }).where('id', '=', d.id).execute();
      return { status: 'ack', text: resultLines([['result_msg', `${job.name} will not be renewed and lapses at its expiry on ${isoDate(d.expires_at)}`]]) };
    }
    const lines: Array<[string, string]> = [];
    if (outcome.purged) {
      await ctx.db.deleteFrom('domains').where('id', '=', d.id).execute();
      lines.push(['result_msg', `${job.name} deleted and purged from the registry`]);
    } else {
      const tld = ctx.deps.tlds.get(d.tld);
      const redemptionDays = tld?.grace.redemption ?? 30;
      const redemptionEnds = redemptionDays > 0 ? ctx.now + redemptionDays * DAY : null;
      await ctx.db
        .updateTable('domains')
        .set({ status: redemptionEnds !== null ? 'redemption' : 'pending-delete', deleted_at: ctx.now, redemption_ends_at: redemptionEnds, purge_at: outcome.purgeAt, updated_at: ctx.now })
        .where('id', '=', d.id)
        .execute();
      lines.push(['result_msg', redemptionEnds !== null ? `${job.name} deleted; restorable with domain-redeem until ${isoDate(redemptionEnds)}` : `${job.name} deleted`]);
      if (outcome.purgeAt !== null) lines.push(['purge_date', isoDate(outcome.purgeAt)]);
    }
    await recordEvent(ctx.db, { accountId: job.accountId, type: 'domain.deleted', object: job.name, procId: ctx.resultId, data: { purged: outcome.purged }, now: ctx.now });
    await recordOrder(ctx.db, { accountId: job.accountId, type: 'delete_domain', identifier: job.name, tld: d.tld, procId: ctx.resultId, now: ctx.now, status: 'ok' });
    if (job.refundOrderId !== null) {
      const back = await refund(ctx.db, { accountId: job.accountId, orderId: job.refundOrderId, procId: ctx.resultId, now: ctx.now, note: `${job.name} deleted within 72 hours` });
      const o = await ctx.db.selectFrom('orders').select(['amount_brutto', 'currency']).where('id', '=', back.orderId).executeTakeFirstOrThrow();
      lines.push(['refund', money(-o.amount_brutto, o.currency)]);
    }
    return { status: 'ack', text: resultLines(lines) };
  },
});
