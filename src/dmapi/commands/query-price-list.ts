import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { formatAmount } from '../../core/money.ts';
import { listPrices } from '../../billing/prices.ts';
import { listPromos, promoCovers, promoTotal } from '../../billing/promos.ts';
import { applyRebate, priceContext, vatOf } from '../../billing/quote.ts';
import { wireOperation, type PriceOperation } from '../../billing/operations.ts';
import { isoInstant } from '../../billing/format.ts';

const YEARS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
const columns = ['type', 'operation', 'tld', 'tld-currency', 'currency', ...YEARS.map((y) => `price-${y}y`), 'valid_from', 'valid_until'];

export const queryPriceList = defineCommand({
  name: 'query-price-list',
  summary: 'Prices per TLD, operation and period in the account currency, with the rebate and VAT applied; active and upcoming promos as `domain_promo` rows.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  notes:
    'TAB-separated with `Columns: ' + columns.join(',') + '`. `price-Ny` is the total for N years (brutto: rebate and VAT applied); ' +
    '`n/a` where the period is not sold. Restore appears as operation `rgp` with its flat fee in `price-1y`. ' +
    'Promo rows (`domain_promo`) carry the promo price for the periods it covers and its validity; regular rows have `n/a` validity.',
  async run(ctx) {
    const pc = await priceContext(ctx.db, ctx.account);
    const brutto = (netto: number) => formatAmount(netto + vatOf(netto, pc.vatBp), pc.currency);
    const lines: string[][] = [];
    const prices = await listPrices(ctx.db, { currency: pc.currency });
    const promos = await listPromos(ctx.db, { type: 'all', now: ctx.now, currency: pc.currency });
    const tlds = [...new Set([...prices.map((r) => r.tld), ...promos.map((p) => p.tld)])].sort();
    for (const tld of tlds) {
      for (const r of prices.filter((x) => x.tld === tld)) {
        const op = r.operation as PriceOperation;
        const cells = YEARS.map((y) => {
          if (op === 'restore') return y === 1 ? brutto(applyRebate(r.amount, pc.rebateBp)) : 'n/a';
          return y >= r.min_years && y <= r.max_years ? brutto(applyRebate(r.amount * y, pc.rebateBp)) : 'n/a';
        });
        lines.push(['domain', wireOperation[op] ?? r.operation, tld, r.tld_currency, pc.currency, ...cells, 'n/a', 'n/a']);
      }
      for (const p of promos.filter((x) => x.tld === tld)) {
        const tldCurrency = prices.find((x) => x.tld === tld)?.tld_currency ?? pc.currency;
        const cells = YEARS.map((y) => (promoCovers(p, y) ? brutto(promoTotal(p, y)) : 'n/a'));
        lines.push(['domain_promo', p.operation, tld, tldCurrency, pc.currency, ...cells, isoInstant(p.valid_from), isoInstant(p.valid_to)]);
      }
    }
    return {
      headers: [['Columns', columns.join(',')], ['Separator', 'TAB']],
      body: lines.map((l) => l.join('\t')).join('\n') + (lines.length ? '\n' : ''),
    };
  },
});
