import type { Executor } from '../db/database.ts';
import { compactTimestamp } from '../core/dates.ts';
import { DmapiError } from '../dmapi/errors.ts';
import type { DnssecData } from '../registry/port.ts';
import { fieldsOf } from './contacts.ts';
import { accessDomain } from './domain-access.ts';
import { formatDnssecRecord } from './dnssec.ts';
import { delegationOf, statusWords } from './domains.ts';
import { maskedAt, privacySubscribed, publicPrivacyLevel, REDACTED } from './privacy.ts';
import type { PrivacyLevel } from '../db/schema.ts';

export type WhoisLines = Array<[string, string]>;

export interface DomainWhoisOptions {
  /** `internal=1`: the holding account sees the real owner data behind privacy. */
  internal?: boolean;
  now: number;
}

/** Owner keys in the order clients print them (dmapi-wire §3, query-whois). */
const ownerKeys = ['name', 'organization', 'address-1', 'address-2', 'address-3', 'city', 'state', 'postal-code', 'country', 'email', 'phone', 'fax', 'account-type'] as const;

/**
 * The query-whois / query-object view of a domain: `domain.<key>: <value>` lines, dates as
 * YYYYMMDDHHMMSS, empty values left out (NJD needs a value after every colon). Whois privacy
 * masks the owner's data (basic: all but name and organisation; pro, and whois-opt-out: all) with
 * `REDACTED FOR PRIVACY`, unless the holding account asks with internal=1. Grantees with any role
 * see the domain, masked. Another account's domain, or none, is undefined (2303).
 */
export async function domainWhois(db: Executor, accountId: number, input: string, o: DomainWhoisOptions): Promise<WhoisLines | undefined> {
  let owned: boolean;
  let d;
  try {
    const access = await accessDomain(db, accountId, input, 'view');
    d = access.domain;
    owned = access.owned;
  } catch (err) {
    if (err instanceof DmapiError && err.key === 'OBJECT_NOT_FOUND') return undefined;
    throw err;
  }
  const privacy: PrivacyLevel = privacySubscribed(d, o.now) ? d.privacy : 'off';
  const level: PrivacyLevel = o.internal && owned ? 'off' : publicPrivacyLevel(d, o.now);
  const lines: WhoisLines = [['domain.fqdn', d.name]];
  lines.push(['domain.status', d.status === 'active' ? statusWords(d) : d.status]);
  const owner = d.owner_c ? await db.selectFrom('contacts').selectAll().where('handle', '=', d.owner_c).executeTakeFirst() : undefined;
  if (owner) {
    const f = fieldsOf(owner);
    for (const key of ownerKeys) {
      const v = f[key];
      if (!v) continue;
      lines.push([`domain.${key}`, maskedAt(level, key) ? REDACTED : v]);
    }
    if (f.email) lines.push(['domain.owner-c-email', maskedAt(level, 'email') ? REDACTED : f.email]);
    lines.push(['domain.owner-c', owner.handle]);
  }
  for (const [col, key] of [['admin_c', 'admin-c'], ['tech_c', 'tech-c'], ['billing_c', 'billing-c']] as const) if (d[col]) lines.push([`domain.${key}`, d[col]!]);
  (await delegationOf(db, d.id)).forEach((h, i) => lines.push(['domain.nservers.nserver.no', String(i + 1)], ['domain.nservers.nserver.handle', h]));
  const dnssec = d.dnssec ? (JSON.parse(d.dnssec) as DnssecData) : null;
  lines.push(['domain.dnssec', dnssec ? 'signedDelegation' : 'unsigned']);
  dnssec?.records.forEach((r, i) => lines.push([`domain.dnssec.ds-${i + 1}`, formatDnssecRecord(r)]));
  lines.push(['domain.privacy', privacy]);
  if (privacySubscribed(d, o.now)) lines.push(['domain.privacy-expires', compactTimestamp(d.privacy_expires_at!)]);
  if (d.whois_opt_out) lines.push(['domain.whois-opt-out', '1']);
  if (d.registrar_tag) lines.push(['domain.registrar-tag', d.registrar_tag]);
  if (d.language) lines.push(['domain.language', d.language]);
  lines.push(['domain.created.date', compactTimestamp(d.created_at)], ['domain.modified.date', compactTimestamp(d.updated_at)], ['domain.expires', compactTimestamp(d.expires_at)]);
  return lines;
}
