import type { Executor } from '../db/database.ts';
import type { Account } from '../db/schema.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { formatAmount, mulRatio, parseAmount } from '../core/money.ts';
import { parseProfile } from '../services/accounts.ts';
import { findPrice, type PriceRow } from './prices.ts';
import { bestPromo } from './promos.ts';
import { proRata, type PriceOperation, type PromoOperation } from './operations.ts';
import { sellerCountry, vatRate } from './vat.ts';

/**
 * Pricing. A price is built in this order, all in integer minor units of the account's currency:
 *
 * 1. retail: the list price (`prices` table) × years (restore: flat; privacy/trustee: × months / 12);
 * 2. standard: retail less the reseller's rebate (`accounts.rebate_bp`), rounded half-up;
 * 3. netto: the standard price, or the premium price when the name is premium (no rebate, no
 *    promo), or an active promo's total when one covers the period and is cheaper;
 * 4. VAT: netto × the rate for the account's country and VAT-ID (vat.ts), rounded half-up;
 * 5. brutto = netto + VAT: what the ledger charges and what `max-price` is compared with.
 */

/** Where premium prices come from: the registry/TLD catalogue implements this. */
export interface PremiumPriceSource {
  /** The netto price of `domain` for the whole period, or undefined when the name is not premium. */
  price(db: Executor, q: PremiumQuery): Promise<PremiumPrice | undefined>;
}

export interface PremiumQuery {
  /** Lowercase A-label. */
  domain: string;
  tld: string;
  operation: PriceOperation;
  years: number;
  currency: string;
  now: number;
}

export interface PremiumPrice {
  /** domain-check's `domain-class` (e.g. `premium`, `premium-2`); anything but `standard` needs max-price. */
  class: string;
  /** Netto minor units for the whole period, in the requested currency. */
  netto: number;
}

/** A premium source over fixed per-year prices (sandbox data, tests): `{ 'gold.com': { class, perYear: { USD: 50000 } } }`. */
export function premiumFromMap(map: Record<string, { class: string; perYear: Record<string, number> }>): PremiumPriceSource {
  return {
    async price(_db, q) {
      const e = map[q.domain];
      const perYear = e?.perYear[q.currency];
      if (!e || perYear === undefined) return undefined;
      if (q.operation === 'restore' || q.operation === 'trustee' || q.operation.startsWith('privacy')) return undefined;
      return { class: e.class, netto: perYear * q.years };
    },
  };
}

export interface QuoteInput {
  tld: string;
  operation: PriceOperation;
  /** DMAPI periods are months; domain operations need whole years, privacy and trustee take any month count. Ignored for restore. */
  periodMonths: number;
  /** The name, for premium lookups. */
  domain?: string;
  now: number;
  premium?: PremiumPriceSource;
}

export interface Quote {
  tld: string;
  operation: PriceOperation;
  months: number;
  /** Whole years covered (months / 12 rounded up; 1 for restore). */
  years: number;
  currency: string;
  /** List price for the period before rebate. */
  retail: number;
  /** After the reseller's rebate, without promo. */
  standard: number;
  netto: number;
  vatBp: number;
  vat: number;
  brutto: number;
  /** `standard` or the premium source's class. */
  class: string;
  /** Premium and other non-standard prices may only be ordered with a max-price. */
  requiresMaxPrice: boolean;
  promo?: { id: number; periodType: 'flex' | 'exact'; validTo: number };
}

/** The account-dependent part of pricing. */
export interface PriceContext {
  currency: string;
  rebateBp: number;
  vatBp: number;
}

/** Currency, rebate and VAT rate of an account (the VAT rate may be asked for another country). */
export async function priceContext(db: Executor, account: Account, o: { currency?: string; country?: string } = {}): Promise<PriceContext> {
  const profile = parseProfile(account);
  return {
    currency: o.currency ?? account.currency,
    rebateBp: account.rebate_bp,
    vatBp: vatRate(o.country ?? profile.country, profile['vat-id'], await sellerCountry(db)),
  };
}

export const applyRebate = (retail: number, rebateBp: number) => mulRatio(retail, 10000 - rebateBp, 10000);
export const vatOf = (netto: number, vatBp: number) => mulRatio(netto, vatBp, 10000);

/**
 * Checks a period against a price row; returns the years it covers or throws PARAM_RANGE
 * naming the allowed periods.
 */
