import { isoSeconds } from '../core/dates.ts';
import type { PublicContact, PublicDomain, PublicHost, RegistrarIdentity } from '../services/directory.ts';
import { REDACTED } from '../services/privacy.ts';
import { fieldLabel, type PublishedField } from '../services/redaction.ts';

/**
 * Port-43 answers in the registrar layout of ICANN's registration data policy (2013 RAA RDDS
 * specification, redacted as the policy has it): `Key: value` lines, dates as
 * YYYY-MM-DDThh:mm:ssZ, one `Domain Status` line per EPP status with its icann.org/epp anchor,
 * and the closing `>>> Last update of WHOIS database: … <<<` marker. Lines end in CRLF.
 */
type Lines = Array<[string, string]>;

const text = (lines: Lines, footer: string[] = []) => [...lines.map(([k, v]) => (v ? `${k}: ${v}` : `${k}:`)), ...footer].map((l) => `${l}\r\n`).join('');
const lastUpdate = (now: number) => `>>> Last update of WHOIS database: ${isoSeconds(now)} <<<`;

function registrarLines(r: RegistrarIdentity): Lines {
  return [
    ['Registrar', r.name],
    ['Registrar IANA ID', String(r.ianaId)],
    ['Registrar Abuse Contact Email', r.abuseEmail],
    ['Registrar Abuse Contact Phone', r.abusePhone],
  ];
}

function terms(r: RegistrarIdentity, now: number): string[] {
  return [
    lastUpdate(now),
    '',
    'For more information on Whois status codes, please visit https://icann.org/epp',
    '',
    `Terms of use: registration data of ${r.name}, given for lookups of domain registrations only; see ${r.termsUrl}.`,
  ];
}

/** A contact's block: every field, REDACTED FOR PRIVACY where the directory left it out. */
function contactLines(c: PublicContact): Lines {
  const d = c.data;
  const value = (field: PublishedField, v: string): [string, string] => [fieldLabel(c.role, field), c.redacted.has(field) ? REDACTED : v];
  const street: Lines = c.redacted.has('street') ? [value('street', '')] : (d.street.length ? d.street : ['']).map((l) => value('street', l));
  return [
    value('handle', d.handle), value('name', d.name), value('organization', d.organization), ...street,
    value('city', d.city), value('state', d.state), value('postal-code', d.postalCode), value('country', d.country),
    value('phone', d.phone), [`${fieldLabel(c.role, 'phone')} Ext`, ''], value('fax', d.fax), [`${fieldLabel(c.role, 'fax')} Ext`, ''], value('email', d.email),
  ];
}

export function domainText(r: RegistrarIdentity, d: PublicDomain, now: number): string {
  const lines: Lines = [
    ['Domain Name', d.name],
    ['Registry Domain ID', d.roid ?? ''],
    ['Registrar WHOIS Server', r.whoisServer],
    ['Registrar URL', r.url],
    ['Updated Date', isoSeconds(d.updatedAt)],
    ['Creation Date', isoSeconds(d.createdAt)],
    ['Registrar Registration Expiration Date', isoSeconds(d.expiresAt)],
    ...registrarLines(r),
    ...d.statuses.map((s): [string, string] => ['Domain Status', `${s} https://icann.org/epp#${s}`]),
    ...d.contacts.flatMap(contactLines),
    ...d.nameservers.map((h): [string, string] => ['Name Server', h.name]),
    ['DNSSEC', d.dnssec ? 'signedDelegation' : 'unsigned'],
    ['URL of the ICANN Whois Inaccuracy Complaint Form', 'https://www.icann.org/wicf/'],
  ];
  return text(lines, terms(r, now));
}

export function hostText(r: RegistrarIdentity, h: PublicHost, now: number): string {
  const lines: Lines = [
    ['Server Name', h.name],
    ...[...h.ipv4, ...h.ipv6].map((ip): [string, string] => ['IP Address', ip]),
    ['Registrar', r.name],
    ['Registrar WHOIS Server', r.whoisServer],
    ['Registrar URL', r.url],
  ];
  return text(lines, terms(r, now));
}

export function registrarText(r: RegistrarIdentity, now: number): string {
  return text([...registrarLines(r), ['Registrar WHOIS Server', r.whoisServer], ['Registrar URL', r.url]], terms(r, now));
}

export function noMatch(query: string, now: number): string {
  return text([], [`No match for "${query}".`, lastUpdate(now)]);
}

/** An answer the query could not get (bad input, limits, our own fault): one line, then the connection closes. */
export function errorText(message: string): string {
  return `Error: ${message}\r\n`;
}
