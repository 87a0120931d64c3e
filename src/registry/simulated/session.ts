import type { Selectable } from 'kysely';
import type { Dialect, Executor } from '../../db/database.ts';
import type { RegistryDomainsTable, RegistryHostsTable, RegistryTransfersTable } from '../../db/schema.ts';
import { checkDomainName, registrableDomain } from '../../core/domain-name.ts';
import { checkGlueAddress } from '../../core/ip.ts';
import { checkCountry } from '../../core/country.ts';
import { normalizeEmail } from '../../core/email.ts';
import { addMonths, sameUtcDay } from '../../core/period.ts';
import { DAY } from '../../core/clock.ts';
import { isoDate } from '../../core/dates.ts';
import { parseAmount } from '../../core/money.ts';
import type { TldCatalogue, TldInfo } from '../../tld/catalogue.ts';
import {
  RegistryError,
  clientStatuses,
  type Availability,
  type ClientStatus,
  type ContactInfo,
  type ContactPostal,
  type ContactStatus,
  type DeleteOutcome,
  type DnssecData,
  type DomainCreate,
  type DomainInfo,
  type DomainStatus,
  type DomainUpdate,
  type GraceKind,
  type HostAddresses,
  type HostInfo,
  type HostStatus,
  type HostUpdate,
  type PollMessage,
  type Registry,
  type RgpStatus,
  type TransferInfo,
} from '../port.ts';
import { authHash, authMatches, checkDnssec, classifyDomain, newAuthCode } from './rules.ts';

type DomainRow = Selectable<RegistryDomainsTable>;
type HostRow = Selectable<RegistryHostsTable>;
type TransferRow = Selectable<RegistryTransfersTable>;

/** Sponsor of other DNS providers' name servers (migration 0019). */
export const OTHER_PROVIDERS = 'sim-others';

/** RFC 9154's usual lifetime of a transfer auth code. */
export const AUTH_CODE_TTL_DAYS = 14;
/** Longest registration term (create, renew and transfer may not pass it). */
const MAX_TERM_MONTHS = 120;

const list = (text: string) => (text ? text.split(',') : []);
const join = (items: readonly string[]) => [...new Set(items)].join(',');

/**
 * One registry session acting as `actor`. Every read of a domain first settles it: whatever
 * became due by `now` (transfer auto-approval, auto-renew or expiry, redemption ending, grace
 * periods ending) is applied at the instant it fell due, so the model is exact whether or not
 * the periodic sweep has run yet.
 */
export class RegistrySession implements Registry {
  readonly registrarId: string;
  private readonly db: Executor;
  private readonly now: number;
  private readonly tlds: TldCatalogue;
  private readonly dialect: Dialect;

  constructor(tlds: TldCatalogue, dialect: Dialect, db: Executor, now: number, actor: string) {
    this.tlds = tlds;
    this.dialect = dialect;
    this.db = db;
    this.now = now;
    this.registrarId = actor;
  }

  // ---------------------------------------------------------------- helpers

  private tldOf(row: { tld: string }): TldInfo {
    const t = this.tlds.get(row.tld);
    if (!t) throw new RegistryError(2306, `.${row.tld} is no longer served by this registry`);
    return t;
  }

  private async domainRow(name: string): Promise<DomainRow | undefined> {
    let q = this.db.selectFrom('registry_domains').selectAll().where('name', '=', name);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? this.settle(row) : undefined;
  }

  /** Loads a domain the acting registrar sponsors: 2303 when missing, 2201 when another's. */
  private async ownDomain(name: string): Promise<DomainRow> {
    const row = await this.domainRow(normal(name));
    if (!row) throw new RegistryError(2303, `domain ${name} does not exist`);
    if (row.sponsor !== this.registrarId) throw new RegistryError(2201, `domain ${name} is sponsored by another registrar`);
    return row;
  }

  private async pendingTransfer(domainId: number): Promise<TransferRow | undefined> {
    return this.db.selectFrom('registry_transfers').selectAll().where('domain_id', '=', domainId).where('status', '=', 'pending').executeTakeFirst();
  }

  private async activeGraces(domainId: number) {
    return this.db.selectFrom('registry_grace').selectAll().where('domain_id', '=', domainId).where('ends_at', '>', this.now).orderBy('id').execute();
  }

  private async message(registrar: string, kind: string, object: string, text: string, at = this.now): Promise<void> {
    await this.db.insertInto('registry_messages').values({ registrar, kind, object, text, created_at: at, acked_at: null }).execute();
  }

  private async addGrace(domainId: number, kind: GraceKind, registrar: string, months: number, from: number, days: number): Promise<void> {
    if (days <= 0) return;
    await this.db.insertInto('registry_grace').values({ domain_id: domainId, kind, registrar, months, ends_at: from + days * DAY }).execute();
  }

