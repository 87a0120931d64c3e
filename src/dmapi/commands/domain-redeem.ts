import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optText, text } from '../params.ts';
import { isoDate } from '../../core/dates.ts';
import { addMonths } from '../../core/period.ts';
import { billingErrors, checkMaxPrice, quote } from '../../billing/quote.ts';
import { commitReservation, reserve } from '../../billing/ledger.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import { restoredEarlier } from '../../services/registry-checks.ts';
import { accountRow, catalogPremium, domainFor, lockNames, releasePending, resultLines } from '../../services/domains.ts';

interface RedeemJob {
  accountId: number;
  domainId: number;
  name: string;
  restoreOrderId: number;
  renewOrderId: number | null;
}

export const domainRedeem = defineCommand({
  name: 'domain-redeem',
  summary: 'Restore a deleted or expired domain from its redemption period (RGP): the restore fee, plus a year when the restore extends the term.',
  access: 'costs',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  params: z.object({
    domain: text(253),
    'max-price': optText(32).describe('highest price accepted for restore and renewal; required for premium names'),
  }),
  errors: [...billingErrors, 'OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'ACCESS_DENIED', 'COMMAND_FAILED'],
  notes:
    'Only domains in redemption (query-domain-list no longer lists them) can be restored; after the redemption period they are pending deletion and gone for good (2304). ' +
    'The registry restores with a term of at least one year from now (registry-rules §1.3): the price is the restore fee (`rgp` in query-price-list, order type `restore`) ' +
    'plus a one-year renewal (order type `renew`) when the domain would otherwise expire within a year. Money is held at once and booked when the registry confirms.',
  async accept(ctx, p) {
    const { tlds } = ctx.deps;
    const d = await domainFor(ctx, p.domain, 'billing', ['redemption', 'pending-delete', 'active']);
    if (d.status === 'active') throw new DmapiError('STATUS_PROHIBITS', `${d.name} is not deleted; nothing to restore`);
    if (d.status === 'pending-delete') throw new DmapiError('STATUS_PROHIBITS', `${d.name} left its redemption period on ${d.redemption_ends_at ? isoDate(d.redemption_ends_at) : '?'} and can no longer be restored`);
    const tld = tlds.get(d.tld);
    if (!tld) throw new DmapiError('PARAM_POLICY', `.${d.tld} is no longer offered (domain ${d.name})`);
    const account = await accountRow(ctx.db, ctx.account.id);
    const restore = await quote(ctx.db, account, { tld: tld.tld, operation: 'restore', periodMonths: 12, now: ctx.now });
    const withYear = d.expires_at < addMonths(ctx.now, 12);
    const renew = withYear ? await quote(ctx.db, account, { tld: tld.tld, operation: 'renew', periodMonths: 12, domain: d.name, now: ctx.now, premium: catalogPremium(tlds) }) : undefined;
    const total = renew ? { ...renew, netto: restore.netto + renew.netto, vat: restore.vat + renew.vat, brutto: restore.brutto + renew.brutto } : restore;
    checkMaxPrice(total, p['max-price'], `restoring ${d.name}`);
    const order = { accountId: account.id, identifier: d.name, tld: tld.tld, procId: ctx.procId, now: ctx.now };
    const r = await reserve(ctx.db, { ...order, type: 'restore', price: restore });
    const y = renew ? await reserve(ctx.db, { ...order, type: 'renew', price: renew }) : undefined;
    return { object: d.name, job: { accountId: account.id, domainId: d.id, name: d.name, restoreOrderId: r.orderId, renewOrderId: y?.orderId ?? null } satisfies RedeemJob };
  },
  async outside(deps, job: RedeemJob, o) {
    const d = await deps.db.selectFrom('domains').select('status').where('id', '=', job.domainId).executeTakeFirst();
    if (!d || d.status !== 'redemption') throw new DmapiError('STATUS_PROHIBITS', `${job.name} is no longer in its redemption period; not restored`);
    const registry = registryOf(deps).open(deps.db, o.now);
    const earlier = o.attempt > 1 ? await restoredEarlier(registry, job.name) : undefined;
    const info = earlier ?? (await atRegistry(() => registry.restoreDomain(job.name)));
    return { expiresAt: info.expiresAt };
  },
  async perform(ctx, job: RedeemJob) {
    await lockNames(ctx.db, [`domain:${job.name}`]);
    const info = ctx.prepared as { expiresAt: number };
    await ctx.db
      .updateTable('domains')
      .set({ status: 'active', deleted_at: null, redemption_ends_at: null, purge_at: null, delete_at_expiry: 0, expires_at: info.expiresAt, updated_at: ctx.now })
      .where('id', '=', job.domainId)
      .execute();
    await commitReservation(ctx.db, { accountId: job.accountId, orderId: job.restoreOrderId, now: ctx.now });
    if (job.renewOrderId !== null) await commitReservation(ctx.db, { accountId: job.accountId, orderId: job.renewOrderId, now: ctx.now });
    return { status: 'ack', text: resultLines([['result_msg', `${job.name} restored; expires ${isoDate(info.expiresAt)}`]]) };
  },
  async failed(ctx, job: RedeemJob, reason) {
    await releasePending(ctx.db, job.accountId, [job.restoreOrderId, job.renewOrderId], ctx.now, `domain-redeem ${job.name} failed: ${reason}`);
  },
});