export function periodYears(row: PriceRow, operation: PriceOperation, months: number): number {
  if (operation === 'restore') return 1;
  const range = row.min_years === row.max_years ? `${row.min_years * 12} months` : `${row.min_years * 12} to ${row.max_years * 12} months`;
  if (proRata(operation)) {
    if (!Number.isInteger(months) || months < 1 || months > row.max_years * 12) {
      throw new DmapiError('PARAM_RANGE', `invalid 'period' (${months} months is not offered for ${operation} of .${row.tld}; 1 to ${row.max_years * 12} months)`);
    }
    return Math.ceil(months / 12);
  }
  const years = months / 12;
  if (!Number.isInteger(years) || years < row.min_years || years > row.max_years) {
    throw new DmapiError('PARAM_RANGE', `invalid 'period' (${months} months is not offered for ${operation} of .${row.tld}; ${range} in steps of 12)`);
  }
  return years;
}

/** The retail (pre-rebate) netto price of a row for a period. */
export function retailFor(row: PriceRow, operation: PriceOperation, months: number, years: number): number {
  if (operation === 'restore') return row.amount;
  if (proRata(operation)) return mulRatio(row.amount, months, 12);
  return row.amount * years;
}

/**
 * Prices one operation for one account: the breakdown the ledger charges (brutto) and the domain
 * requests show. Throws PARAM_POLICY when the TLD is not sold for that operation in the account's
 * currency, PARAM_RANGE when the period is not offered.
 */
export async function quote(db: Executor, account: Account, q: QuoteInput): Promise<Quote> {
  const pc = await priceContext(db, account);
  return quoteWith(db, pc, q);
}

/** quote() with a precomputed price context (lists price many rows for one account). */
export async function quoteWith(db: Executor, pc: PriceContext, q: QuoteInput): Promise<Quote> {
  const tld = q.tld.toLowerCase();
  const row = await findPrice(db, tld, q.operation, pc.currency);
  if (!row) throw new DmapiError('PARAM_POLICY', `${q.operation} of .${tld} domains is not offered in ${pc.currency}`);
  const months = q.operation === 'restore' ? 12 : q.periodMonths;
  const years = periodYears(row, q.operation, months);
  const retail = retailFor(row, q.operation, months, years);
  const standard = applyRebate(retail, pc.rebateBp);
  let netto = standard;
  let cls = 'standard';
  let promo: Quote['promo'];
  const premium = q.domain && q.premium ? await q.premium.price(db, { domain: q.domain.toLowerCase(), tld, operation: q.operation, years, currency: pc.currency, now: q.now }) : undefined;
  if (premium) {
    netto = premium.netto;
    cls = premium.class;
  } else if (q.operation === 'create' || q.operation === 'renew' || q.operation === 'transfer') {
    const best = await bestPromo(db, { tld, operation: q.operation as PromoOperation, currency: pc.currency, years, now: q.now });
    // A promo never makes a reseller pay more than the rebated standard price.
    if (best && best.total < standard) {
      netto = best.total;
      promo = { id: best.promo.id, periodType: best.promo.period_type, validTo: best.promo.valid_to };
    }
  }
  const vat = vatOf(netto, pc.vatBp);
  return {
    tld,
    operation: q.operation,
    months,
    years,
    currency: pc.currency,
    retail,
    standard,
    netto,
    vatBp: pc.vatBp,
    vat,
    brutto: netto + vat,
    class: cls,
    requiresMaxPrice: cls !== 'standard',
    ...(promo ? { promo } : {}),
  };
}

/** `12.50 USD` */
export const money = (amount: number, currency: string) => `${formatAmount(amount, currency)} ${currency}`;

/**
 * The `max-price` rule of the domain requests: required for premium and other non-standard
 * prices (PARAM_MISSING without it), the request fails with PARAM_POLICY when the price (brutto,
 * what would be charged) is higher, and a malformed value is PARAM_SYNTAX. The caller charges
 * `quote.brutto`, never max-price itself.
 */
export function checkMaxPrice(q: Quote, maxPrice: string | undefined, what: string): void {
  const given = maxPrice !== undefined && maxPrice.trim() !== '';
  if (!given) {
    if (q.requiresMaxPrice) {
      throw new DmapiError('PARAM_MISSING', `missing parameter 'max-price' (required for ${what}, a ${q.class} name priced ${money(q.brutto, q.currency)})`);
    }
    return;
  }
  const limit = parseAmount(maxPrice, q.currency);
  if (limit === undefined || limit < 0) throw new DmapiError('PARAM_SYNTAX', `invalid 'max-price' (${maxPrice} is not an amount in ${q.currency})`);
  if (q.brutto > limit) {
    throw new DmapiError('PARAM_POLICY', `invalid 'max-price' (the price of ${what} is ${money(q.brutto, q.currency)}, more than the max-price ${money(limit, q.currency)})`);
  }
}

/** Catalogue errors quote(), checkMaxPrice() and the ledger may throw: add them to a request's `errors`. */
export const billingErrors = ['PARAM_POLICY', 'PARAM_MISSING', 'PARAM_RANGE', 'PARAM_SYNTAX', 'INSUFFICIENT_FUNDS'] as const;