  /** Applies every time-driven change that fell due by `now`; undefined when the name got purged. */
  async settle(start: DomainRow): Promise<DomainRow | undefined> {
    let row = start;
    const tld = this.tlds.get(row.tld);
    for (let guard = 0; guard < 50; guard++) {
      const t = await this.pendingTransfer(row.id);
      if (t && t.act_by <= this.now) {
        row = await this.completeTransfer(row, t, 'serverApproved', t.act_by);
        continue;
      }
      if (row.rgp_status === 'redemptionPeriod' && row.rgp_ends_at !== null && row.rgp_ends_at <= this.now) {
        const pd = tld?.grace.pendingDelete ?? 5;
        if (pd > 0) {
          row = await this.patch(row, { rgp_status: 'pendingDelete', rgp_ends_at: row.rgp_ends_at + pd * DAY });
          continue;
        }
        await this.purge(row, row.rgp_ends_at);
        return undefined;
      }
      if (row.rgp_status === 'pendingDelete' && row.rgp_ends_at !== null && row.rgp_ends_at <= this.now) {
        await this.purge(row, row.rgp_ends_at);
        return undefined;
      }
      if (row.rgp_status === null && row.expires_at <= this.now) {
        const renewBlocked = list(row.statuses).some((s) => s === 'clientRenewProhibited' || s === 'serverRenewProhibited');
        if ((tld?.expiryModel ?? 'autorenew') === 'autorenew' && !renewBlocked) {
          const at = row.expires_at;
          row = await this.patch(row, { expires_at: addMonths(at, 12) });
          await this.addGrace(row.id, 'autoRenewPeriod', row.sponsor, 12, at, tld?.grace.autoRenew ?? 45);
          await this.message(row.sponsor, 'autorenew', row.name, `${row.name} was renewed automatically until ${isoDate(row.expires_at)}`, at);
          continue;
        }
        const at = row.expires_at;
        await this.message(row.sponsor, 'expired', row.name, `${row.name} expired on ${isoDate(at)}`, at);
        const redemption = tld?.grace.redemption ?? 30;
        if (redemption > 0) {
          await this.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).execute();
          row = await this.patch(row, { rgp_status: 'redemptionPeriod', rgp_ends_at: at + redemption * DAY });
          continue;
        }
        await this.purge(row, at);
        return undefined;
      }
      break;
    }
    await this.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).where('ends_at', '<=', this.now).execute();
    return row;
  }

  private async patch(row: DomainRow, set: Partial<Omit<DomainRow, 'id'>>): Promise<DomainRow> {
    await this.db.updateTable('registry_domains').set(set).where('id', '=', row.id).execute();
    return { ...row, ...set };
  }

  /** Removes a name for good: its delegation, its subordinate hosts (and every delegation to them), graces, transfers. */
  private async purge(row: DomainRow, at: number): Promise<void> {
    const subs = await this.db.selectFrom('registry_hosts').select('id').where('domain_id', '=', row.id).execute();
    if (subs.length) {
      const ids = subs.map((h) => h.id);
      await this.db.deleteFrom('registry_domain_ns').where('host_id', 'in', ids).execute();
      await this.db.deleteFrom('registry_hosts').where('id', 'in', ids).execute();
    }
    await this.db.deleteFrom('registry_domain_ns').where('domain_id', '=', row.id).execute();
    await this.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).execute();
    await this.db.deleteFrom('registry_transfers').where('domain_id', '=', row.id).execute();
    await this.db.deleteFrom('registry_domains').where('id', '=', row.id).execute();
    await this.message(row.sponsor, 'purged', row.name, `${row.name} was purged from the registry`, at);
  }

  private async completeTransfer(row: DomainRow, t: TransferRow, status: 'clientApproved' | 'serverApproved', at: number): Promise<DomainRow> {
    const tld = this.tlds.get(row.tld);
    const graces = await this.db.selectFrom('registry_grace').selectAll().where('domain_id', '=', row.id).where('ends_at', '>', at).execute();
    // A transfer inside the auto-renew grace period replaces the auto-renewed year.
    let expiry = graces.some((g) => g.kind === 'autoRenewPeriod') && t.period_months > 0 ? addMonths(row.expires_at, -12) : row.expires_at;
    expiry = Math.min(addMonths(expiry, t.period_months), addMonths(at, MAX_TERM_MONTHS));
    await this.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).execute();
    if (t.period_months > 0) await this.addGrace(row.id, 'transferPeriod', t.gaining, t.period_months, at, tld?.grace.transfer ?? 5);
    await this.db.updateTable('registry_transfers').set({ status, completed_at: at }).where('id', '=', t.id).execute();
    await this.db.updateTable('registry_hosts').set({ sponsor: t.gaining, updated_at: at }).where('domain_id', '=', row.id).execute();
    const kept = list(row.statuses).filter((s) => !s.startsWith('client'));
    const next = await this.patch(row, { sponsor: t.gaining, expires_at: expiry, transferred_at: at, updated_at: at, auth_hash: null, auth_expires_at: null, statuses: join(kept) });
    const kind = status === 'serverApproved' ? 'transfer-auto-approved' : 'transfer-approved';
    const text = `transfer of ${row.name} to ${t.gaining} ${status === 'serverApproved' ? 'approved by the registry after the deadline' : 'approved by the losing registrar'}; expires ${isoDate(expiry)}`;
    await this.message(t.gaining, kind, row.name, text, at);
    await this.message(t.losing, kind, row.name, text, at);
    return next;
  }

  private transferInfo(name: string, t: TransferRow, expiresAt: number): TransferInfo {
    return { name, status: t.status, gaining: t.gaining, losing: t.losing, requestedAt: t.requested_at, actBy: t.act_by, expiresAt };
  }

  private async info(row: DomainRow): Promise<DomainInfo> {
    const ns = await this.db
      .selectFrom('registry_domain_ns')
      .innerJoin('registry_hosts', 'registry_hosts.id', 'registry_domain_ns.host_id')
      .select('registry_hosts.name')
      .where('registry_domain_ns.domain_id', '=', row.id)
      .orderBy('registry_domain_ns.position')
      .execute();
    const subs = await this.db.selectFrom('registry_hosts').select('name').where('domain_id', '=', row.id).orderBy('name').execute();
    const graces = await this.activeGraces(row.id);
    const t = await this.pendingTransfer(row.id);
    const statuses: DomainStatus[] = list(row.statuses) as DomainStatus[];
    if (row.rgp_status) statuses.push('pendingDelete');
    if (t) statuses.push('pendingTransfer');
    if (ns.length === 0) statuses.push('inactive');
    if (statuses.length === 0) statuses.push('ok');
    const rgp: RgpStatus[] = [...new Set(graces.map((g) => g.kind))];
    if (row.rgp_status) rgp.push(row.rgp_status as RgpStatus);
    const unicode = checkDomainName(row.name);
    return {
      name: row.name,
      unicode: unicode.ok ? unicode.unicode : row.name,
      roid: `D${row.id}-SIM`,
      tld: row.tld,
      sponsor: row.sponsor,
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      expiresAt: row.expires_at,
      transferredAt: row.transferred_at,
      registrant: row.registrant,
      admin: row.admin_c,
      tech: row.tech_c,
      billing: row.billing_c,
      nameservers: ns.map((n) => n.name),
      subordinateHosts: subs.map((s) => s.name),
      statuses,
      rgp,
      dnssec: row.dnssec ? (JSON.parse(row.dnssec) as DnssecData) : null,
      hasAuthCode: row.auth_hash !== null && (row.auth_expires_at === null || row.auth_expires_at > this.now),
      pendingTransfer: t ? this.transferInfo(row.name, t, this.projectedExpiry(row, t)) : null,
    };
  }

  private projectedExpiry(row: DomainRow, t: TransferRow): number {
    return Math.min(addMonths(row.expires_at, t.period_months), addMonths(t.act_by, MAX_TERM_MONTHS));
  }

  /** Contact ids must exist and belong to the acting registrar. */
  private async checkContactRefs(refs: Array<[string, string | null | undefined]>): Promise<void> {
    for (const [role, id] of refs) {
      if (id === undefined || id === null) continue;
      const c = await this.db.selectFrom('registry_contacts').select(['sponsor']).where('handle', '=', id.toUpperCase()).executeTakeFirst();
      if (!c) throw new RegistryError(2303, `${role} contact ${id} does not exist`);
      if (c.sponsor !== this.registrarId) throw new RegistryError(2201, `${role} contact ${id} is sponsored by another registrar`);
    }
  }

  /** Resolves host names to ids; every host must exist; at most the TLD's maximum. */
  private async hostIds(tld: TldInfo, names: readonly string[]): Promise<number[]> {
    const unique = [...new Set(names.map(normal))];
    if (unique.length > tld.nameservers.max) throw new RegistryError(2306, `at most ${tld.nameservers.max} name servers for .${tld.tld}`);
    const ids: number[] = [];
    for (const n of unique) {
      const h = await this.db.selectFrom('registry_hosts').select('id').where('name', '=', n).executeTakeFirst();
      ids.push(h ? h.id : await this.otherProvidersHost(n));
    }
    return ids;
  }

  /**
   * A name server this registry has no object for. Inside a domain it holds, the sponsor must
   * create it first; anywhere else it belongs to another provider (ns1.example.net under a name
   * this model does not hold, ada.ns.cloudflare.com), which a real registry knows already: it
   * appears here as that provider's host.
   */
  private async otherProvidersHost(name: string): Promise<number> {
    const n = checkDomainName(name);
    if (!n.ok || n.labels.length < 2 || this.tlds.get(n.ascii)) throw new RegistryError(2005, `name server ${name} is not a host name`);
    const split = registrableDomain(n.ascii, this.tlds.names());
    if (split && (await this.domainRow(split.domain))) throw new RegistryError(2303, `name server ${n.ascii} does not exist at the registry; create the host first`);
    const row = await this.db
      .insertInto('registry_hosts')
      .values({ name: n.ascii, sponsor: OTHER_PROVIDERS, domain_id: null, ipv4: '', ipv6: '', statuses: '', created_at: this.now, updated_at: this.now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  private async setNameservers(domainId: number, ids: number[]): Promise<void> {
    await this.db.deleteFrom('registry_domain_ns').where('domain_id', '=', domainId).execute();
    if (ids.length) await this.db.insertInto('registry_domain_ns').values(ids.map((host_id, position) => ({ domain_id: domainId, position, host_id }))).execute();
  }

  private premiumPrice(tld: TldInfo, label: string): { create: number; renew: number | undefined; cls: string } | undefined {
    const p = this.tlds.premium(tld.tld, label);
    if (!p) return undefined;
    return { create: parseAmount(p.create, tld.currency)!, renew: p.renew !== undefined ? parseAmount(p.renew, tld.currency)! : undefined, cls: p.class };
  }

  // ---------------------------------------------------------------- domains

  async checkDomain(name: string): Promise<Availability> {
    const c = classifyDomain(this.tlds, name);
    if (!c.ok) return { status: 'invalid', reason: c.reason };
    if (this.tlds.isReserved(c.tld.tld, c.label)) return { status: 'reserved', reason: `${c.name} is reserved by the registry` };
    const row = await this.domainRow(c.name);
    if (row) return { status: 'registered', sponsor: row.sponsor, ours: row.sponsor === this.registrarId, rgp: (row.rgp_status as RgpStatus | null) ?? undefined };
    const p = this.premiumPrice(c.tld, c.label);
    if (p) {
      const currency = c.tld.currency;
      return { status: 'premium', class: p.cls, create: { amount: p.create, currency }, renew: p.renew !== undefined ? { amount: p.renew, currency } : undefined };
    }
    return { status: 'available' };
  }

  async infoDomain(name: string): Promise<DomainInfo | undefined> {
    const row = await this.domainRow(normal(name));
    return row ? this.info(row) : undefined;
  }

  async createDomain(input: DomainCreate): Promise<DomainInfo> {
    const c = classifyDomain(this.tlds, input.name);
    if (!c.ok) throw new RegistryError(c.code, c.reason);
    const tld = c.tld;
    if (this.tlds.isReserved(tld.tld, c.label)) throw new RegistryError(2306, `${c.name} is reserved by the registry`);
    if (await this.domainRow(c.name)) throw new RegistryError(2302, `domain ${c.name} exists already`);
    if (!tld.periods.create.includes(input.periodMonths)) throw new RegistryError(2004, `period ${input.periodMonths} months is not offered for .${tld.tld} (${tld.periods.create.join(', ')})`);
    const premium = this.premiumPrice(tld, c.label);
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
    await this.checkContactRefs(roles.map(([label, , id]) => [label, id]));
    const hostIds = await this.hostIds(tld, input.nameservers ?? []);
    const row = await this.db
      .insertInto('registry_domains')
      .values({
        name: c.name,
        tld: tld.tld,
        sponsor: this.registrarId,
        created_by: this.registrarId,
        registrant: input.registrant?.toUpperCase() ?? null,
        admin_c: input.admin?.toUpperCase() ?? null,
        tech_c: input.tech?.toUpperCase() ?? null,
        billing_c: input.billing?.toUpperCase() ?? null,
        statuses: '',
        auth_hash: input.authCode ? authHash(input.authCode) : null,
        auth_expires_at: null,
        dnssec: null,
        created_at: this.now,
        updated_at: this.now,
        expires_at: addMonths(this.now, input.periodMonths),
        transferred_at: null,
        rgp_status: null,
        rgp_ends_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.setNameservers(row.id, hostIds);
    await this.addGrace(row.id, 'addPeriod', this.registrarId, input.periodMonths, this.now, tld.grace.add);
    return this.info(row);
  }

  async renewDomain(name: string, currentExpiry: number, periodMonths: number): Promise<DomainInfo> {
    const row = await this.ownDomain(name);
    const tld = this.tldOf(row);
    const st = list(row.statuses);
    if (st.includes('clientRenewProhibited') || st.includes('serverRenewProhibited')) throw new RegistryError(2304, `${row.name} has a renew prohibition`);
    if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
    if (await this.pendingTransfer(row.id)) throw new RegistryError(2304, `${row.name} is pending transfer`);
    if (!sameUtcDay(currentExpiry, row.expires_at)) throw new RegistryError(2004, `the current expiration date of ${row.name} is ${isoDate(row.expires_at)}, not ${isoDate(currentExpiry)}`);
    if (!tld.periods.renew.includes(periodMonths)) throw new RegistryError(2004, `period ${periodMonths} months is not offered for .${tld.tld} renewals (${tld.periods.renew.join(', ')})`);
    const expires = addMonths(row.expires_at, periodMonths);
    if (expires > addMonths(this.now, MAX_TERM_MONTHS)) throw new RegistryError(2004, `renewing ${row.name} by ${periodMonths} months would pass the 10-year limit`);
    const next = await this.patch(row, { expires_at: expires, updated_at: this.now });
    await this.addGrace(row.id, 'renewPeriod', this.registrarId, periodMonths, this.now, tld.grace.renew);
    return this.info(next);
  }

  async deleteDomain(name: string): Promise<DeleteOutcome> {
    const row = await this.ownDomain(name);
    const tld = this.tldOf(row);
    const st = list(row.statuses);
    if (st.includes('clientDeleteProhibited') || st.includes('serverDeleteProhibited')) throw new RegistryError(2304, `${row.name} has a delete prohibition`);
    if (row.rgp_status) throw new RegistryError(2304, `${row.name} is already pending deletion`);
    const subs = await this.db.selectFrom('registry_hosts').select('name').where('domain_id', '=', row.id).execute();
    if (subs.length) throw new RegistryError(2305, `${row.name} has subordinate hosts (${subs.map((s) => s.name).join(', ')}); delete or rename them first`);
    const t = await this.pendingTransfer(row.id);
    if (t) {
      await this.db.updateTable('registry_transfers').set({ status: 'serverCancelled', completed_at: this.now }).where('id', '=', t.id).execute();
      await this.message(t.gaining, 'transfer-cancelled', row.name, `transfer of ${row.name} cancelled: the name was deleted`);
    }
    const graces = await this.activeGraces(row.id);
    const credits = graces.map((g) => ({ kind: g.kind, months: g.months }));
    await this.db.deleteFrom('registry_grace').where('domain_id', '=', row.id).execute();
    if (graces.some((g) => g.kind === 'addPeriod')) {
      await this.purge(row, this.now);
      return { purged: true, credits, purgeAt: null };
    }
    if (tld.grace.redemption > 0) {
      const ends = this.now + tld.grace.redemption * DAY;
      await this.patch(row, { rgp_status: 'redemptionPeriod', rgp_ends_at: ends, updated_at: this.now });
      return { purged: false, credits, purgeAt: ends + tld.grace.pendingDelete * DAY };
    }
    if (tld.grace.pendingDelete > 0) {
      const ends = this.now + tld.grace.pendingDelete * DAY;
      await this.patch(row, { rgp_status: 'pendingDelete', rgp_ends_at: ends, updated_at: this.now });
      return { purged: false, credits, purgeAt: ends };
    }
    await this.purge(row, this.now);
    return { purged: true, credits, purgeAt: null };
  }

  async restoreDomain(name: string): Promise<DomainInfo> {
    const row = await this.ownDomain(name);
    if (row.rgp_status !== 'redemptionPeriod') throw new RegistryError(2304, `${row.name} is not in its redemption period`);
    // Restore includes a year: the name runs at least one year from now, never shorter than before.
    const expires = Math.max(row.expires_at, addMonths(this.now, 12));
    const next = await this.patch(row, { rgp_status: null, rgp_ends_at: null, expires_at: expires, updated_at: this.now });
    await this.message(row.sponsor, 'restored', row.name, `${row.name} was restored; expires ${isoDate(expires)}`);
    return this.info(next);
  }

  async updateDomain(name: string, change: DomainUpdate): Promise<DomainInfo> {
    const row = await this.ownDomain(name);
    const tld = this.tldOf(row);
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

    const set: Partial<Omit<DomainRow, 'id'>> = { updated_at: this.now };
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
    await this.checkContactRefs(roles.map(([label, , , v]) => [label, v]));
    if (change.dnssec !== undefined) {
      if (change.dnssec !== null) checkDnssec(tld, change.dnssec);
      set.dnssec = change.dnssec === null ? null : JSON.stringify(change.dnssec);
    }
    if (add.length || rem.length) set.statuses = join([...st.filter((s) => !rem.includes(s as ClientStatus)), ...add]);
    if (change.nameservers !== undefined) await this.setNameservers(row.id, await this.hostIds(tld, change.nameservers));
    const next = await this.patch(row, set);
    return this.info(next);
  }

  async newAuthCode(name: string): Promise<string> {
    const row = await this.ownDomain(name);
    if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
    const code = newAuthCode();
    await this.patch(row, { auth_hash: authHash(code), auth_expires_at: this.now + AUTH_CODE_TTL_DAYS * DAY, updated_at: this.now });
    return code;
  }

  async setAuthCode(name: string, code: string | null): Promise<void> {
    const row = await this.ownDomain(name);
    if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
    if (code !== null && code.length < 8) throw new RegistryError(2306, 'an auth code needs at least 8 characters');
    await this.patch(row, { auth_hash: code === null ? null : authHash(code), auth_expires_at: code === null ? null : this.now + AUTH_CODE_TTL_DAYS * DAY, updated_at: this.now });
  }

  async verifyAuthCode(name: string, code: string): Promise<boolean> {
    const row = await this.domainRow(normal(name));
    if (!row || (row.auth_expires_at !== null && row.auth_expires_at <= this.now)) return false;
    return authMatches(row.auth_hash, code);
  }

  // ---------------------------------------------------------------- transfers

  async requestTransfer(name: string, authCode: string | undefined, periodMonths?: number): Promise<TransferInfo> {
    const row = await this.domainRow(normal(name));
    if (!row) throw new RegistryError(2303, `domain ${name} does not exist`);
    const tld = this.tldOf(row);
    if (row.sponsor === this.registrarId) throw new RegistryError(2002, `${row.name} is already sponsored by ${this.registrarId}`);
    if (await this.pendingTransfer(row.id)) throw new RegistryError(2300, `${row.name} is already pending transfer`);
    const st = list(row.statuses);
    if (st.includes('clientTransferProhibited') || st.includes('serverTransferProhibited')) throw new RegistryError(2304, `${row.name} is locked against transfers`);
    if (row.rgp_status) throw new RegistryError(2304, `${row.name} is pending deletion`);
    if (tld.transfer.authCode) {
      if (!authCode) throw new RegistryError(2003, `a transfer of .${tld.tld} names needs the auth code`);
      const valid = row.auth_hash !== null && (row.auth_expires_at === null || row.auth_expires_at > this.now) && authMatches(row.auth_hash, authCode);
      if (!valid) throw new RegistryError(2202, `the auth code for ${row.name} is not valid`);
    }
    if (tld.transfer.lockAfterCreate > 0 && row.created_at + tld.transfer.lockAfterCreate * DAY > this.now) {
      throw new RegistryError(2106, `${row.name} was registered less than ${tld.transfer.lockAfterCreate} days ago`);
    }
    if (tld.transfer.lockAfterTransfer > 0 && row.transferred_at !== null && row.transferred_at + tld.transfer.lockAfterTransfer * DAY > this.now) {
      throw new RegistryError(2106, `${row.name} was transferred less than ${tld.transfer.lockAfterTransfer} days ago`);
    }
    const months = periodMonths ?? tld.periods.transfer;
    if (months !== 0 && (months % 12 !== 0 || months < 12 || months > MAX_TERM_MONTHS)) throw new RegistryError(2004, `a transfer adds 0 or 12-120 months, not ${months}`);
    const t = await this.db
      .insertInto('registry_transfers')
      .values({ domain_id: row.id, gaining: this.registrarId, losing: row.sponsor, status: 'pending', period_months: months, requested_at: this.now, act_by: this.now + tld.transfer.pendingDays * DAY, completed_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    const text = `transfer of ${row.name} to ${this.registrarId} requested; approved automatically on ${isoDate(t.act_by)} unless rejected`;
    await this.message(row.sponsor, 'transfer-requested', row.name, text);
    await this.message(this.registrarId, 'transfer-requested', row.name, text);
    return this.transferInfo(row.name, t, this.projectedExpiry(row, t));
  }

  async queryTransfer(name: string): Promise<TransferInfo | undefined> {
    const row = await this.domainRow(normal(name));
    if (!row) throw new RegistryError(2303, `domain ${name} does not exist`);
    const t = await this.db.selectFrom('registry_transfers').selectAll().where('domain_id', '=', row.id).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (!t) return undefined;
    if (t.gaining !== this.registrarId && t.losing !== this.registrarId) throw new RegistryError(2201, `not a party to the transfer of ${row.name}`);
    return this.transferInfo(row.name, t, t.status === 'pending' ? this.projectedExpiry(row, t) : row.expires_at);
  }

  private async pendingFor(name: string, side: 'gaining' | 'losing'): Promise<{ row: DomainRow; t: TransferRow }> {
    const row = await this.domainRow(normal(name));
    if (!row) throw new RegistryError(2303, `domain ${name} does not exist`);
    const t = await this.pendingTransfer(row.id);
    if (!t) throw new RegistryError(2301, `${row.name} is not pending transfer`);
    if (t[side] !== this.registrarId) throw new RegistryError(2201, side === 'losing' ? `only the losing registrar may answer the transfer of ${row.name}` : `only the requesting registrar may cancel the transfer of ${row.name}`);
    return { row, t };
  }

  async approveTransfer(name: string): Promise<TransferInfo> {
    const { row, t } = await this.pendingFor(name, 'losing');
    const next = await this.completeTransfer(row, t, 'clientApproved', this.now);
    return this.transferInfo(row.name, { ...t, status: 'clientApproved', completed_at: this.now }, next.expires_at);
  }

  async rejectTransfer(name: string): Promise<TransferInfo> {
    const { row, t } = await this.pendingFor(name, 'losing');
    await this.db.updateTable('registry_transfers').set({ status: 'clientRejected', completed_at: this.now }).where('id', '=', t.id).execute();
    await this.message(t.gaining, 'transfer-rejected', row.name, `transfer of ${row.name} rejected by the losing registrar`);
    return this.transferInfo(row.name, { ...t, status: 'clientRejected' }, row.expires_at);
  }

  async cancelTransfer(name: string): Promise<TransferInfo> {
    const { row, t } = await this.pendingFor(name, 'gaining');
    await this.db.updateTable('registry_transfers').set({ status: 'clientCancelled', completed_at: this.now }).where('id', '=', t.id).execute();
    await this.message(t.losing, 'transfer-cancelled', row.name, `transfer of ${row.name} cancelled by the requesting registrar`);
    return this.transferInfo(row.name, { ...t, status: 'clientCancelled' }, row.expires_at);
  }

  // ---------------------------------------------------------------- hosts

  async checkHost(name: string): Promise<boolean> {
    return (await this.db.selectFrom('registry_hosts').select('id').where('name', '=', normal(name)).executeTakeFirst()) !== undefined;
  }

  /** Where a host name lives: under a served TLD (internal: its superordinate domain) or outside (external). */
  private async placeHost(name: string): Promise<{ name: string; superordinate: DomainRow | null }> {
    const n = checkDomainName(name);
    if (!n.ok) throw new RegistryError(2005, `host name ${name} is invalid (${n.reason})`);
    if (n.labels.length < 2) throw new RegistryError(2306, `host name ${n.ascii} needs at least two labels`);
    const split = registrableDomain(n.ascii, this.tlds.names());
    if (this.tlds.get(n.ascii)) throw new RegistryError(2306, `${n.ascii} is a TLD, not a host name`);
    if (!split) return { name: n.ascii, superordinate: null };
    if (split.below === '') throw new RegistryError(2306, `host name ${n.ascii} needs a label below the domain ${split.domain}`);
    const parent = await this.domainRow(split.domain);
    if (!parent) throw new RegistryError(2303, `the superordinate domain ${split.domain} of ${n.ascii} does not exist`);
    if (parent.sponsor !== this.registrarId) throw new RegistryError(2201, `the superordinate domain ${split.domain} is sponsored by another registrar`);
    if (parent.rgp_status) throw new RegistryError(2304, `the superordinate domain ${split.domain} is pending deletion`);
    return { name: n.ascii, superordinate: parent };
  }

  private checkAddresses(a: HostAddresses): HostAddresses {
    const out: HostAddresses = { ipv4: [], ipv6: [] };
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const text of a[family]) {
        const r = checkGlueAddress(text, family);
        if (!r.ok) throw new RegistryError(r.kind === 'syntax' ? 2005 : 2306, r.reason);
        if (!out[family].includes(r.address)) out[family].push(r.address);
      }
    }
    return out;
  }

  private async hostInfo(h: HostRow): Promise<HostInfo> {
    const linked = await this.db.selectFrom('registry_domain_ns').select('domain_id').where('host_id', '=', h.id).limit(1).executeTakeFirst();
    const parent = h.domain_id !== null ? await this.db.selectFrom('registry_domains').select('name').where('id', '=', h.domain_id).executeTakeFirst() : undefined;
    const statuses = list(h.statuses) as HostStatus[];
    if (statuses.length === 0) statuses.push('ok');
    if (linked) statuses.push('linked');
    return { name: h.name, roid: `H${h.id}-SIM`, sponsor: h.sponsor, superordinate: parent?.name ?? null, ipv4: list(h.ipv4), ipv6: list(h.ipv6), statuses, createdAt: h.created_at, updatedAt: h.updated_at };
  }

  async createHost(name: string, addresses: HostAddresses): Promise<HostInfo> {
    if (await this.checkHost(name)) throw new RegistryError(2302, `host ${normal(name)} exists already`);
    const place = await this.placeHost(name);
    const a = this.checkAddresses(addresses);
    const count = a.ipv4.length + a.ipv6.length;
    if (place.superordinate && count === 0) throw new RegistryError(2003, `host ${place.name} is inside ${place.superordinate.name} and needs at least one address`);
    if (!place.superordinate && count > 0) throw new RegistryError(2004, `host ${place.name} is outside this registry's TLDs and takes no addresses`);
    const row = await this.db
      .insertInto('registry_hosts')
      .values({ name: place.name, sponsor: this.registrarId, domain_id: place.superordinate?.id ?? null, ipv4: a.ipv4.join(','), ipv6: a.ipv6.join(','), statuses: '', created_at: this.now, updated_at: this.now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.hostInfo(row);
  }

  private async ownHost(name: string): Promise<HostRow> {
    let q = this.db.selectFrom('registry_hosts').selectAll().where('name', '=', normal(name));
    if (this.dialect === 'postgres') q = q.forUpdate();
    const h = await q.executeTakeFirst();
    if (!h) throw new RegistryError(2303, `host ${name} does not exist`);
    if (h.sponsor !== this.registrarId) throw new RegistryError(2201, `host ${name} is sponsored by another registrar`);
    return h;
  }

  async updateHost(name: string, change: HostUpdate): Promise<HostInfo> {
    const h = await this.ownHost(name);
    const st = list(h.statuses);
    if (st.includes('clientUpdateProhibited') || st.includes('serverUpdateProhibited')) throw new RegistryError(2304, `host ${h.name} has an update prohibition`);
    let target = { name: h.name, domainId: h.domain_id };
    if (change.newName !== undefined && normal(change.newName) !== h.name) {
      if (h.domain_id === null) throw new RegistryError(2304, `external host ${h.name} cannot be renamed`);
      const place = await this.placeHost(change.newName);
      if (await this.checkHost(place.name)) throw new RegistryError(2302, `host ${place.name} exists already`);
      target = { name: place.name, domainId: place.superordinate?.id ?? null };
    }
    const a = this.checkAddresses({ ipv4: change.ipv4 ?? list(h.ipv4), ipv6: change.ipv6 ?? list(h.ipv6) });
    const count = a.ipv4.length + a.ipv6.length;
    if (target.domainId !== null && count === 0) throw new RegistryError(2304, `host ${target.name} is internal and must keep at least one address`);
    if (target.domainId === null && count > 0) throw new RegistryError(2004, `host ${target.name} is external and takes no addresses`);
    await this.db
      .updateTable('registry_hosts')
      .set({ name: target.name, domain_id: target.domainId, ipv4: a.ipv4.join(','), ipv6: a.ipv6.join(','), updated_at: this.now })
      .where('id', '=', h.id)
      .execute();
    // Sponsors of other domains delegating to this host learn of the change (RFC 5730 poll).
    const users = await this.db
      .selectFrom('registry_domain_ns')
      .innerJoin('registry_domains', 'registry_domains.id', 'registry_domain_ns.domain_id')
      .select(['registry_domains.sponsor', 'registry_domains.name'])
      .where('registry_domain_ns.host_id', '=', h.id)
      .where('registry_domains.sponsor', '!=', this.registrarId)
      .execute();
    for (const u of users) await this.message(u.sponsor, 'host-changed', target.name, `host ${target.name} used by ${u.name} was changed by its sponsor`);
    return this.hostInfo({ ...h, name: target.name, domain_id: target.domainId, ipv4: a.ipv4.join(','), ipv6: a.ipv6.join(','), updated_at: this.now });
  }

  async deleteHost(name: string): Promise<void> {
    const h = await this.ownHost(name);
    const st = list(h.statuses);
    if (st.includes('clientDeleteProhibited') || st.includes('serverDeleteProhibited')) throw new RegistryError(2304, `host ${h.name} has a delete prohibition`);
    const users = await this.db
      .selectFrom('registry_domain_ns')
      .innerJoin('registry_domains', 'registry_domains.id', 'registry_domain_ns.domain_id')
      .select('registry_domains.name')
      .where('registry_domain_ns.host_id', '=', h.id)
      .orderBy('registry_domains.name')
      .execute();
    if (users.length) throw new RegistryError(2305, `host ${h.name} is used by ${users.length} domain(s), e.g. ${users[0]!.name}`);
    await this.db.deleteFrom('registry_hosts').where('id', '=', h.id).execute();
  }

  async infoHost(name: string): Promise<HostInfo | undefined> {
    const h = await this.db.selectFrom('registry_hosts').selectAll().where('name', '=', normal(name)).executeTakeFirst();
    return h ? this.hostInfo(h) : undefined;
  }

  // ---------------------------------------------------------------- contacts

  async checkContact(id: string): Promise<boolean> {
    return (await this.db.selectFrom('registry_contacts').select('id').where('handle', '=', id.toUpperCase()).executeTakeFirst()) !== undefined;
  }

  private checkPostal(p: ContactPostal): ContactPostal {
    for (const [field, v] of [['name', p.name], ['city', p.city], ['country', p.country], ['email', p.email]] as const) {
      if (!v) throw new RegistryError(2003, `contact ${field} is required`);
    }
    const cc = checkCountry(p.country);
    if (!cc.ok) throw new RegistryError(2005, `contact country is invalid (${cc.reason})`);
    const email = normalizeEmail(p.email);
    if (!email.ok) throw new RegistryError(2005, `contact email is invalid (${email.reason})`);
    for (const [field, v] of [['voice', p.voice], ['fax', p.fax]] as const) {
      if (v && !/^\+\d{1,3}\.\d{1,14}$/.test(v)) throw new RegistryError(2005, `contact ${field} ${v} is not +CC.NUMBER`);
    }
    if (p.street.length > 3) throw new RegistryError(2306, 'at most 3 street lines');
    if (p.postalCode.length > 16) throw new RegistryError(2005, 'postal code longer than 16 characters');
    return { ...p, country: cc.code, email: email.value };
  }

  private async contactInfo(row: { id: number; handle: string; sponsor: string; data: string; statuses: string; created_at: number; updated_at: number }): Promise<ContactInfo> {
    const linked = await this.contactLinked(row.handle);
    const statuses = list(row.statuses) as ContactStatus[];
    if (statuses.length === 0) statuses.push('ok');
    if (linked) statuses.push('linked');
    return { id: row.handle, roid: `C${row.id}-SIM`, sponsor: row.sponsor, postal: JSON.parse(row.data) as ContactPostal, statuses, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  private async contactLinked(handle: string): Promise<string | undefined> {
    const d = await this.db
      .selectFrom('registry_domains')
      .select('name')
      .where((eb) => eb.or([eb('registrant', '=', handle), eb('admin_c', '=', handle), eb('tech_c', '=', handle), eb('billing_c', '=', handle)]))
      .orderBy('name')
      .limit(1)
      .executeTakeFirst();
    return d?.name;
  }

  async createContact(id: string, postal: ContactPostal): Promise<ContactInfo> {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{2,15}$/.test(id)) throw new RegistryError(2005, `contact id ${id} must be 3 to 16 letters, digits or hyphens`);
    const handle = id.toUpperCase();
    if (await this.checkContact(handle)) throw new RegistryError(2302, `contact ${handle} exists already`);
    const p = this.checkPostal(postal);
    const row = await this.db
      .insertInto('registry_contacts')
      .values({ handle, sponsor: this.registrarId, data: JSON.stringify(p), statuses: '', auth_hash: null, created_at: this.now, updated_at: this.now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.contactInfo(row);
  }

  private async ownContact(id: string) {
    let q = this.db.selectFrom('registry_contacts').selectAll().where('handle', '=', id.toUpperCase());
    if (this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw new RegistryError(2303, `contact ${id} does not exist`);
    if (row.sponsor !== this.registrarId) throw new RegistryError(2201, `contact ${id} is sponsored by another registrar`);
    return row;
  }

  async updateContact(id: string, postal: Partial<ContactPostal>): Promise<ContactInfo> {
    const row = await this.ownContact(id);
    const st = list(row.statuses);
    if (st.includes('clientUpdateProhibited') || st.includes('serverUpdateProhibited')) throw new RegistryError(2304, `contact ${row.handle} has an update prohibition`);
    const merged = this.checkPostal({ ...(JSON.parse(row.data) as ContactPostal), ...postal });
    await this.db.updateTable('registry_contacts').set({ data: JSON.stringify(merged), updated_at: this.now }).where('id', '=', row.id).execute();
    return this.contactInfo({ ...row, data: JSON.stringify(merged), updated_at: this.now });
  }

  async deleteContact(id: string): Promise<void> {
    const row = await this.ownContact(id);
    const st = list(row.statuses);
    if (st.includes('clientDeleteProhibited') || st.includes('serverDeleteProhibited')) throw new RegistryError(2304, `contact ${row.handle} has a delete prohibition`);
    const used = await this.contactLinked(row.handle);
    if (used) throw new RegistryError(2305, `contact ${row.handle} is used by domain ${used}`);
    await this.db.deleteFrom('registry_contacts').where('id', '=', row.id).execute();
  }

  async infoContact(id: string): Promise<ContactInfo | undefined> {
    const row = await this.db.selectFrom('registry_contacts').selectAll().where('handle', '=', id.toUpperCase()).executeTakeFirst();
    if (!row) return undefined;
    if (row.sponsor !== this.registrarId) throw new RegistryError(2201, `contact ${id} is sponsored by another registrar`);
    return this.contactInfo(row);
  }

  // ---------------------------------------------------------------- poll

  async poll(limit = 50): Promise<PollMessage[]> {
    const rows = await this.db.selectFrom('registry_messages').selectAll().where('registrar', '=', this.registrarId).where('acked_at', 'is', null).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, kind: r.kind, object: r.object, text: r.text, createdAt: r.created_at }));
  }

  async ack(messageId: number): Promise<void> {
    const res = await this.db.updateTable('registry_messages').set({ acked_at: this.now }).where('id', '=', messageId).where('registrar', '=', this.registrarId).where('acked_at', 'is', null).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new RegistryError(2303, `no message ${messageId} in the queue`);
  }
}

/** Lowercase, without the trailing dot; IDNs as A-labels. */
export function normal(name: string): string {
  const n = checkDomainName(name);
  return n.ok ? n.ascii : name.trim().toLowerCase().replace(/\.$/, '');
}
