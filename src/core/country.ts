import { countries } from './data/countries.ts';

/** ISO 3166-1 alpha-2 country codes (stored upper-case). */
const byCode = new Map(countries.map(([code, name]) => [code, name]));

export type CountryCheck = { ok: true; code: string } | { ok: false; reason: string };

export function checkCountry(input: string): CountryCheck {
  const code = input.trim().toUpperCase();
  if (byCode.has(code)) return { ok: true, code };
  // "UK" is exceptionally reserved, not assigned: the common mistake for GB.
  if (code === 'UK') return { ok: false, reason: 'UK is not an ISO 3166 code; the United Kingdom is GB' };
  if (!/^[A-Z]{2}$/.test(code)) return { ok: false, reason: `${input.trim()} is not a two-letter ISO 3166 country code` };
  return { ok: false, reason: `${code} is not an assigned ISO 3166 country code` };
}

export const isCountry = (code: string) => byCode.has(code.toUpperCase());
export const countryName = (code: string) => byCode.get(code.toUpperCase());

/** The 27 EU member states (2020 on). */
export const euMembers: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
]);

/** EU plus the EEA states: where a .eu registrant may reside (registry-rules §2 .eu). */
export const eeaMembers: ReadonlySet<string> = new Set([...euMembers, 'IS', 'LI', 'NO']);
