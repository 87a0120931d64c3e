import { DmapiError } from '../dmapi/errors.ts';
import type { PrivacyLevel } from '../db/schema.ts';
import type { PriceOperation } from '../billing/operations.ts';
import type { TldInfo } from '../tld/catalogue.ts';
import type { DomainRecord } from './domain-access.ts';

/**
 * Whois privacy (seeds, "Whois Privacy Services"): a subscription bought with a registration,
 * a renewal or domain-privacy-order, for a term that never outlasts the domain. `privacy` is the
 * level in force (domain-set-property may turn it off or down to basic), `privacy_origin` the level
 * bought, `privacy_expires_at` when the subscription ends. Basic masks address, phone and e-mail
 * but keeps the owner's name and organisation; pro masks everything.
 */
export type PaidPrivacy = 'basic' | 'pro';

export const privacyOperation = (level: PaidPrivacy): PriceOperation => (level === 'basic' ? 'privacy-basic' : 'privacy-pro');

/** Refuses a level the TLD's registry does not allow (.de, .eu, .us … offer none). */
export function checkPrivacyOffered(tld: TldInfo, level: PaidPrivacy, field = 'privacy'): void {
  if (!tld.privacy.includes(level)) {
    const offered = tld.privacy.length ? `only ${tld.privacy.join(' and ')}` : 'none';
    throw new DmapiError('PARAM_POLICY', `invalid '${field}' (${level} privacy is not available for .${tld.tld} domains; offered are ${offered})`);
  }
}

/** Whether the domain holds a privacy subscription that has not ended. */
export function privacySubscribed(d: Pick<DomainRecord, 'privacy_origin' | 'privacy_expires_at'>, now: number): boolean {
  return d.privacy_origin !== 'off' && d.privacy_expires_at !== null && d.privacy_expires_at > now;
}

/** The level the public sees: the subscription's while it runs; whois-opt-out hides the owner as pro does. */
export function publicPrivacyLevel(d: Pick<DomainRecord, 'privacy' | 'privacy_origin' | 'privacy_expires_at' | 'whois_opt_out'>, now: number): PrivacyLevel {
  if (d.whois_opt_out) return 'pro';
  return privacySubscribed(d, now) ? d.privacy : 'off';
}

/** The level a subscription allows: pro includes basic. */
export function levelAllowed(origin: PrivacyLevel, wanted: PrivacyLevel): boolean {
  return wanted === 'off' || origin === 'pro' || origin === wanted;
}

/** The value shown instead of masked whois data (the wording ICANN's registration data policy uses). */
export const REDACTED = 'REDACTED FOR PRIVACY';

/** Owner fields whois privacy masks at each level. */
const basicMasked = new Set(['address-1', 'address-2', 'address-3', 'city', 'state', 'postal-code', 'country', 'email', 'phone', 'fax']);

export function maskedAt(level: PrivacyLevel, field: string): boolean {
  if (level === 'off') return false;
  if (level === 'pro') return true;
  return basicMasked.has(field);
}
