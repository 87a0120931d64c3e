import type { Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { OutsideContext } from '../jobs/worker.ts';
import type { Executor } from '../db/database.ts';
import type { TransfersInTable } from '../db/schema.ts';
import { isoDate } from '../core/dates.ts';
import { addMonths } from '../core/period.ts';
import { isPlainAddress } from '../mail/address.ts';
import { registryOf } from '../registry/index.ts';
import type { ClientStatus, DomainInfo, DomainUpdate } from '../registry/port.ts';
import { createDefaultZone } from '../zone/store.ts';
import { isPostgres, type DomainRecord } from './domain-access.ts';
import { ensureExternalHosts, MAX_TERM_MONTHS, setDelegation, usesPlatformNs } from './domains.ts';
import { moveDomain } from './grants.ts';
import { atRegistry } from './registry-errors.ts';
import { renewedEarlier } from './registry-checks.ts';
import { TRANSFER_OUT_RESULT } from './transfer-out.ts';
import { WHOIS_SUSPENSION } from './verification.ts';
import { recordEvent } from './events.ts';

/**
 * Transfers between resellers of this platform. The gaining reseller asks with
 * domain-transfer-in-reseller and the auth code the holding reseller got, as for a domain at another
 * registrar, and the transfer goes through the same states, money, FOA and results (transfers.ts).
 * The losing registrar is this platform itself, so the sponsor does not change and no registry
 * transfer is requested: the holding reseller is asked as for a transfer away (transfer-out.ts),
 * its silence approves after the TLD's pending days, and on completion the registrar does at the
 * registry what a transfer would have done there (the new contacts, the added year as a renewal, a
 * fresh auth code) and moves the domain between the accounts.
 *
 * This module holds what only such a transfer needs; transfers.ts drives the states.
 */

type TransferRow = Selectable<TransfersInTable>;

/** Requests whose pending results do not hold a domain back: the transfers themselves (checked apart), and a change of registrant (refused apart). */
const notOperations = ['domain-transfer-in-reseller', TRANSFER_OUT_RESULT, 'domain-owner-change'];

/** The account row of a domain of this platform, locked for the rest of the transaction. */
export async function heldDomain(db: Executor, name: string): Promise<DomainRecord | undefined> {
  let q = db.selectFrom('domains').selectAll().where('name', '=', name);
  if (isPostgres(db)) q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * When the domain last arrived in an account by a transfer: the registry records transfers between
 * registrars only, so a move within the platform counts from its completion here.
 */
export async function lastTransferIn(db: Executor, name: string): Promise<number | null> {
  const row = await db.selectFrom('transfers_in').select((eb) => eb.fn.max('completed_at').as('at')).where('domain', '=', name).where('outcome', '=', 'done').executeTakeFirst();
  return row?.at != null ? Number(row.at) : null;
}

/**
 * What keeps the registrar from moving the domain between accounts, beyond the refusals every
 * transfer gets (transfers.ts): the registry would refuse the contact update or the renewal that
 * the move makes, it is being deleted, or its registrant is being changed. Undefined when none.
 */
export async function internalRefusal(db: Executor, holder: DomainRecord, info: DomainInfo): Promise<string | undefined> {
  const name = holder.name;
  if (holder.status !== 'active' || info.statuses.includes('pendingDelete')) return `${name} is pending deletion`;
  const update = info.statuses.filter((s) => s === 'clientUpdateProhibited' || s === 'serverUpdateProhibited');
  if (update.length) return `${name} has an update prohibition at the registry (${update.join(', ')}); it must be lifted first`;
  const renew = info.statuses.filter((s) => s === 'clientRenewProhibited' || s === 'serverRenewProhibited');
  if (renew.length) return `${name} has a renew prohibition at the registry (${renew.join(', ')}); a transfer within this registrar renews it, so it must be lifted first`;
  const cor = await db.selectFrom('owner_changes').select('id').where('domain_id', '=', holder.id).where('state', 'in', ['pending', 'confirmed']).executeTakeFirst();
  if (cor) return `${name} has a change of registrant in progress at its current registrar`;
  return undefined;
}

/** Whether a request on the domain (domain-modify, an auth-id …) still waits for the worker: it must land before the domain moves. */
export async function operationsPending(db: Executor, name: string): Promise<boolean> {
  const row = await db.selectFrom('results').select('id').where('object_name', '=', name).where('status', '=', '?').where('request_type', 'not in', notOperations).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The FOA goes where this registrar knows its registrant and admin: their contacts' addresses. */
export async function holderEmails(db: Executor, holder: DomainRecord): Promise<{ owner: string | null; admin: string | null }> {
  const email = async (handle: string | null) => {
    if (!handle) return null;
    const c = await db.selectFrom('contacts').select('email').where('handle', '=', handle).where('account_id', '=', holder.account_id).executeTakeFirst();
    const e = c?.email.trim().toLowerCase() ?? '';
    return isPlainAddress(e) ? e : null;
  };
  return { owner: await email(holder.owner_c), admin: await email(holder.admin_c) };
}

/** What the registry part of a move did: the expiry, delegation and lock the domain has now, and warnings for the result. */
export interface MovedAtRegistry {
  expiresAt: number;
  nameservers: string[];
  locked: boolean;
  lines: Array<[string, string]>;
}

/**
 * The registry part of the move (the completion job's outside step): the gaining request's
 * contacts, name servers and lock, the year a transfer adds (a renewal: the registry's 10-year
 * limit caps it as it caps a transfer), and a fresh auth code, so the one the losing reseller
 * handed out stops working. Safe to repeat: the update sets the same data again, a new code voids
 * the last, and on a retry the renewal is not made again when the registry's expiry is already the
 * holder's (the local row's, unchanged until the move commits) plus the period. Registry refusals
 * are thrown.
 */
export async function moveAtRegistry(deps: AppDeps, t: TransferRow, holder: DomainRecord, info: DomainInfo, o: OutsideContext): Promise<MovedAtRegistry> {
  const registry = registryOf(deps).open(deps.db, o.now);
  const tld = deps.tlds.get(t.tld);
  const used = (role: 'admin' | 'tech' | 'billing') => tld?.contacts.roles.includes(role) ?? true;
  const ns = t.ns_list ? (JSON.parse(t.ns_list) as string[]) : undefined;
  if (ns) await atRegistry(() => ensureExternalHosts(registry, deps.tlds, ns));
  const locked = info.statuses.includes('clientTransferProhibited');
  const lock: ClientStatus[] = ['clientTransferProhibited'];
  // The old holder's signed zone goes with the move (moveToAccount) and the new one starts
  // unsigned: a DS it put at the parent must go first, or the name would no longer validate.
  const signed = await deps.db.selectFrom('dnssec_zones').innerJoin('zones', 'zones.id', 'dnssec_zones.zone_id').select('dnssec_zones.parent_ds').where('zones.domain_id', '=', holder.id).executeTakeFirst();
  const dsGoes = signed?.parent_ds != null && info.dnssec !== null;
  const change: DomainUpdate = {
    registrant: t.owner_c,
    ...(used('admin') ? { admin: t.admin_c } : {}),
    ...(used('tech') ? { tech: t.tech_c } : {}),
    ...(used('billing') ? { billing: t.billing_c } : {}),
    ...(ns ? { nameservers: ns } : {}),
    // The domain arrives locked or not as the gaining request says, whatever the old holder set.
    ...(t.lock_after && !locked ? { addStatuses: lock } : {}),
    ...(!t.lock_after && locked ? { removeStatuses: lock } : {}),
    ...(dsGoes ? { dnssec: null } : {}),
  };
  const updated = await atRegistry(() => registry.updateDomain(t.domain, change));
  const lines: Array<[string, string]> = [];
  if (dsGoes) lines.push(['dnssec', `the DS of the previous holder's signed zone was removed at the registry; ${t.domain} is served unsigned until the new holder signs it`]);
  let expiresAt = updated.expiresAt;
  if (t.period_months > 0) {
    const earlier = o.attempt > 1 ? await renewedEarlier(registry, t.domain, holder.expires_at, t.period_months) : undefined;
    if (earlier) expiresAt = earlier.expiresAt;
    else if (addMonths(expiresAt, t.period_months) <= addMonths(o.now, MAX_TERM_MONTHS)) {
      expiresAt = (await atRegistry(() => registry.renewDomain(t.domain, updated.expiresAt, t.period_months))).expiresAt;
    } else {
      lines.push(['warning', `no year was added, as it would pass the 10-year limit; ${t.domain} still expires on ${isoDate(expiresAt)}`]);
    }
  }
  await atRegistry(() => registry.newAuthCode(t.domain));
  return { expiresAt, nameservers: updated.nameservers, locked: updated.statuses.includes('clientTransferProhibited'), lines };
}

/**
 * The local part of the move (the completion job's transaction), after moveAtRegistry: the row
 * goes to the gaining account with what its request asked for; the old holder's zone, grants,
 * invitations and pending whois verifications end, and the hosts below the domain go with it (as
 * the registry moves subordinate hosts).
 */
export async function moveToAccount(
  ctx: { readonly db: Executor; readonly now: number; readonly deps: AppDeps },
  t: TransferRow,
  holder: DomainRecord,
  moved: MovedAtRegistry,
): Promise<{ expiresAt: number; lines: Array<[string, string]> }> {
  const { db, now, deps } = ctx;
  const tld = deps.tlds.get(t.tld);
  const used = (role: 'admin' | 'tech' | 'billing') => tld?.contacts.roles.includes(role) ?? true;
  const { expiresAt } = moved;
  const lines = [...moved.lines];
  await moveDomain(db, holder.id, t.account_id, now);
  // Within the platform: away from the holder's account and into the gaining one, in one
  // transaction; the two event counters in account order, so opposite moves at once never deadlock.
  const events = [
    { accountId: holder.account_id, type: 'domain.transferred-away' as const, data: { to: 'dmapid' } },
    { accountId: t.account_id, type: 'domain.transferred-in' as const, procId: t.result_id, data: { from: 'dmapid', expires: isoDate(expiresAt) } },
  ].sort((a, b) => a.accountId - b.accountId);
  for (const e of events) await recordEvent(db, { ...e, object: t.domain, now });
  const privacyUntil = t.privacy !== 'off' ? Math.min(addMonths(now, 12), expiresAt) : null;
  await db
    .updateTable('domains')
    .set({
      expires_at: expiresAt,
      autorenew: t.autorenew,
      locked: moved.locked ? 1 : 0,
      owner_c: t.owner_c,
      admin_c: used('admin') ? t.admin_c : null,
      tech_c: used('tech') ? t.tech_c : null,
      billing_c: used('billing') ? t.billing_c : null,
      // What the old holder bought or set is not the new holder's.
      privacy: t.privacy,
      privacy_origin: t.privacy,
      privacy_expires_at: privacyUntil,
      registrar_tag: null,
      whois_opt_out: 0,
      gdpr_opt_in: 0,
      last_renewed_at: null,
      create_order_id: null,
      delete_at_expiry: 0,
      updated_at: now,
    })
    .where('id', '=', holder.id)
    .execute();
  await db.updateTable('domains').set({ suspended_at: null, suspension_reason: null }).where('id', '=', holder.id).where('suspension_reason', '=', WHOIS_SUSPENSION).execute();
  await db.updateTable('whois_verifications').set({ state: 'superseded', resolved_at: now }).where('domain_id', '=', holder.id).where('state', 'in', ['pending', 'overdue', 'refused']).execute();
  await db.deleteFrom('zones').where('domain_id', '=', holder.id).execute();
  await db.updateTable('hosts').set({ account_id: t.account_id, updated_at: now }).where('account_id', '=', holder.account_id).where('name', 'like', `%.${t.domain}`).execute();
  await setDelegation(db, holder.id, moved.nameservers);
  if (usesPlatformNs(deps.config.dnsNameservers, moved.nameservers)) {
    await createDefaultZone(db, holder.id, now);
    lines.push(['zone', `hosted zone ${t.domain} created`]);
  }
  return { expiresAt, lines };
}
