import { sql } from 'kysely';
import { toUnicode } from 'tr46';
import type { Config } from '../config/config.ts';
import type { Executor } from '../db/database.ts';
import type { PrivacyLevel } from '../db/schema.ts';
import type { ContactPostal, DnssecData } from '../registry/port.ts';
import { globMatch } from '../db/sql-helpers.ts';
import { checkDomainName } from '../core/domain-name.ts';
import { fieldsOf, type ContactRow } from './contacts.ts';
import { delegationOf } from './domains.ts';
import { addressesOf } from './hosts.ts';
import { publicPrivacyLevel } from './privacy.ts';
import { isNaturalPerson, redactedFields, stricterLevel, type PublishedField, type RedactionReason } from './redaction.ts';
import { openOutStates } from './transfer-out.ts';

/**
 * The public view of the platform's objects that RDAP and port-43 WHOIS render: the domains
 * this registrar sponsors (whichever reseller holds them), the name servers they use, the
 * contacts they publish, and the registrar itself. No tenancy here on purpose: this is what the
 * registrar owes everyone, and nothing beyond it — redacted values are emptied before they leave
 * this module, so a renderer cannot show them by mistake. Objects elsewhere (another registrar's
 * domains at the registry) are not ours: undefined.
 */

export type PublicRole = 'registrant' | 'administrative' | 'technical';

/** A parse that says why it failed (RDAP answers 400 with it, WHOIS an Error line). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_NAME = 253;

/** C0 and C1 control characters: never in a name, and never echoed back. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** A domain or name server name, U-label or A-label: its lowercase A-label. */
export function lookupName(input: string): Parsed<string> {
  const no = (reason: string) => ({ ok: false as const, reason });
  if (input.length > MAX_NAME + 1) return no(`the name is longer than ${MAX_NAME} characters`);
  if (CONTROL_CHARS.test(input)) return no('the name has control characters');
  const n = checkDomainName(input);
  if (!n.ok) return no(n.reason);
  if (n.labels.length < 2) return no(`${n.ascii} is not a domain name (no label below a TLD)`);
  return { ok: true, value: n.ascii };
}

/** The roles published, with the domain column naming the contact (billing is not published). */
const roleColumns = [['owner_c', 'registrant'], ['admin_c', 'administrative'], ['tech_c', 'technical']] as const;

/** A contact as published: the registry's postal fields, the handle, and `phone` for EPP's voice. */
export type ContactData = Pick<ContactPostal, 'name' | 'organization' | 'street' | 'city' | 'state' | 'postalCode' | 'country' | 'fax' | 'email'> & { handle: string; phone: string };

