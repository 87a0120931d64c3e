import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { PricesTable } from '../db/schema.ts';
import { currencyExponent, formatAmount } from '../core/money.ts';
import { inTransaction } from './ledger.ts';
import { priceOperations, type PriceOperation } from './operations.ts';
import type { PriceFile, PriceRowInput } from './default-prices.ts';

export type PriceRow = Selectable<PricesTable>;

/** Order of operations in listings (query-price-list, the CLI). */
export const operationRank = (op: string) => {
  const i = (priceOperations as readonly string[]).indexOf(op);
  return i < 0 ? priceOperations.length : i;
};

const byListOrder = (a: PriceRow, b: PriceRow) =>
  a.tld.localeCompare(b.tld) || operationRank(a.operation) - operationRank(b.operation) || a.currency.localeCompare(b.currency);

export async function findPrice(db: Executor, tld: string, operation: PriceOperation, currency: string): Promise<PriceRow | undefined> {
  return db.selectFrom('prices').selectAll().where('tld', '=', tld).where('operation', '=', operation).where('currency', '=', currency).executeTakeFirst();
}

/** Prices, optionally narrowed to a TLD and/or currency, in list order. */
export async function listPrices(db: Executor, f: { tld?: string; currency?: string } = {}): Promise<PriceRow[]> {
  let q = db.selectFrom('prices').selectAll();
  if (f.tld) q = q.where('tld', '=', f.tld);
  if (f.currency) q = q.where('currency', '=', f.currency);
  return (await q.execute()).sort(byListOrder);
}

function validate(r: PriceRowInput): void {
  if (!(r.currency in currencyExponent) || !(r.tld_currency in currencyExponent)) throw new Error(`unsupported currency in ${JSON.stringify(r)}`);
  if (!Number.isSafeInteger(r.amount) || r.amount < 0) throw new Error(`price amount must be a non-negative integer of minor units`);
  if (!(r.min_years >= 1 && r.max_years <= 10 && r.min_years <= r.max_years)) throw new Error(`years must satisfy 1 ≤ min ≤ max ≤ 10`);
  if (r.operation === 'restore' && (r.min_years !== 1 || r.max_years !== 1)) throw new Error('restore is a flat fee: years 1-1');
}

/** Creates or replaces the price of one TLD/operation/currency. */
export async function setPrice(db: Executor, r: PriceRowInput, now: number): Promise<void> {
  validate(r);
  await db
    .insertInto('prices')
    .values({ ...r, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['tld', 'operation', 'currency']).doUpdateSet({ amount: r.amount, min_years: r.min_years, max_years: r.max_years, tld_currency: r.tld_currency, updated_at: now }),
    )
    .execute();
}

/** Deletes prices of a TLD (all, or one operation and/or currency); returns how many. */
export async function deletePrices(db: Executor, f: { tld: string; operation?: PriceOperation; currency?: string }): Promise<number> {
  let q = db.deleteFrom('prices').where('tld', '=', f.tld);
  if (f.operation) q = q.where('operation', '=', f.operation);
  if (f.currency) q = q.where('currency', '=', f.currency);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * Writes many prices in one transaction (a price file). With `replace`, every price not in
 * `rows` is removed, so the table ends up exactly as the file says.
 */
export async function importPrices(db: Executor, rows: readonly PriceRowInput[], now: number, o: { replace?: boolean } = {}): Promise<number> {
  for (const r of rows) validate(r);
  return inTransaction(db, async (tx) => {
    if (o.replace) await tx.deleteFrom('prices').execute();
    for (const r of rows) await setPrice(tx, r, now);
    return rows.length;
  });
}

/** The price table in the price-file format (for `dmapid price export`); import(export(x)) = x. */
export function toPriceFile(rows: readonly PriceRow[]): PriceFile {
  const out: PriceFile = {};
  const byTld = new Map<string, PriceRow[]>();
  for (const r of [...rows].sort(byListOrder)) byTld.set(r.tld, [...(byTld.get(r.tld) ?? []), r]);
  for (const [tld, list] of byTld) {
    // The TLD's range is the first non-restore row's; operations that differ get their own.
    const ref = list.find((r) => r.operation !== 'restore') ?? list[0]!;
    const entry: PriceFile[string] = { tldCurrency: ref.tld_currency, years: [ref.min_years, ref.max_years], prices: {} };
    for (const r of list) {
      if (r.operation !== 'restore' && (r.min_years !== ref.min_years || r.max_years !== ref.max_years)) {
        (entry.operationYears ??= {})[r.operation] = [r.min_years, r.max_years];
      }
      (entry.prices[r.currency] ??= {})[r.operation] = formatAmount(r.amount, r.currency);
    }
    out[tld] = entry;
  }
  return out;
}
