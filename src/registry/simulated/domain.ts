import { addMonths, sameUtcDay } from '../../core/period.ts';
import { DAY } from '../../core/clock.ts';
import { isoDate } from '../../core/dates.ts';
import { parseAmount } from '../../core/money.ts';
import type { TldInfo } from '../../tld/catalogue.ts';
import { RegistryError, clientStatuses, type Availability, type ClientStatus, type DeleteOutcome, type DomainCreate, type DomainInfo, type DomainUpdate, type RgpStatus } from '../port.ts';
import { authHash, authMatches, checkDnssec, classifyDomain, newAuthCode as generateAuthCode } from './rules.ts';
import { MAX_TERM_MONTHS, activeGraces, addGrace, join, list, message, normal, patch, pendingTransfer, tldOf, type DomainRow, type SessionContext } from './context.ts';
import { domainRow, ownDomain, purge } from './lifecycle.ts';
import { info } from './domain-info.ts';
import { checkContactRefs, hostIds, setNameservers } from './references.ts';

// Domain commands (RFC 5731 check, info, create, renew, delete, update; RFC 3915 restore) and auth codes.

/** RFC 9154's usual lifetime of a transfer auth code. */
export const AUTH_CODE_TTL_DAYS = 14;

function premiumPrice(ctx: SessionContext, tld: TldInfo, label: string): { create: number; renew: number | undefined; cls: string } | undefined {
  const p = ctx.tlds.premium(tld.tld, label);
  if (!p) return undefined;
  return { create: parseAmount(p.create, tld.currency)!, renew: p.renew !== undefined ? parseAmount(p.renew, tld.currency)! : undefined, cls: p.class };
}

export async function checkDomain(ctx: SessionContext, name: string): Promise<Availability> {
  const c = classifyDomain(ctx.tlds, name);
  if (!c.ok) return { status: 'invalid', reason: c.reason };
  if (ctx.tlds.isReserved(c.tld.tld, c.label)) return { status: 'reserved', reason: `${c.name} is reserved by the registry` };
  const row = await domainRow(ctx, c.name);
  if (row) return { status: 'registered', sponsor: row.sponsor, ours: row.sponsor === ctx.registrarId, rgp: (row.rgp_status as RgpStatus | null) ?? undefined };
  const p = premiumPrice(ctx, c.tld, c.label);
  if (p) {
    const currency = c.tld.currency;
    return { status: 'premium', class: p.cls, create: { amount: p.create, currency }, renew: p.renew !== undefined ? { amount: p.renew, currency } : undefined };
  }
  return { status: 'available' };
}

export async function infoDomain(ctx: SessionContext, name: string): Promise<DomainInfo | undefined> {
  const row = await domainRow(ctx, normal(name));
  return row ? info(ctx, row) : undefined;
}

