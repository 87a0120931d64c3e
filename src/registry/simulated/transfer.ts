import { addMonths } from '../../core/period.ts';
import { DAY } from '../../core/clock.ts';
import { isoDate } from '../../core/dates.ts';
import { RegistryError, type TransferInfo } from '../port.ts';
import { authMatches } from './rules.ts';
import { MAX_TERM_MONTHS, list, message, normal, pendingTransfer, tldOf, type DomainRow, type SessionContext, type TransferRow } from './context.ts';
import { completeTransfer, domainRow, rejectPending } from './lifecycle.ts';

// Domain transfers (RFC 5731 §3.2.4): request, query, and the answers of either side.

export function transferInfo(name: string, t: TransferRow, expiresAt: number): TransferInfo {
  return { name, status: t.status, gaining: t.gaining, losing: t.losing, requestedAt: t.requested_at, actBy: t.act_by, expiresAt };
}

export function projectedExpiry(row: DomainRow, t: TransferRow): number {
  return Math.min(addMonths(row.expires_at, t.period_months), addMonths(t.act_by, MAX_TERM_MONTHS));
}

export async function requestTransfer(ctx: SessionContext, name: string, authCode: string | undefined, periodMonths?: number): Promise<TransferInfo> {
  const row = await domainRow(ctx, normal(name));
  if (!row) throw new RegistryError(2303, `domain ${name} does not exist`);
  const tld = tldOf(ctx, row);
  if (row.sponsor === ctx.registrarId) throw new RegistryError(2002, `${row.name} is already sponsored by ${ctx.registrarId}`);
  if (await pendingTransfer(ctx, row.id)) throw new RegistryError(2300, `${row.name} is already pending transfer`);
  const st = list(row.statuses);
  if (st.includes('clientTransferProhibited') || st.includes('serverTransferProhibited')) throw new RegistryError(2304, `${row.name} is locked against transfers`);
  if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
  if (tld.transfer.authCode) {
    if (!authCode) throw new RegistryError(2003, `a transfer of .${tld.tld} names needs the auth code`);
    const valid = row.auth_hash !== null && (row.auth_expires_at === null || row.auth_expires_at > ctx.now) && authMatches(row.auth_hash, authCode);
    if (!valid) throw new RegistryError(2202, `the auth code for ${row.name} is not valid`);
  }
  if (tld.transfer.lockAfterCreate > 0 && row.created_at + tld.transfer.lockAfterCreate * DAY > ctx.now) {
    throw new RegistryError(2106, `${row.name} was registered less than ${tld.transfer.lockAfterCreate} days ago`);
  }
  if (tld.transfer.lockAfterTransfer > 0 && row.transferred_at !== null && row.transferred_at + tld.transfer.lockAfterTransfer * DAY > ctx.now) {
    throw new RegistryError(2106, `${row.name} was transferred less than ${tld.transfer.lockAfterTransfer} days ago`);
  }
  const months = periodMonths ?? tld.periods.transfer;
  if (months !== 0 && (months % 12 !== 0 || months < 12 || months > MAX_TERM_MONTHS)) throw new RegistryError(2004, `a transfer adds 0 or 12-120 months, not ${months}`);
  const t = await ctx.db
    .insertInto('registry_transfers')
    .values({ domain_id: row.id, gaining: ctx.registrarId, losing: row.sponsor, status: 'pending', period_months: months, requested_at: ctx.now, act_by: ctx.now + tld.transfer.pendingDays * DAY, completed_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  const text = `transfer of ${row.name} to ${ctx.registrarId} requested; approved automatically on ${isoDate(t.act_by)} unless rejected`;
  await message(ctx, row.sponsor, 'transfer-requested', row.name, text);
  await message(ctx, ctx.registrarId, 'transfer-requested', row.name, text);
  return transferInfo(row.name, t, projectedExpiry(row, t));
}

export async function queryTransfer(ctx: SessionContext, name: string): Promise<TransferInfo | undefined> {
  const row = await domainRow(ctx, normal(name));
  if (!row) throw new RegistryError(2303, `domain ${name} does not exist`);
  const t = await ctx.db.selectFrom('registry_transfers').selectAll().where('domain_id', '=', row.id).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!t) return undefined;
  if (t.gaining !== ctx.registrarId && t.losing !== ctx.registrarId) throw new RegistryError(2201, `not a party to the transfer of ${row.name}`);
  return transferInfo(row.name, t, t.status === 'pending' ? projectedExpiry(row, t) : row.expires_at);
}

async function pendingFor(ctx: SessionContext, name: string, side: 'gaining' | 'losing'): Promise<{ row: DomainRow; t: TransferRow }> {
  const row = await domainRow(ctx, normal(name));
  if (!row) throw new RegistryError(2303, `domain ${name} does not exist`);
  const t = await pendingTransfer(ctx, row.id);
  if (!t) throw new RegistryError(2301, `${row.name} is not pending transfer`);
  if (t[side] !== ctx.registrarId) throw new RegistryError(2201, side === 'losing' ? `only the losing registrar may answer the transfer of ${row.name}` : `only the requesting registrar may cancel the transfer of ${row.name}`);
  return { row, t };
}

export async function approveTransfer(ctx: SessionContext, name: string): Promise<TransferInfo> {
  const { row, t } = await pendingFor(ctx, name, 'losing');
  const next = await completeTransfer(ctx, row, t, 'clientApproved', ctx.now);
  return transferInfo(row.name, { ...t, status: 'clientApproved', completed_at: ctx.now }, next.expires_at);
}

export async function rejectTransfer(ctx: SessionContext, name: string): Promise<TransferInfo> {
  const { row, t } = await pendingFor(ctx, name, 'losing');
  await rejectPending(ctx, row, t, ctx.now);
  return transferInfo(row.name, { ...t, status: 'clientRejected' }, row.expires_at);
}

export async function cancelTransfer(ctx: SessionContext, name: string): Promise<TransferInfo> {
  const { row, t } = await pendingFor(ctx, name, 'gaining');
  await ctx.db.updateTable('registry_transfers').set({ status: 'clientCancelled', completed_at: ctx.now }).where('id', '=', t.id).execute();
  await message(ctx, t.losing, 'transfer-cancelled', row.name, `transfer of ${row.name} cancelled by the requesting registrar`);
  return transferInfo(row.name, { ...t, status: 'clientCancelled' }, row.expires_at);
}
