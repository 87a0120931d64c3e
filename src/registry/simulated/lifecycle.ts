import { addMonths } from '../../core/period.ts';
import { DAY } from '../../core/clock.ts';
import { isoDate } from '../../core/dates.ts';
import { RegistryError } from '../port.ts';
import { MAX_TERM_MONTHS, addGrace, join, list, message, normal, patch, pendingTransfer, type DomainRow, type SessionContext, type TransferRow } from './context.ts';

// A domain's time-driven life: loading it settles whatever fell due (a foreign losing registrar's
// answer, transfer auto-approval, auto-renew or expiry, redemption and pending delete ending in a purge).

export async function domainRow(ctx: SessionContext, name: string): Promise<DomainRow | undefined> {
  let q = ctx.db.selectFrom('registry_domains').selectAll().where('name', '=', name);
  if (ctx.dialect === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? settle(ctx, row) : undefined;
}

/** Loads a domain the acting registrar sponsors: 2303 when missing, 2201 when another's. */
export async function ownDomain(ctx: SessionContext, name: string): Promise<DomainRow> {
  const row = await domainRow(ctx, normal(name));
  if (!row) throw new RegistryError(2303, `domain ${name} does not exist`);
  if (row.sponsor !== ctx.registrarId) throw new RegistryError(2201, `domain ${name} is sponsored by another registrar`);
  return row;
}

/** Applies every time-driven change that fell due by `now`; undefined when the name got purged. */
export async function settle(ctx: SessionContext, start: DomainRow): Promise<DomainRow | undefined> {
  let row = start;
  const tld = ctx.tlds.get(row.tld);
  for (let guard = 0; guard < 50; guard++) {
    const t = await pendingTransfer(ctx, row.id);
    const answer = t && (await policyAnswer(ctx, t));
    if (t && answer && answer.at <= ctx.now && answer.at < t.act_by) {
      if (answer.kind === 'approve') row = await completeTransfer(ctx, row, t, 'clientApproved', answer.at);
      else await rejectPending(ctx, row, t, answer.at);
      continue;
    }
    if (t && t.act_by <= ctx.now) {
      row = await completeTransfer(ctx, row, t, 'serverApproved', t.act_by);
      continue;
    }
    if (row.rgp_status === 'redemptionPeriod' && row.rgp_ends_at !== null && row.rgp_ends_at <= ctx.now) {
      const pd = tld?.grace.pendingDelete ?? 5;
      if (pd > 0) {
        row = await patch(ctx, row, { rgp_status: 'pendingDelete', rgp_ends_at: row.rgp_ends_at + pd * DAY });
        continue;
      }
      await purge(ctx, row, row.rgp_ends_at);
      return undefined;
    }
    if (row.rgp_status === 'pendingDelete' && row.rgp_ends_at !== null && row.rgp_ends_at <= ctx.now) {
      await purge(ctx, row, row.rgp_ends_at);
      return undefined;
    }
    if (row.rgp_status === null && row.expires_at <= ctx.now) {
      const renewBlocked = list(row.statuses).some((s) => s === 'clientRenewProhibited' || s === 'serverRenewProhibited');
      if ((tld?.expiryModel ?? 'autorenew') === 'autorenew' && !renewBlocked) {
        const at = row.expires_at;
        row = await patch(ctx, row, { expires_at: addMonths(at, 12) });
        await addGrace(ctx, row.id, 'autoRenewPeriod', row.sponsor, 12, at, tld?.grace.autoRenew ?? 45);
        await message(ctx, row.sponsor, 'autorenew', row.name, `${row.name} was renewed automatically until ${isoDate(row.expires_at)}`, at);
        continue;
      }
      const at = row.expires_at;
      await message(ctx, row.sponsor, 'expired', row.name, `${row.name} expired on ${isoDate(at)}`, at);
      const redemption = tld?.grace.redemption ?? 30;
      if (redemption > 0) {
        await ctx.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).execute();
        row = await patch(ctx, row, { rgp_status: 'redemptionPeriod', rgp_ends_at: at + redemption * DAY });
        continue;
      }
      await purge(ctx, row, at);
      return undefined;
    }
    break;
  }
  await ctx.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).where('ends_at', '<=', ctx.now).execute();
  return row;
}

