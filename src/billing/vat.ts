import type { Executor } from '../db/database.ts';

/**
 * Standard VAT rates of the EU member states in basis points (1900 = 19 %), as in force in
 * August 2025 (EE 24 % since 2025-07-01, RO 21 % since 2025-08-01, SK 23 % since 2025-01-01,
 * FI 25.5 % since 2024-09-01). Keys are ISO 3166-1 alpha-2 codes (Greece is GR, not EL).
 * Domain registrations are electronically supplied services, so the standard rate applies.
 */
export const euVatRates: Readonly<Record<string, number>> = {
  AT: 2000, BE: 2100, BG: 2000, CY: 1900, CZ: 2100, DE: 1900, DK: 2500, EE: 2400, ES: 2100, FI: 2550,
  FR: 2000, GR: 2400, HR: 2500, HU: 2700, IE: 2300, IT: 2200, LT: 2100, LU: 1700, LV: 2100, MT: 1800,
  NL: 2100, PL: 2300, PT: 2300, RO: 2100, SE: 2500, SI: 2200, SK: 2300,
};

/** The platform's own country when the operator has not set one (Joker.com's: Germany). */
export const DEFAULT_SELLER_COUNTRY = 'DE';
const SELLER_KEY = 'billing_seller_country';

export async function sellerCountry(db: Executor): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SELLER_KEY).executeTakeFirst();
  return row?.value ?? DEFAULT_SELLER_COUNTRY;
}

export async function setSellerCountry(db: Executor, country: string): Promise<void> {
  const cc = country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(cc)) throw new RangeError(`${country} is not a two-letter country code`);
  await db
    .insertInto('settings')
    .values({ key: SELLER_KEY, value: cc })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: cc }))
    .execute();
}

/**
 * The VAT rate (basis points) for a reseller, by the place-of-supply rules for B2B/B2C
 * electronic services sold from an EU seller:
 * - customer in the seller's country: the seller's rate, VAT-ID or not;
 * - customer in another EU state with a VAT-ID: 0 (reverse charge, the customer accounts for it);
 * - customer in another EU state without a VAT-ID: that state's rate (OSS);
 * - customer outside the EU, or with no country on file: 0.
 * A seller outside the EU charges no EU VAT at all.
 */
export function vatRate(country: string | undefined, vatId: string | undefined, seller = DEFAULT_SELLER_COUNTRY): number {
  const cc = (country ?? '').trim().toUpperCase();
  const home = seller.toUpperCase();
  if (!(home in euVatRates)) return 0;
  const rate = euVatRates[cc];
  if (rate === undefined) return 0;
  if (cc === home) return rate;
  return vatId && vatId.trim() !== '' ? 0 : rate;
}

/** A rate as the wire shows it: `0.19`, `0.255`, `0` (a fraction, no trailing zeros). */
export function formatRate(bp: number): string {
  if (bp === 0) return '0';
  return (bp / 10000).toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}
