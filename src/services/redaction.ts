import type { ContactFields } from '../core/contact.ts';
import type { PrivacyLevel } from '../db/schema.ts';
import { maskedAt } from './privacy.ts';

/**
 * What the public directory services (RDAP, port-43 WHOIS) leave out of a contact. The one place
 * that decides it, so the two services never disagree:
 * - a natural person's data is redacted as ICANN's Registration Data Policy has registrars do:
 *   handle, name, street, city, postal code, phone, fax and e-mail; organisation, state and
 *   country stay;
 * - whois privacy on the domain masks what query-whois masks (privacy.ts): basic all but name and
 *   organisation, pro (and whois-opt-out) everything, the handle too.
 * Both apply at once; a field hidden for both reasons is named for privacy.
 */
export const publishedFields = ['handle', 'name', 'organization', 'street', 'city', 'state', 'postal-code', 'country', 'phone', 'fax', 'email'] as const;
export type PublishedField = (typeof publishedFields)[number];
export type RedactionReason = 'privacy' | 'person';

/** The DMAPI field whose privacy masking decides each published field (street: the address lines). */
const privacyKey: Record<PublishedField, string> = {
  handle: 'handle', name: 'name', organization: 'organization', street: 'address-1', city: 'city', state: 'state',
  'postal-code': 'postal-code', country: 'country', phone: 'phone', fax: 'fax', email: 'email',
};

const personHidden: ReadonlySet<PublishedField> = new Set(['handle', 'name', 'street', 'city', 'postal-code', 'phone', 'fax', 'email']);

/** A natural person: `individual=Y`, or no organisation when the contact does not say. */
export function isNaturalPerson(f: Pick<ContactFields, 'individual' | 'organization'>): boolean {
  if (f.individual === 'Y') return true;
  if (f.individual === 'N') return false;
  return !f.organization?.trim();
}

/** The fields the public must not see, each with why. */
export function redactedFields(o: { privacy: PrivacyLevel; person: boolean }): Map<PublishedField, RedactionReason> {
  const out = new Map<PublishedField, RedactionReason>();
  for (const field of publishedFields) {
    if (maskedAt(o.privacy, privacyKey[field])) out.set(field, 'privacy');
    else if (o.person && personHidden.has(field)) out.set(field, 'person');
  }
  return out;
}

/** The stricter of two levels: a contact on several domains is shown as the most private of them. */
export function stricterLevel(a: PrivacyLevel, b: PrivacyLevel): PrivacyLevel {
  const rank: Record<PrivacyLevel, number> = { off: 0, basic: 1, pro: 2 };
  return rank[a] >= rank[b] ? a : b;
}

/** How RDAP (RFC 9537 names) and WHOIS (its key names) call a field of a contact in a role. */
export type LabelRole = 'registrant' | 'administrative' | 'technical' | undefined;
const rolePrefix = (role: LabelRole) => (role === 'registrant' ? 'Registrant' : role === 'technical' ? 'Tech' : role === 'administrative' ? 'Admin' : 'Contact');
const fieldSuffix: Record<Exclude<PublishedField, 'handle'>, string> = {
  name: 'Name', organization: 'Organization', street: 'Street', city: 'City', state: 'State/Province',
  'postal-code': 'Postal Code', country: 'Country', phone: 'Phone', fax: 'Fax', email: 'Email',
};

/** `Registrant Name`, `Registry Tech ID`, `Admin Email` … */
export function fieldLabel(role: LabelRole, field: PublishedField): string {
  return field === 'handle' ? `Registry ${rolePrefix(role)} ID` : `${rolePrefix(role)} ${fieldSuffix[field]}`;
}