export interface PublicContact {
  /** The role on the domain it is shown for; absent for a lookup of the contact itself. */
  role?: PublicRole;
  /** What may be shown: redacted fields are empty ('' or []). */
  data: ContactData;
  redacted: Map<PublishedField, RedactionReason>;
  person: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface PublicHost {
  /** Lowercase A-label. */
  name: string;
  unicode: string;
  ipv4: string[];
  ipv6: string[];
  /** A host object of the platform (ns-create): it has dates; other names only appear in delegations. */
  object?: { createdAt: number; updatedAt: number };
}

/** EPP domain statuses (RFC 5731, RFC 3915) as the registrar knows them. */
export type EppStatus = 'ok' | 'inactive' | 'clientTransferProhibited' | 'clientHold' | 'pendingTransfer' | 'redemptionPeriod' | 'pendingDelete';

export interface PublicDomain {
  name: string;
  unicode: string;
  /** The registry's repository object id; null when the registry gave none. */
  roid: string | null;
  statuses: EppStatus[];
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  /** When the last transfer to this registrar completed. */
  transferredAt: number | null;
  contacts: PublicContact[];
  nameservers: PublicHost[];
  dnssec: DnssecData | null;
  privacy: PrivacyLevel;
}

export interface RegistrarIdentity {
  name: string;
  ianaId: number;
  url: string;
  abuseEmail: string;
  abusePhone: string;
  whoisServer: string;
  /** Ends with a slash: `<public URL>/rdap/`. */
  rdapBase: string;
  termsUrl: string;
}

/** The registrar as configured (README: DMAPID_REGISTRAR_*). */
export function registrarIdentity(c: Pick<Config, 'publicUrl' | 'registrarName' | 'registrarIanaId' | 'registrarUrl' | 'registrarAbuseEmail' | 'registrarAbusePhone' | 'registrarWhoisServer' | 'rdapTermsUrl'>): RegistrarIdentity {
  const rdapBase = new URL('rdap/', c.publicUrl.endsWith('/') ? c.publicUrl : `${c.publicUrl}/`).href;
  return {
    name: c.registrarName,
    ianaId: c.registrarIanaId,
    url: c.registrarUrl ?? c.publicUrl,
    abuseEmail: c.registrarAbuseEmail,
    abusePhone: c.registrarAbusePhone,
    whoisServer: c.registrarWhoisServer,
    rdapBase,
    termsUrl: c.rdapTermsUrl ?? `${rdapBase}help`,
  };
}

const unicodeOf = (ascii: string) => toUnicode(ascii, { useSTD3ASCIIRules: true }).domain;

function contactView(row: ContactRow, privacy: PrivacyLevel, role?: PublicRole): PublicContact {
  const f = fieldsOf(row);
  const person = isNaturalPerson(f);
  const redacted = redactedFields({ privacy, person });
  const shown = (field: PublishedField, value: string | undefined) => (redacted.has(field) ? '' : (value ?? '').trim());
  const street = [f['address-1'], f['address-2'], f['address-3']].filter((l): l is string => !!l?.trim());
  const data: ContactData = {
    handle: shown('handle', row.handle),
    name: shown('name', f.name ?? [f.fname, f.lname].filter(Boolean).join(' ')),
    organization: shown('organization', f.organization),
    street: redacted.has('street') ? [] : street,
    city: shown('city', f.city),
    state: shown('state', f.state),
    postalCode: shown('postal-code', f['postal-code']),
    country: shown('country', f.country),
    phone: shown('phone', f.phone),
    fax: shown('fax', f.fax),
    email: shown('email', f.email),
  };
  return { ...(role ? { role } : {}), data, redacted, person, createdAt: row.created_at, updatedAt: row.updated_at };
}

async function hostView(db: Executor, name: string): Promise<PublicHost> {
  const h = await db.selectFrom('hosts').selectAll().where('name', '=', name).executeTakeFirst();
  const a = h ? addressesOf(h) : { ipv4: [], ipv6: [] };
  return { name, unicode: unicodeOf(name), ...a, ...(h ? { object: { createdAt: h.created_at, updatedAt: h.updated_at } } : {}) };
}

/** A domain the platform sponsors, by lowercase A-label. */
export async function publicDomain(db: Executor, name: string, now: number): Promise<PublicDomain | undefined> {
  const d = await db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst();
  if (!d) return undefined;
  const privacy = publicPrivacyLevel(d, now);
  const contacts: PublicContact[] = [];
  for (const [column, role] of roleColumns) {
    const handle = d[column];
    if (!handle) continue;
    const row = await db.selectFrom('contacts').selectAll().where('handle', '=', handle).executeTakeFirst();
    if (row) contacts.push(contactView(row, privacy, role));
  }
  const nameservers = await Promise.all((await delegationOf(db, d.id)).map((h) => hostView(db, h)));
  const transferOut = await db.selectFrom('transfers_out').select('id').where('domain', '=', d.name).where('state', 'in', openOutStates).executeTakeFirst();
  const transferIn = await db.selectFrom('transfers_in').select('completed_at').where('domain', '=', d.name).where('outcome', '=', 'done').orderBy('completed_at', 'desc').limit(1).executeTakeFirst();
  const statuses: EppStatus[] = [];
  if (d.status === 'redemption') statuses.push('redemptionPeriod', 'pendingDelete');
  if (d.status === 'pending-delete') statuses.push('pendingDelete');
  if (d.locked) statuses.push('clientTransferProhibited');
  if (d.suspended_at !== null) statuses.push('clientHold');
  if (transferOut) statuses.push('pendingTransfer');
  if (nameservers.length === 0) statuses.push('inactive');
  if (statuses.length === 0) statuses.push('ok');
  return {
    name: d.name,
    unicode: unicodeOf(d.name),
    roid: d.roid,
    statuses,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    expiresAt: d.expires_at,
    transferredAt: transferIn?.completed_at ?? null,
    contacts,
    nameservers,
    dnssec: d.dnssec ? (JSON.parse(d.dnssec) as DnssecData) : null,
    privacy,
  };
}

/** A name server: a host object of the platform, or a name one of its domains is delegated to. */
export async function publicHost(db: Executor, name: string): Promise<PublicHost | undefined> {
  const h = await hostView(db, name);
  if (h.object) return h;
  const used = await db.selectFrom('domain_nameservers').select('host').where('host', '=', name).limit(1).executeTakeFirst();
  return used ? h : undefined;
}

/**
 * A contact some domain of the platform publishes (as registrant, admin or tech contact), shown
 * as privately as the most private of those domains. Contacts no domain publishes are not public.
 */
export async function publicContact(db: Executor, handle: string, now: number): Promise<PublicContact | undefined> {
  const row = await db.selectFrom('contacts').selectAll().where('handle', '=', handle.toUpperCase()).executeTakeFirst();
  if (!row) return undefined;
  const domains = await db
    .selectFrom('domains')
    .select(['privacy', 'privacy_origin', 'privacy_expires_at', 'whois_opt_out'])
    .where((eb) => eb.or(roleColumns.map(([column]) => eb(column, '=', row.handle))))
    .execute();
  if (domains.length === 0) return undefined;
  const privacy = domains.reduce<PrivacyLevel>((level, d) => stricterLevel(level, publicPrivacyLevel(d, now)), 'off');
  return contactView(row, privacy);
}

/** How a search names its objects: a pattern (RFC 9082 partial match, `*` only) or an address. */
export type DomainSearch = { by: 'name'; pattern: string } | { by: 'nsLdhName'; pattern: string } | { by: 'nsIp'; address: string };

/** Names of the platform's domains matching, in name order, at most `limit`. */
export async function searchDomains(db: Executor, s: DomainSearch, limit: number): Promise<string[]> {
  const base = db.selectFrom('domains').select('domains.name').distinct().orderBy('domains.name').limit(limit);
  const delegated = db.selectFrom('domain_nameservers').select('domain_nameservers.domain_id');
  let rows;
  if (s.by === 'name') rows = await base.where(globMatch(db, 'domains.name', s.pattern)).execute();
  else if (s.by === 'nsLdhName') rows = await base.where('domains.id', 'in', delegated.where(globMatch(db, 'domain_nameservers.host', s.pattern))).execute();
  else rows = await base.where('domains.id', 'in', delegated.innerJoin('hosts', 'hosts.name', 'domain_nameservers.host').where(addressIn(s.address))).execute();
  return rows.map((r) => r.name);
}

export type HostSearch = { by: 'name'; pattern: string } | { by: 'ip'; address: string };

/** Names of the name servers matching (host objects and delegation names), in name order, at most `limit`. */
export async function searchHosts(db: Executor, s: HostSearch, limit: number): Promise<string[]> {
  if (s.by === 'ip') {
    const rows = await db.selectFrom('hosts').select('name').where(addressIn(s.address)).orderBy('name').limit(limit).execute();
    return rows.map((r) => r.name);
  }
  const objects = db.selectFrom('hosts').select('name').where(globMatch(db, 'name', s.pattern));
  const delegated = db.selectFrom('domain_nameservers').select('host as name').where(globMatch(db, 'host', s.pattern));
  const rows = await db.selectFrom(objects.union(delegated).as('n')).select('n.name').orderBy('n.name').limit(limit).execute();
  return rows.map((r) => r.name);
}

/** The host's comma-separated address lists hold `address` (canonical form). */
function addressIn(address: string) {
  const list = address.includes(':') ? sql.ref('hosts.ipv6') : sql.ref('hosts.ipv4');
  return sql<boolean>`(',' || ${list} || ',') like ${`%,${address},%`}`;
}
