import { z } from 'zod';
import type { Executor } from '../db/database.ts';
import type { PromosTable } from '../db/schema.ts';
import type { Selectable } from 'kysely';
import { currencyExponent } from '../core/money.ts';
import { promoOperations, type PromoOperation } from './operations.ts';

export type Promo = Selectable<PromosTable>;
export type PromoListType = 'current' | 'upcoming' | 'all';

/**
 * Promo semantics (query-promos-list):
 * - `flex`: the promo price is per year and applies to any period of min..max years; a period of
 *   n years costs n × price.
 * - `exact`: the price is the total for exactly `min_years` years (max_years = min_years); other
 *   periods are not covered, so one TLD may have several exact rows, one per period.
 * A promo is active from `valid_from` through `valid_to` inclusive.
 */
export function promoCovers(p: Pick<Promo, 'period_type' | 'min_years' | 'max_years'>, years: number): boolean {
  return p.period_type === 'exact' ? years === p.min_years : years >= p.min_years && years <= p.max_years;
}

/** The netto total a promo charges for `years` (call only when promoCovers). */
export function promoTotal(p: Pick<Promo, 'period_type' | 'price'>, years: number): number {
  return p.period_type === 'exact' ? p.price : p.price * years;
}

export const isActive = (p: Pick<Promo, 'valid_from' | 'valid_to'>, now: number) => p.valid_from <= now && now <= p.valid_to;

export const newPromoSchema = z
  .object({
    tld: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'tld: a lowercase A-label without leading dot'),
    operation: z.enum(promoOperations, { message: `operation: one of ${promoOperations.join(', ')}` }),
    currency: z.string().refine((c) => c in currencyExponent, { message: `currency: one of ${Object.keys(currencyExponent).join(', ')}` }),
    price: z.number().int().min(0, 'price: not negative'),
    minYears: z.number().int().min(1).max(10),
    maxYears: z.number().int().min(1).max(10),
    periodType: z.enum(['flex', 'exact']),
    validFrom: z.number().int(),
    validTo: z.number().int(),
    note: z.string().max(200).default(''),
  })
  .refine((p) => p.minYears <= p.maxYears, { message: 'min period must not exceed max period' })
  .refine((p) => p.periodType === 'flex' || p.minYears === p.maxYears, { message: 'an exact promo has max period = min period' })
  .refine((p) => p.validFrom <= p.validTo, { message: 'valid_from must not be after valid_to' });
export type NewPromo = z.input<typeof newPromoSchema>;

/** Adds a promo; throws an Error naming the bad field. */
export async function addPromo(db: Executor, input: NewPromo, now: number): Promise<Promo> {
  const parsed = newPromoSchema.safeParse(input);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const p = parsed.data;
  return db
    .insertInto('promos')
    .values({
      tld: p.tld,
      operation: p.operation,
      currency: p.currency,
      price: p.price,
      min_years: p.minYears,
      max_years: p.maxYears,
      period_type: p.periodType,
      valid_from: p.validFrom,
      valid_to: p.validTo,
      note: p.note,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deletePromo(db: Executor, id: number): Promise<boolean> {
  const res = await db.deleteFrom('promos').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

/**
 * Promos by time: `current` are active now, `upcoming` start later, `all` is both (ended promos
 * are never listed). Sorted by TLD, operation, period, start.
 */
export async function listPromos(db: Executor, o: { type: PromoListType; now: number; currency?: string; tld?: string }): Promise<Promo[]> {
  let q = db.selectFrom('promos').selectAll().where('valid_to', '>=', o.now);
  if (o.type === 'current') q = q.where('valid_from', '<=', o.now);
  if (o.type === 'upcoming') q = q.where('valid_from', '>', o.now);
  if (o.currency) q = q.where('currency', '=', o.currency);
  if (o.tld) q = q.where('tld', '=', o.tld);
  return q.orderBy('tld').orderBy('operation').orderBy('min_years').orderBy('valid_from').orderBy('id').execute();
}

/** The cheapest active promo covering `years` for this TLD, operation and currency, with its total. */
export async function bestPromo(
  db: Executor,
  q: { tld: string; operation: PromoOperation; currency: string; years: number; now: number },
): Promise<{ promo: Promo; total: number } | undefined> {
  const rows = await db
    .selectFrom('promos')
    .selectAll()
    .where('tld', '=', q.tld)
    .where('operation', '=', q.operation)
    .where('currency', '=', q.currency)
    .where('valid_from', '<=', q.now)
    .where('valid_to', '>=', q.now)
    .execute();
  let best: { promo: Promo; total: number } | undefined;
  for (const promo of rows) {
    if (!promoCovers(promo, q.years)) continue;
    const total = promoTotal(promo, q.years);
    if (!best || total < best.total) best = { promo, total };
  }
  return best;
}
