import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { Account, DomainState } from '../db/schema.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { checkDomainName, registrableDomain } from '../core/domain-name.ts';
import { addMonths } from '../core/period.ts';
import { isoDate } from '../core/dates.ts';
import { parseAmount } from '../core/money.ts';
import type { TldCatalogue, TldInfo } from '../tld/catalogue.ts';
import type { PremiumPriceSource } from '../billing/quote.ts';
import { recordOrder, releaseReservation } from '../billing/ledger.ts';
import { RegistryError, type Registry } from '../registry/port.ts';
import { registryOf as registryOfDeps } from '../registry/index.ts';
import { CLEAR, contactUsableFor, findContact } from './contacts.ts';
import { isPostgres, requireDomain, type DomainAction, type DomainRecord } from './domain-access.ts';
import { atRegistry } from './registry-errors.ts';

/**
 * Registrar-side domain rules shared by the domain requests (src/dmapi/commands/domain-*.ts) and
 * the lifecycle (domain-lifecycle.ts): name and period checks, contacts and name servers of a
 * registration, premium prices from the TLD catalogue, and small helpers around the `domains`
 * row. Registry calls happen only in the worker (`perform`), through the registry port.
 */

/** The longest term a domain may run: 10 years from now (ICANN; registry-rules §1.1). */
export const MAX_TERM_MONTHS = 120;
/** A domain can be renewed once per 6 hours (seeds, domain-renew). */
export const RENEW_GUARD_MS = 6 * 3_600_000;
/** A gTLD registration deleted within 72 hours is refunded (seeds, domain-delete). */
export const REFUND_WINDOW_MS = 72 * 3_600_000;

export interface DomainName {
  /** Lowercase A-label. */
  name: string;
  unicode: string;
  tld: TldInfo;
  /** The label under the TLD (A-label). */
  label: string;
}

/** Checks a domain name a request wants to register or look at: valid IDNA, one label under a TLD of the catalogue. */
export function parseDomainName(tlds: TldCatalogue, input: string, field = 'domain'): DomainName {
  const n = checkDomainName(input);
  if (!n.ok) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (${n.reason})`);
  const split = registrableDomain(n.ascii, tlds.names());
  if (!split) {
    // WHMCS and ClientExec look for exactly this phrase in the error of an unsupported TLD.
    throw new DmapiError('PARAM_POLICY', `invalid '${field}' (${n.ascii} is not a Domain with extension supported by Joker.com; query-tld-list lists this server's TLDs)`);
  }
  if (split.below !== '') throw new DmapiError('PARAM_POLICY', `invalid '${field}' (${n.ascii} is not registrable; register ${split.domain}, exactly one label under .${split.tld})`);
  return { name: n.ascii, unicode: n.unicode, tld: tlds.get(split.tld)!, label: split.label };
}

/** Generic TLDs (not two-letter country codes, not second-level zones like co.uk): the 72-hour refund and whois verification apply. */
export function isGenericTld(tld: string): boolean {
  return !/^[a-z]{2}$/.test(tld) && !tld.includes('.');
}

/** A DMAPI period in months, checked against the periods the TLD offers for the operation. */
export function checkPeriod(months: number, allowed: readonly number[], what: string, field = 'period'): number {
  if (months % 12 !== 0 || months < 12 || months > MAX_TERM_MONTHS) {
    throw new DmapiError('PARAM_RANGE', `invalid '${field}' (${months} is not a period in months; use a multiple of 12 from 12 to 120, the period is in months, not years)`);
  }
  if (!allowed.includes(months)) throw new DmapiError('PARAM_RANGE', `invalid '${field}' (${months} months is not offered for ${what}; allowed are ${allowed.join(', ')})`);
  return months;
}

/** The smallest number of months m with addMonths(from, m) >= to (0 when to <= from). */
export function monthsUntil(from: number, to: number): number {
  if (to <= from) return 0;
  let m = Math.max(0, Math.floor((to - from) / (31 * 86_400_000)));
  while (addMonths(from, m) < to) m++;
  return m;
}

export const contactRoles = [
  ['owner-c', 'owner'],
  ['admin-c', 'admin'],
  ['tech-c', 'tech'],
  ['billing-c', 'billing'],
] as const;
export type ContactRole = (typeof contactRoles)[number][1];
export type RoleHandles = Partial<Record<ContactRole, string>>;

