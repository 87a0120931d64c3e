import type { Executor } from '../db/database.ts';
import { compactTimestamp } from '../core/dates.ts';
import type { ContactField } from '../core/contact.ts';
import { fieldsOf, findContact } from './contacts.ts';
import { addressesOf, findHost } from './hosts.ts';
import { domainWhois } from './domain-whois.ts';

/**
 * query-whois / query-object bodies: `<type>.<key>: <value>` lines (dmapi-wire §3), only for
 * objects in the asking account. One renderer per object type: a new type (or a richer domain
 * view) is one more entry in `whoisRenderers`. Empty values are left out (NJD needs a value
 * after every colon); dates are YYYYMMDDHHMMSS.
 */
export type WhoisLines = Array<[string, string]>;
export interface WhoisOptions {
  /** `internal=1`: real data behind whois privacy, for the domain's holder. */
  internal?: boolean;
  now: number;
}
export type WhoisRenderer = (db: Executor, accountId: number, name: string, options: WhoisOptions) => Promise<WhoisLines | undefined>;
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

export const whoisRenderers: Record<WhoisObjectType, WhoisRenderer> = {
  // The domain view lives with the domain services (privacy masking, DNSSEC, internal=1).
  domain: domainWhois,
  contact: contactWhois,
  host: hostWhois,
};
