import type { Executor } from '../db/database.ts';
import { compactTimestamp } from '../core/dates.ts';
import { checkDomainName } from '../core/domain-name.ts';
import type { ContactField } from '../core/contact.ts';
import { fieldsOf, findContact } from './contacts.ts';
import { addressesOf, findHost } from './hosts.ts';

/**
 * query-whois / query-object bodies: `<type>.<key>: <value>` lines (dmapi-wire §3), only for
 * objects in the asking account. One renderer per object type: a new type (or a richer domain
 * view) is one more entry in `whoisRenderers`. Empty values are left out (NJD needs a value
 * after every colon); dates are YYYYMMDDHHMMSS.
 */
export type WhoisLines = Array<[string, string]>;
export type WhoisRenderer = (db: Executor, accountId: number, name: string) => Promise<WhoisLines | undefined>;
export type WhoisObjectType = 'domain' | 'contact' | 'host';

/** The contact keys clients read, in the order clients print them. */
const contactKeys: ReadonlyArray<[ContactField, string]> = [
  ['name', 'name'], ['title', 'title'], ['fname', 'fname'], ['lname', 'lname'], ['individual', 'individual'], ['organization', 'organization'],
  ['address-1', 'address-1'], ['address-2', 'address-2'], ['address-3', 'address-3'], ['city', 'city'], ['state', 'state'],
  ['postal-code', 'postal-code'], ['country', 'country'], ['email', 'email'], ['phone', 'phone'], ['extension', 'extension'], ['fax', 'fax'],
  ['lang', 'lang'], ['x-eu-country-of-citizenship', 'x-eu-country-of-citizenship'],
  ['app-purpose', 'app-purpose'], ['nexus-category', 'nexus-category'], ['nexus-category-country', 'nexus-category-country'],
  ['account-type', 'account-type'], ['company-number', 'company-number'], ['orgid', 'orgid'], ['vatid', 'vatid'],
  ['x-ficora-type', 'x-ficora-type'], ['x-ficora-is-finnish', 'x-ficora-is-finnish'], ['x-ficora-registernumber', 'x-ficora-registernumber'],
  ['x-ficora-identity', 'x-ficora-identity'], ['x-ficora-birthdate', 'x-ficora-birthdate'], ['x-ficora-legalemail', 'x-ficora-legalemail'],
];

const contactWhois: WhoisRenderer = async (db, accountId, handle) => {
  const c = await findContact(db, accountId, handle);
  if (!c) return undefined;
  const f = fieldsOf(c);
  const lines: WhoisLines = [['contact.handle', c.handle]];
  for (const [field, key] of contactKeys) if (f[field]) lines.push([`contact.${key}`, f[field]!]);
  lines.push(['contact.created.date', compactTimestamp(c.created_at)], ['contact.modified.date', compactTimestamp(c.updated_at)]);
  return lines;
};

const hostWhois: WhoisRenderer = async (db, accountId, name) => {
  const h = await findHost(db, accountId, name);
  if (!h) return undefined;
  const a = addressesOf(h);
  return [
    ['host.fqdn', h.name],
    ...a.ipv4.map((ip): [string, string] => ['host.ip-address', ip]),
    ...a.ipv6.map((ip): [string, string] => ['host.ip-address-v6', ip]),
    ['host.created.date', compactTimestamp(h.created_at)],
    ['host.modified.date', compactTimestamp(h.updated_at)],
  ];
};

/**
 * The registrar's view of a domain: status words, the owner's postal data, role handles,
 * delegation and dates. The domains issue may enrich it (privacy, DNSSEC, reseller lines).
 */
const domainWhois: WhoisRenderer = async (db, accountId, input) => {
  const n = checkDomainName(input);
  if (!n.ok) return undefined;
  const d = await db.selectFrom('domains').selectAll().where('account_id', '=', accountId).where('name', '=', n.ascii).executeTakeFirst();
  if (!d) return undefined;
  const lines: WhoisLines = [['domain.fqdn', d.name]];
  lines.push(['domain.status', ['production', ...(d.locked ? ['lock'] : []), ...(d.autorenew ? ['autorenew'] : [])].join(',')]);
  const owner = d.owner_c ? await db.selectFrom('contacts').selectAll().where('handle', '=', d.owner_c).executeTakeFirst() : undefined;
  if (owner) {
    const f = fieldsOf(owner);
    for (const key of ['name', 'organization', 'address-1', 'address-2', 'address-3', 'city', 'state', 'postal-code', 'country', 'email', 'phone', 'fax', 'account-type'] as const) {
      if (f[key]) lines.push([`domain.${key}`, f[key]!]);
    }
    lines.push(['domain.owner-c', owner.handle]);
  }
  for (const [col, key] of [['admin_c', 'admin-c'], ['tech_c', 'tech-c'], ['billing_c', 'billing-c']] as const) if (d[col]) lines.push([`domain.${key}`, d[col]!]);
  const ns = await db.selectFrom('domain_nameservers').select('host').where('domain_id', '=', d.id).orderBy('position').execute();
  ns.forEach((h, i) => lines.push(['domain.nservers.nserver.no', String(i + 1)], ['domain.nservers.nserver.handle', h.host]));
  lines.push(['domain.created.date', compactTimestamp(d.created_at)], ['domain.modified.date', compactTimestamp(d.updated_at)], ['domain.expires', compactTimestamp(d.expires_at)]);
  return lines;
};

export const whoisRenderers: Record<WhoisObjectType, WhoisRenderer> = {
  domain: domainWhois,
  contact: contactWhois,
  host: hostWhois,
};