/**
 * Resolves the contact handles of a request: each must be a contact of the account made for a TLD
 * with the same handle prefix. `required` roles must be given; roles the TLD does not use are
 * refused (so a client learns that .de has no billing contact instead of losing it silently).
 */
export async function resolveContacts(db: Executor, tlds: TldCatalogue, accountId: number, tld: TldInfo, given: Partial<Record<string, string | undefined>>, required: boolean): Promise<RoleHandles> {
  const out: RoleHandles = {};
  const missing: string[] = [];
  for (const [field, role] of contactRoles) {
    const handle = given[field]?.trim();
    const used = tld.contacts.roles.includes(role);
    if (!handle) {
      if (required && used) missing.push(`missing parameter '${field}' (.${tld.tld} domains need a${article(role)} ${role} contact)`);
      continue;
    }
    // Clients that send every role for every TLD (Joker's WHMCS module) get the unused ones ignored (see unusedRoles).
    if (!used) continue;
    if (handle === CLEAR) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (.${tld.tld} domains need a${article(role)} ${role} contact; it cannot be removed)`);
    const row = await findContact(db, accountId, handle);
    if (!row) throw new DmapiError('OBJECT_NOT_FOUND', `contact ${handle} not found (${field})`);
    if (!contactUsableFor(tlds, row, tld.tld)) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (contact ${row.handle} was made for .${row.tld} and cannot be used for .${tld.tld} domains; create one with tld=${tld.tld})`);
    out[role] = row.handle;
  }
  if (missing.length) throw new DmapiError('PARAM_MISSING', missing);
  return out;
}

const article = (role: string) => (role === 'owner' || role === 'admin' ? 'n' : '');

/** Result-text notes for contact roles given that the TLD does not use (accepted and ignored). */
export function unusedRoles(tld: TldInfo, given: Partial<Record<string, string | undefined>>): Array<[string, string]> {
  return contactRoles
    .filter(([field, role]) => given[field]?.trim() && !tld.contacts.roles.includes(role))
    .map(([field, role]) => ['note', `${field} ignored: .${tld.tld} domains have no ${role} contact`]);
}

/**
 * An ns-list: host names separated by `:` (the documented form) or `,` (the seeds' own example),
 * checked for syntax, duplicates and the TLD's count limits. Names are returned as A-labels.
 */