export async function createDomain(ctx: SessionContext, input: DomainCreate): Promise<DomainInfo> {
  const c = classifyDomain(ctx.tlds, input.name);
  if (!c.ok) throw new RegistryError(c.code, c.reason);
  const tld = c.tld;
  if (ctx.tlds.isReserved(tld.tld, c.label)) throw new RegistryError(2306, `${c.name} is reserved by the registry`);
  if (await domainRow(ctx, c.name)) throw new RegistryError(2302, `domain ${c.name} exists already`);
  if (!tld.periods.create.includes(input.periodMonths)) throw new RegistryError(2004, `period ${input.periodMonths} months is not offered for .${tld.tld} (${tld.periods.create.join(', ')})`);
  const premium = premiumPrice(ctx, tld, c.label);
  if (premium) {
    const years = input.periodMonths / 12;
    const total = premium.create + (premium.renew ?? premium.create) * (years - 1);
    const ok = input.acceptPrice && input.acceptPrice.currency === tld.currency && input.acceptPrice.amount >= total;
    if (!ok) throw new RegistryError(2004, `${c.name} is a premium name; the fee of ${(total / 100).toFixed(2)} ${tld.currency} for ${years} year(s) must be acknowledged`);
  }
  const roles: Array<[string, 'owner' | 'admin' | 'tech' | 'billing', string | undefined]> = [
    ['registrant', 'owner', input.registrant],
    ['admin', 'admin', input.admin],
    ['tech', 'tech', input.tech],
    ['billing', 'billing', input.billing],
  ];
  for (const [label, role, id] of roles) {
    if (tld.contacts.roles.includes(role) && !id) throw new RegistryError(2003, `.${tld.tld} needs a ${label} contact`);
  }
  await checkContactRefs(ctx, roles.map(([label, , id]) => [label, id]));
  const nameserverIds = await hostIds(ctx, tld, input.nameservers ?? []);
  const row = await ctx.db
    .insertInto('registry_domains')
    .values({
      name: c.name,
      tld: tld.tld,
      sponsor: ctx.registrarId,
      created_by: ctx.registrarId,
      registrant: input.registrant?.toUpperCase() ?? null,
      admin_c: input.admin?.toUpperCase() ?? null,
      tech_c: input.tech?.toUpperCase() ?? null,
      billing_c: input.billing?.toUpperCase() ?? null,
      statuses: '',
      auth_hash: input.authCode ? authHash(input.authCode) : null,
      auth_expires_at: null,
      dnssec: null,
      created_at: ctx.now,
      updated_at: ctx.now,
      expires_at: addMonths(ctx.now, input.periodMonths),
      transferred_at: null,
      rgp_status: null,
      rgp_ends_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await setNameservers(ctx, row.id, nameserverIds);
  await addGrace(ctx, row.id, 'addPeriod', ctx.registrarId, input.periodMonths, ctx.now, tld.grace.add);
  return info(ctx, row);
}

export async function renewDomain(ctx: SessionContext, name: string, currentExpiry: number, periodMonths: number): Promise<DomainInfo> {
  const row = await ownDomain(ctx, name);
  const tld = tldOf(ctx, row);
  const st = list(row.statuses);
  if (st.includes('clientRenewProhibited') || st.includes('serverRenewProhibited')) throw new RegistryError(2304, `${row.name} has a renew prohibition`);
  if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
  if (await pendingTransfer(ctx, row.id)) throw new RegistryError(2304, `${row.name} is pending transfer`);
  if (!sameUtcDay(currentExpiry, row.expires_at)) throw new RegistryError(2004, `the current expiration date of ${row.name} is ${isoDate(row.expires_at)}, not ${isoDate(currentExpiry)}`);
  if (!tld.periods.renew.includes(periodMonths)) throw new RegistryError(2004, `period ${periodMonths} months is not offered for .${tld.tld} renewals (${tld.periods.renew.join(', ')})`);
  const expires = addMonths(row.expires_at, periodMonths);
  if (expires > addMonths(ctx.now, MAX_TERM_MONTHS)) throw new RegistryError(2004, `renewing ${row.name} by ${periodMonths} months would pass the 10-year limit`);
  const next = await patch(ctx, row, { expires_at: expires, updated_at: ctx.now });
  await addGrace(ctx, row.id, 'renewPeriod', ctx.registrarId, periodMonths, ctx.now, tld.grace.renew);
  return info(ctx, next);
}

export async function deleteDomain(ctx: SessionContext, name: string): Promise<DeleteOutcome> {
  const row = await ownDomain(ctx, name);
  const tld = tldOf(ctx, row);
  const st = list(row.statuses);
  if (st.includes('clientDeleteProhibited') || st.includes('serverDeleteProhibited')) throw new RegistryError(2304, `${row.name} has a delete prohibition`);
  if (row.rgp_status) throw new RegistryError(2304, `${row.name} is already pending deletion`);
  const subs = await ctx.db.selectFrom('registry_hosts').select('name').where('domain_id', '=', row.id).execute();
  if (subs.length) throw new RegistryError(2305, `${row.name} has subordinate hosts (${subs.map((s) => s.name).join(', ')}); delete or rename them first`);
  const t = await pendingTransfer(ctx, row.id);
  if (t) {
    await ctx.db.updateTable('registry_transfers').set({ status: 'serverCancelled', completed_at: ctx.now }).where('id', '=', t.id).execute();
    await message(ctx, t.gaining, 'transfer-cancelled', row.name, `transfer of ${row.name} cancelled: the name was deleted`);
  }
  const graces = await activeGraces(ctx, row.id);
  const credits = graces.map((g) => ({ kind: g.kind, months: g.months }));
  await ctx.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).execute();
  if (graces.some((g) => g.kind === 'addPeriod')) {
    await purge(ctx, row, ctx.now);
    return { purged: true, credits, purgeAt: null };
  }
  if (tld.grace.redemption > 0) {
    const ends = ctx.now + tld.grace.redemption * DAY;
    await patch(ctx, row, { rgp_status: 'redemptionPeriod', rgp_ends_at: ends, updated_at: ctx.now });
    return { purged: false, credits, purgeAt: ends + tld.grace.pendingDelete * DAY };
  }
  if (tld.grace.pendingDelete > 0) {
    const ends = ctx.now + tld.grace.pendingDelete * DAY;
    await patch(ctx, row, { rgp_status: 'pendingDelete', rgp_ends_at: ends, updated_at: ctx.now });
    return { purged: false, credits, purgeAt: ends };
  }
  await purge(ctx, row, ctx.now);
  return { purged: true, credits, purgeAt: null };
}

export async function restoreDomain(ctx: SessionContext, name: string): Promise<DomainInfo> {
  const row = await ownDomain(ctx, name);
  if (row.rgp_status !== 'redemptionPeriod') throw new RegistryError(2304, `${row.name} is not in its redemption period`);
  // Restore includes a year: the name runs at least one year from now, never shorter than before.
  const expires = Math.max(row.expires_at, addMonths(ctx.now, 12));
  const next = await patch(ctx, row, { rgp_status: null, rgp_ends_at: null, expires_at: expires, updated_at: ctx.now });
  await message(ctx, row.sponsor, 'restored', row.name, `${row.name} was restored; expires ${isoDate(expires)}`);
  return info(ctx, next);
}

export async function updateDomain(ctx: SessionContext, name: string, change: DomainUpdate): Promise<DomainInfo> {
  const row = await ownDomain(ctx, name);
  const tld = tldOf(ctx, row);
  const st = list(row.statuses);
  const add = change.addStatuses ?? [];
  const rem = change.removeStatuses ?? [];
  for (const s of [...add, ...rem]) if (!clientStatuses.includes(s)) throw new RegistryError(2004, `${s} is not a status a registrar may set`);
  const both = add.filter((s) => rem.includes(s));
  if (both.length) throw new RegistryError(2306, `status ${both.join(', ')} both added and removed`);
  if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
  if (st.includes('serverUpdateProhibited')) throw new RegistryError(2304, `${row.name} is locked at the registry (serverUpdateProhibited)`);
  const onlyUnlocks = rem.includes('clientUpdateProhibited') && add.length === 0 && rem.length === 1 && change.nameservers === undefined && change.registrant === undefined && change.admin === undefined && change.tech === undefined && change.billing === undefined && change.dnssec === undefined;
  if (st.includes('clientUpdateProhibited') && !onlyUnlocks) throw new RegistryError(2304, `${row.name} has clientUpdateProhibited; remove it first`);

  const set: Partial<Omit<DomainRow, 'id'>> = { updated_at: ctx.now };
  const roles: Array<[string, 'owner' | 'admin' | 'tech' | 'billing', 'registrant' | 'admin_c' | 'tech_c' | 'billing_c', string | null | undefined]> = [
    ['registrant', 'owner', 'registrant', change.registrant],
    ['admin', 'admin', 'admin_c', change.admin],
    ['tech', 'tech', 'tech_c', change.tech],
    ['billing', 'billing', 'billing_c', change.billing],
  ];
  for (const [label, role, column, value] of roles) {
    if (value === undefined) continue;
    if (value === null && tld.contacts.roles.includes(role)) throw new RegistryError(2003, `.${tld.tld} needs a ${label} contact`);
    set[column] = value === null ? null : value.toUpperCase();
  }
  await checkContactRefs(ctx, roles.map(([label, , , v]) => [label, v]));
  if (change.dnssec !== undefined) {
    if (change.dnssec !== null) checkDnssec(tld, change.dnssec);
    set.dnssec = change.dnssec === null ? null : JSON.stringify(change.dnssec);
  }
  if (add.length || rem.length) set.statuses = join([...st.filter((s) => !rem.includes(s as ClientStatus)), ...add]);
  if (change.nameservers !== undefined) await setNameservers(ctx, row.id, await hostIds(ctx, tld, change.nameservers));
  const next = await patch(ctx, row, set);
  return info(ctx, next);
}

export async function newAuthCode(ctx: SessionContext, name: string): Promise<string> {
  const row = await ownDomain(ctx, name);
  if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
  const code = generateAuthCode();
  await patch(ctx, row, { auth_hash: authHash(code), auth_expires_at: ctx.now + AUTH_CODE_TTL_DAYS * DAY, updated_at: ctx.now });
  return code;
}

export async function setAuthCode(ctx: SessionContext, name: string, code: string | null): Promise<void> {
  const row = await ownDomain(ctx, name);
  if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
  if (code !== null && code.length < 8) throw new RegistryError(2306, 'an auth code needs at least 8 characters');
  await patch(ctx, row, { auth_hash: code === null ? null : authHash(code), auth_expires_at: code === null ? null : ctx.now + AUTH_CODE_TTL_DAYS * DAY, updated_at: ctx.now });
}

export async function verifyAuthCode(ctx: SessionContext, name: string, code: string): Promise<boolean> {
  const row = await domainRow(ctx, normal(name));
  if (!row || (row.auth_expires_at !== null && row.auth_expires_at <= ctx.now)) return false;
  return authMatches(row.auth_hash, code);
}