/** Removes a name for good: its delegation, its subordinate hosts (and every delegation to them), graces, transfers. */
export async function purge(ctx: SessionContext, row: DomainRow, at: number): Promise<void> {
  const subs = await ctx.db.selectFrom('registry_hosts').select('id').where('domain_id', '=', row.id).execute();
  if (subs.length) {
    const ids = subs.map((h) => h.id);
    await ctx.db.deleteFrom('registry_domain_ns').where('host_id', 'in', ids).execute();
    await ctx.db.deleteFrom('registry_hosts').where('id', 'in', ids).execute();
  }
  await ctx.db.deleteFrom('registry_domain_ns').where('domain_id', '=', row.id).execute();
  await ctx.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).execute();
  await ctx.db.deleteFrom('registry_transfers').where('domain_id', '=', row.id).execute();
  await ctx.db.deleteFrom('registry_domains').where('id', '=', row.id).execute();
  await message(ctx, row.sponsor, 'purged', row.name, `${row.name} was purged from the registry`, at);
}

/**
 * When and how a simulated foreign registrar answers a transfer away from it (its policy,
 * `dmapid registry transfer-policy`); undefined for a silent one and for this platform's own
 * registrar and the EPP logins, whose answers come as commands.
 */
async function policyAnswer(ctx: SessionContext, t: TransferRow): Promise<{ kind: 'approve' | 'reject'; at: number } | undefined> {
  const p = await ctx.db.selectFrom('sim_transfer_policies').select(['answer', 'delay_ms']).where('registrar', '=', t.losing).executeTakeFirst();
  if (!p || p.answer === 'silent') return undefined;
  return { kind: p.answer, at: t.requested_at + p.delay_ms };
}

export async function rejectPending(ctx: SessionContext, row: DomainRow, t: TransferRow, at: number): Promise<void> {
  await ctx.db.updateTable('registry_transfers').set({ status: 'clientRejected', completed_at: at }).where('id', '=', t.id).execute();
  await message(ctx, t.gaining, 'transfer-rejected', row.name, `transfer of ${row.name} rejected by the losing registrar`, at);
}

export async function completeTransfer(ctx: SessionContext, row: DomainRow, t: TransferRow, status: 'clientApproved' | 'serverApproved', at: number): Promise<DomainRow> {
  const tld = ctx.tlds.get(row.tld);
  const graces = await ctx.db.selectFrom('registry_grace').selectAll().where('domain_id', '=', row.id).where('ends_at', '>', at).execute();
  // A transfer inside the auto-renew grace period replaces the auto-renewed year.
  let expiry = graces.some((g) => g.kind === 'autoRenewPeriod') && t.period_months > 0 ? addMonths(row.expires_at, -12) : row.expires_at;
  expiry = Math.min(addMonths(expiry, t.period_months), addMonths(at, MAX_TERM_MONTHS));
  await ctx.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).execute();
  if (t.period_months > 0) await addGrace(ctx, row.id, 'transferPeriod', t.gaining, t.period_months, at, tld?.grace.transfer ?? 5);
  await ctx.db.updateTable('registry_transfers').set({ status, completed_at: at }).where('id', '=', t.id).execute();
  await ctx.db.updateTable('registry_hosts').set({ sponsor: t.gaining, updated_at: at }).where('domain_id', '=', row.id).execute();
  const kept = list(row.statuses).filter((s) => !s.startsWith('client'));
  const next = await patch(ctx, row, { sponsor: t.gaining, expires_at: expiry, transferred_at: at, updated_at: at, auth_hash: null, auth_expires_at: null, statuses: join(kept) });
  const kind = status === 'serverApproved' ? 'transfer-auto-approved' : 'transfer-approved';
  const text = `transfer of ${row.name} to ${t.gaining} ${status === 'serverApproved' ? 'approved by the registry after the deadline' : 'approved by the losing registrar'}; expires ${isoDate(expiry)}`;
  await message(ctx, t.gaining, kind, row.name, text, at);
  await message(ctx, t.losing, kind, row.name, text, at);
  return next;
}