export function parseNsList(input: string, tlds: TldCatalogue, tld: TldInfo, field = 'ns-list'): string[] {
  const parts = input.split(/[:,\s]+/).map((s) => s.trim()).filter(Boolean);
  const out: string[] = [];
  for (const p of parts) {
    const n = checkDomainName(p);
    if (!n.ok) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (${p} is not a host name; ${n.reason})`);
    if (tlds.get(n.ascii)) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (${n.ascii} is a top-level domain, not a name server)`);
    if (n.labels.length < 2) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (${n.ascii} is not a name server name; it needs at least two labels)`);
    if (out.includes(n.ascii)) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (${n.ascii} is listed twice)`);
    out.push(n.ascii);
  }
  const { min, max } = tld.nameservers;
  if (out.length < Math.max(min, 1)) throw new DmapiError(out.length === 0 ? 'PARAM_MISSING' : 'PARAM_POLICY', `${out.length === 0 ? 'missing parameter' : 'invalid'} '${field}' (.${tld.tld} domains need at least ${Math.max(min, 1)} name servers, ${out.length} given)`);
  if (out.length > max) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (.${tld.tld} domains take at most ${max} name servers, ${out.length} given)`);
  return out;
}

/**
 * Request-time check of name servers inside a domain of this platform: such a host must exist as a
 * host object (ns-create) before a domain can use it. Hosts anywhere else (a.ns.joker.com, the
 * platform's own servers, other providers) are left to the registry, which knows them or not.
 */
export async function checkOwnBailiwick(db: Executor, tlds: TldCatalogue, names: readonly string[], field = 'ns-list'): Promise<void> {
  for (const host of names) {
    const split = registrableDomain(host, tlds.names());
    if (!split) continue;
    const parent = await db.selectFrom('domains').select('id').where('name', '=', split.domain).executeTakeFirst();
    if (!parent) continue;
    const h = await db.selectFrom('hosts').select('id').where('name', '=', host).executeTakeFirst();
    if (!h) throw new DmapiError('OBJECT_NOT_FOUND', `name server ${host} in ${field} does not exist; create it with ns-create first`);
  }
}

/**
 * Worker side: makes sure every out-of-bailiwick name server exists as an (external) host object
 * at the registry, as registrars do before naming it in a delegation. In-bailiwick hosts are not
 * created here: the registry answers 2303 for a missing one.
 */
export async function ensureExternalHosts(registry: Registry, tlds: TldCatalogue, names: readonly string[]): Promise<void> {
  for (const host of names) {
    if (registrableDomain(host, tlds.names())) continue;
    if (await atRegistry(() => registry.checkHost(host))) continue;
    // Another job's outside step (a domain sharing the new name server) may have made it meanwhile.
    await atRegistry(() => registry.createHost(host, { ipv4: [], ipv6: [] }).catch((err: unknown) => {
      if (!(err instanceof RegistryError && err.code === 2302)) throw err;
    }));
  }
}

/** Whether a delegation uses the platform's own name servers (then the domain gets a hosted zone). */
export function usesPlatformNs(platform: readonly string[], names: readonly string[]): boolean {
  return names.some((n) => platform.includes(n));
}

/** Serialises work on names across transactions (PostgreSQL advisory locks; SQLite serialises writers anyway). */
export async function lockNames(db: Executor, keys: readonly string[]): Promise<void> {
  if (!isPostgres(db)) return;
  for (const key of [...new Set(keys)].sort()) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
}

/**
 * Premium prices from the TLD catalogue: create = the create price plus the renew price for each
 * further year; renew and transfer = the renew price per year. The catalogue prices premium names in
 * the TLD's currency; an account paying in another one cannot order them (no exchange rates here).
 */
export function catalogPremium(tlds: TldCatalogue): PremiumPriceSource {
  return {
    async price(_db, q) {
      const tld = tlds.get(q.tld);
      if (!tld) return undefined;
      const label = q.domain.endsWith(`.${tld.tld}`) ? q.domain.slice(0, -(tld.tld.length + 1)) : q.domain;
      const p = tlds.premium(tld.tld, label);
      if (!p || !(q.operation === 'create' || q.operation === 'renew' || q.operation === 'transfer')) return undefined;
      if (q.currency !== tld.currency) {
        throw new DmapiError('PARAM_POLICY', `${q.domain} is a premium name priced in ${tld.currency} only; this account pays in ${q.currency}`);
      }
      const create = parseAmount(p.create, tld.currency)!;
      const renew = p.renew !== undefined ? parseAmount(p.renew, tld.currency)! : create;
      const netto = q.operation === 'create' ? create + renew * (q.years - 1) : renew * q.years;
      return { class: p.class, netto };
    },
  };
}

/** The registry fee of a premium create (what the registrar acknowledges, EPP fee extension), or undefined. */
export function premiumFee(tlds: TldCatalogue, d: DomainName, months: number): { amount: number; currency: string } | undefined {
  const p = tlds.premium(d.tld.tld, d.label);
  if (!p) return undefined;
  const create = parseAmount(p.create, d.tld.currency)!;
  const renew = p.renew !== undefined ? parseAmount(p.renew, d.tld.currency)! : create;
  return { amount: create + renew * (months / 12 - 1), currency: d.tld.currency };
}

/** The status words of query-domain-list and query-whois (dmapi-wire §4.2): production, lock, autorenew. */
export function statusWords(d: Pick<DomainRecord, 'locked' | 'autorenew'>): string {
  return ['production', ...(d.locked ? ['lock'] : []), ...(d.autorenew ? ['autorenew'] : [])].join(',');
}

/** The account's (or a grantee's) domain for `action`, locked for the transaction; only active domains unless `states` says otherwise. */
export async function domainFor(
  ctx: { readonly db: Executor; readonly account: { readonly id: number } },
  name: string,
  action: DomainAction,
  states: readonly DomainState[] = ['active'],
): Promise<DomainRecord> {
  const { domain } = await requireDomain(ctx, name, action, { forUpdate: true });
  if (!states.includes(domain.status)) throw new DmapiError('STATUS_PROHIBITS', stateText(domain));
  return domain;
}

/** Why a domain in a given state cannot take the request. */
export function stateText(d: Pick<DomainRecord, 'name' | 'status' | 'redemption_ends_at' | 'purge_at'>): string {
  switch (d.status) {
    case 'redemption':
      return `${d.name} is deleted and in its redemption period until ${d.redemption_ends_at ? isoDate(d.redemption_ends_at) : '?'}; restore it with domain-redeem first`;
    case 'pending-delete':
      return `${d.name} is pending deletion (purged on ${d.purge_at ? isoDate(d.purge_at) : '?'}) and can no longer be restored`;
    default:
      return `${d.name} is not deleted`;
  }
}

/** The account row as the billing functions want it (fresh: the session's copy may be old). */
export async function accountRow(db: Executor, accountId: number): Promise<Account> {
  return db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
}

/** Gives back reservations still pending (the `failed` hook of the async domain requests). */
export async function releasePending(db: Executor, accountId: number, orderIds: ReadonlyArray<number | null | undefined>, now: number, note: string): Promise<void> {
  for (const id of orderIds) {
    if (id === null || id === undefined) continue;
    const o = await db.selectFrom('orders').select('status').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    if (o?.status === 'pending') await releaseReservation(db, { accountId, orderId: id, now, note });
  }
}

/** Replaces a domain's registrar-side delegation (in ns-list order). */
export async function setDelegation(db: Executor, domainId: number, hosts: readonly string[]): Promise<void> {
  await db.deleteFrom('domain_nameservers').where('domain_id', '=', domainId).execute();
  if (hosts.length) await db.insertInto('domain_nameservers').values(hosts.map((host, position) => ({ domain_id: domainId, position, host }))).execute();
}

export async function delegationOf(db: Executor, domainId: number): Promise<string[]> {
  const rows = await db.selectFrom('domain_nameservers').select('host').where('domain_id', '=', domainId).orderBy('position').execute();
  return rows.map((r) => r.host);
}

/** `key: value` lines of a result's free text. */
export const resultLines = (pairs: ReadonlyArray<readonly [string, string]>) => pairs.map(([k, v]) => `${k}: ${v}`).join('\n');

/** ISO 639-2 codes (bibliographic and terminology) of the languages IDN tables use, to their ISO 639-1 code. */
const iso639_2: Record<string, string> = {
  ara: 'ar', bul: 'bg', ces: 'cs', cze: 'cs', chi: 'zh', zho: 'zh', dan: 'da', deu: 'de', ger: 'de', ell: 'el', gre: 'el', eng: 'en',
  est: 'et', fin: 'fi', fra: 'fr', fre: 'fr', heb: 'he', hun: 'hu', ita: 'it', jpn: 'ja', kor: 'ko', lav: 'lv', lit: 'lt', nld: 'nl',
  dut: 'nl', nor: 'no', pol: 'pl', por: 'pt', rus: 'ru', spa: 'es', swe: 'sv', tur: 'tr', ukr: 'uk',
};

/**
 * The `language` of an IDN registration (ISO 639-1 or 639-2 code, as domain-check and
 * domain-register take it), as ISO 639-1. For an internationalised name the TLD must have an IDN
 * table for the language and the name's characters must be of that table's script; for an ASCII
 * name the language is kept but changes nothing.
 */
export function checkLanguage(d: DomainName, input: string | undefined, field = 'language'): string | undefined {
  if (input === undefined || input.trim() === '') return undefined;
  const t = input.trim().toLowerCase();
  let code: string;
  if (/^[a-z]{2}$/.test(t)) code = t;
  else if (/^[a-z]{3}$/.test(t) && iso639_2[t]) code = iso639_2[t]!;
  else throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (${input.trim()} is not an ISO 639 language code, 2 or 3 letters like de or ger)`);
  if (d.unicode === d.name) return code;
  const tables = d.tld.idn.filter((x) => x.language.split('-')[0] === code);
  if (tables.length === 0) {
    const offered = [...new Set(d.tld.idn.map((x) => x.language.split('-')[0]))];
    throw new DmapiError('PARAM_POLICY', `invalid '${field}' (.${d.tld.tld} has no IDN table for ${code}${offered.length ? `; its tables are ${offered.join(', ')}` : '; it takes no internationalised names'})`);
  }
  const label = d.unicode.slice(0, d.unicode.length - (d.tld.unicode ?? d.tld.tld).length - 1);
  const chars = [...label].filter((c) => !/[a-z0-9-]/.test(c));
  const fits = tables.some((x) => chars.every((c) => new RegExp(`^\\p{Script=${x.script}}$`, 'u').test(c)));
  if (!fits) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (${d.unicode} has characters outside the ${tables.map((x) => x.script).join('/')} script of the ${code} table)`);
  return code;
}

/** domain-lock / domain-unlock: the registry status clientTransferProhibited, mirrored in `domains.locked`. */
export interface LockJob {
  accountId: number;
  domainId: number;
  name: string;
  lock: boolean;
}

export async function acceptLock(
  ctx: { readonly db: Executor; readonly account: { readonly id: number } },
  name: string,
  lock: boolean,
): Promise<{ object: string; job: LockJob }> {
  const d = await domainFor(ctx, name, 'manage');
  return { object: d.name, job: { accountId: d.account_id, domainId: d.id, name: d.name, lock } };
}

/** The job's domain as the worker finds it; refused when it is no longer active (`not …` says what did not happen). */
export async function activeDomain(db: Executor, job: { domainId: number; name: string }, not: string): Promise<DomainRecord> {
  const d = await db.selectFrom('domains').selectAll().where('id', '=', job.domainId).executeTakeFirst();
  if (!d || d.status !== 'active') throw new DmapiError('STATUS_PROHIBITS', `${job.name} is no longer active; ${not}`);
  return d;
}

/** The registry half of domain-lock / domain-unlock (outside step); setting a status twice changes nothing. */
export async function lockAtRegistry(deps: Parameters<typeof registryOfDeps>[0] & { readonly db: Executor }, job: LockJob, now: number): Promise<string[]> {
  await activeDomain(deps.db, job, `not ${job.lock ? 'locked' : 'unlocked'}`);
  const registry = registryOfDeps(deps).open(deps.db, now);
  const status = 'clientTransferProhibited' as const;
  const info = await atRegistry(() => registry.updateDomain(job.name, job.lock ? { addStatuses: [status] } : { removeStatuses: [status] }));
  return info.statuses;
}

/** The local half: `statuses` is what the registry answered in the outside step. */
export async function performLock(ctx: { readonly db: Executor; readonly now: number; readonly resultId: number | null; readonly prepared?: unknown }, job: LockJob) {
  await lockNames(ctx.db, [`domain:${job.name}`]);
  const d = await ctx.db.selectFrom('domains').selectAll().where('id', '=', job.domainId).executeTakeFirstOrThrow();
  await ctx.db.updateTable('domains').set({ locked: job.lock ? 1 : 0, updated_at: ctx.now }).where('id', '=', d.id).execute();
  await recordOrder(ctx.db, { accountId: job.accountId, type: job.lock ? 'lock' : 'unlock', identifier: job.name, tld: d.tld, procId: ctx.resultId, now: ctx.now, status: 'ok' });
  const was = d.locked === 1;
  const msg = job.lock ? (was ? `${job.name} was locked already` : `${job.name} locked: transfers to another registrar are refused`) : was ? `${job.name} unlocked: it can be transferred with its auth-id` : `${job.name} was not locked`;
  return { status: 'ack' as const, text: resultLines([['result_msg', msg], ['registry_status', (ctx.prepared as string[]).join(',')]]) };
}

/** The DMAPI domain properties (domain-set-property / domain-get-property). */
export const domainProperties = ['autorenew', 'whois-opt-out', 'privacy', 'gdpr-opt-in'] as const;
export type DomainProperty = (typeof domainProperties)[number];

/** Who may set a property: autorenew causes costs later (a @billing matter), the rest is management. */
export const propertyAction: Record<DomainProperty, DomainAction> = { autorenew: 'billing', 'whois-opt-out': 'manage', privacy: 'manage', 'gdpr-opt-in': 'manage' };

/** A property's value as domain-get-property prints it. */
export function propertyValue(d: DomainRecord, p: DomainProperty, now: number): string {
  switch (p) {
    case 'autorenew':
      return String(d.autorenew);
    case 'whois-opt-out':
      return String(d.whois_opt_out);
    case 'gdpr-opt-in':
      return String(d.gdpr_opt_in);
    case 'privacy':
      return d.privacy_origin !== 'off' && d.privacy_expires_at !== null && d.privacy_expires_at > now ? d.privacy : 'off';
  }
}
