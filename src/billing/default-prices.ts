import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { currencyExponent, parseAmount } from '../core/money.ts';
import { parseOperation, type PriceOperation } from './operations.ts';

/**
 * The price file format (the shipped `default-prices.json`, `dmapid price import|export`):
 *
 * ```json
 * { "com": { "tldCurrency": "USD", "years": [1, 10],
 *            "prices": { "USD": { "create": "11.25", "renew": "11.25", "restore": "80.00" } } } }
 * ```
 *
 * Amounts are retail netto prices per year (before the reseller's rebate and VAT) as decimal
 * strings in the currency they are listed under; `years` is the range of periods sold. `restore`
 * is a flat fee and always covers exactly one period. An optional `"years"` object per operation
 * (`{"privacy-pro": [1, 5]}`) overrides the TLD's range for that operation.
 */
const yearsRange = z
  .tuple([z.number().int().min(1).max(10), z.number().int().min(1).max(10)])
  .refine(([a, b]) => a <= b, 'years: [min, max] with min ≤ max');

const currencyCode = z.string().refine((c) => c in currencyExponent, { message: `currency must be one of ${Object.keys(currencyExponent).join(', ')}` });

const tldEntry = z.object({
  tldCurrency: currencyCode,
  years: yearsRange,
  operationYears: z.record(z.string(), yearsRange).optional(),
  prices: z.record(currencyCode, z.record(z.string(), z.string())),
});

export const priceFileSchema = z.record(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'TLD keys are lowercase A-labels'), tldEntry);
export type PriceFile = z.output<typeof priceFileSchema>;

/** One row of the `prices` table (without id and updated_at). */
export interface PriceRowInput {
  tld: string;
  operation: PriceOperation;
  currency: string;
  amount: number;
  min_years: number;
  max_years: number;
  tld_currency: string;
}

/** Turns a price file into table rows; throws an Error naming the first bad entry. */
export function priceRowsFromFile(input: unknown): PriceRowInput[] {
  const parsed = priceFileSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`price file: ${i.path.join('.')}: ${i.message}`);
  }
  const rows: PriceRowInput[] = [];
  for (const [tld, entry] of Object.entries(parsed.data)) {
    for (const [currency, ops] of Object.entries(entry.prices)) {
      for (const [opName, text] of Object.entries(ops)) {
        const operation = parseOperation(opName);
        if (!operation) throw new Error(`price file: ${tld}.prices.${currency}: unknown operation ${opName}`);
        const amount = parseAmount(text, currency);
        if (amount === undefined || amount < 0) throw new Error(`price file: ${tld}.prices.${currency}.${opName}: ${text} is not an amount in ${currency}`);
        const [min, max] = operation === 'restore' ? [1, 1] : (entry.operationYears?.[opName] ?? entry.years);
        rows.push({ tld, operation, currency, amount, min_years: min, max_years: max, tld_currency: entry.tldCurrency });
      }
    }
  }
  return rows;
}

const defaultFile = new URL('./default-prices.json', import.meta.url);

/** The rows of the shipped default price file. */
export function defaultPriceRows(): PriceRowInput[] {
  return priceRowsFromFile(JSON.parse(readFileSync(defaultFile, 'utf8')));
}

export function readPriceFile(path: string | URL = defaultFile): PriceRowInput[] {
  return priceRowsFromFile(JSON.parse(readFileSync(path, 'utf8')));
}
