import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { oneOf, optText, errorKey } from '../params.ts';
import { currencyExponent } from '../../core/money.ts';
import { findPrice } from '../../billing/prices.ts';
import { listPromos } from '../../billing/promos.ts';
import { applyRebate, priceContext } from '../../billing/quote.ts';
import { formatRate } from '../../billing/vat.ts';
import { isoInstant, plainAmount } from '../../billing/format.ts';
import type { PriceOperation } from '../../billing/operations.ts';

const columns = ['type', 'operation', 'tld', 'currency', 'vat', 'price', 'standard_price', 'retail_price', 'min_period', 'max_period', 'period_type', 'valid_from', 'valid_to'];

export const queryPromosList = defineCommand({
  name: 'query-promos-list',
  summary: 'Current, upcoming or all promos with netto promo, standard and retail prices and the VAT rate.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    type: oneOf(['current', 'upcoming', 'all']).optional(),
    currency: optText(3)
      .transform((c) => c?.toUpperCase())
      .refine((c) => c === undefined || c in currencyExponent, { message: `must be one of ${Object.keys(currencyExponent).join(', ')}`, ...errorKey('PARAM_SYNTAX') }),
    country: optText(2)
      .transform((c) => c?.toUpperCase())
      .refine((c) => c === undefined || /^[A-Z]{2}$/.test(c), { message: 'must be a two-letter country code (DE, US …)', ...errorKey('PARAM_SYNTAX') }),
  }),
  errors: [],
  notes:
    '`type` is current (default: active now), upcoming (starting later) or all (both; ended promos are never listed). `currency` defaults to the account currency, `country` (for the `vat` column) to the account country. ' +
    'All prices are netto. `flex`: `price` is per year for any period from min_period to max_period, and standard/retail prices are per year. ' +
    '`exact`: `price` is the total for exactly min_period years, and standard/retail prices are for that period too. `n/a` when the TLD has no regular price in that currency.',
  async run(ctx, p) {
    const pc = await priceContext(ctx.db, ctx.account, { ...(p.currency ? { currency: p.currency } : {}), ...(p.country ? { country: p.country } : {}) });
    const promos = await listPromos(ctx.db, { type: p.type ?? 'current', now: ctx.now, currency: pc.currency });
    const lines: string[] = [];
    for (const promo of promos) {
      const row = await findPrice(ctx.db, promo.tld, promo.operation as PriceOperation, pc.currency);
      const years = promo.period_type === 'exact' ? promo.min_years : 1;
      const retail = row ? row.amount * years : undefined;
      const fields = [
        'domain',
        promo.operation,
        promo.tld,
        pc.currency,
        formatRate(pc.vatBp),
        plainAmount(promo.price, pc.currency),
        retail === undefined ? 'n/a' : plainAmount(applyRebate(retail, pc.rebateBp), pc.currency),
        retail === undefined ? 'n/a' : plainAmount(retail, pc.currency),
        String(promo.min_years),
        String(promo.max_years),
        promo.period_type,
        isoInstant(promo.valid_from),
        isoInstant(promo.valid_to),
      ];
      lines.push(fields.join('\t'));
    }
    return {
      headers: [['Separator', 'TAB'], ['Columns', columns.join(',')]],
      body: lines.join('\n') + (lines.length ? '\n' : ''),
    };
  },
});
