import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js';

/**
 * Phone and fax numbers in the EPP / DMAPI form `+CC.NNNN` (RFC 5733: a 1–3 digit country
 * calling code, a dot, up to 14 digits). Input may carry the usual separators (`+1 415 555-2671`,
 * `+49 (30) 1234567`, `+1.422.8001`); the country code must exist and the number must have a
 * length possible for it (libphonenumber metadata). The value returned is canonical.
 */
export type PhoneCheck = { ok: true; value: string } | { ok: false; reason: string };

export function normalizePhone(input: string): PhoneCheck {
  const s = input.trim();
  if (!s.startsWith('+')) return { ok: false, reason: `${s} must start with + and the country calling code, like +1.4155552671` };
  if (!/^\+[0-9 .()\-/]+$/.test(s)) return { ok: false, reason: `${s} may contain only digits after the +, and . - ( ) / or spaces as separators` };
  // In `+CC.NNNN` the part before the first dot names the country calling code explicitly.
  const dotted = /^\+(\d{1,3})\.(.*)$/.exec(s);
  const digits = s.replace(/\D/g, '');
  if (digits.length > 15) return { ok: false, reason: `${s} has more than 15 digits` };
  const e164 = `+${digits}`;
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) {
    const why = validatePhoneNumberLength(e164);
    return { ok: false, reason: why === 'INVALID_COUNTRY' ? `${s} has an unknown country calling code` : `${s} is not a phone number` };
  }
  if (dotted && dotted[1] !== parsed.countryCallingCode) {
    return { ok: false, reason: `+${dotted[1]} in ${s} is not a country calling code (did you mean +${parsed.countryCallingCode}?)` };
  }
  const why = validatePhoneNumberLength(e164);
  if (why === 'TOO_SHORT') return { ok: false, reason: `${s} is too short for country calling code +${parsed.countryCallingCode}` };
  if (why === 'TOO_LONG') return { ok: false, reason: `${s} is too long for country calling code +${parsed.countryCallingCode}` };
  if (why !== undefined || !parsed.isPossible()) return { ok: false, reason: `${s} has no possible length for country calling code +${parsed.countryCallingCode}` };
  return { ok: true, value: `+${parsed.countryCallingCode}.${parsed.nationalNumber}` };
}
