import { printList } from './list-output.ts';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { currencyExponent, formatAmount, parseAmount } from '../core/money.ts';
import { parseOperation, promoOperations, type PriceOperation } from '../billing/operations.ts';
import { deletePrices, findPrice, importPrices, listPrices, setPrice, toPriceFile } from '../billing/prices.ts';
import { readPriceFile, defaultPriceRows } from '../billing/default-prices.ts';
import { addPromo, deletePromo, listPromos, type NewPromo, type Promo, type PromoListType } from '../billing/promos.ts';
import { money, quote } from '../billing/quote.ts';
import { euVatRates, formatRate, sellerCountry, setSellerCountry } from '../billing/vat.ts';
import { isoInstant } from '../billing/format.ts';
import { topUp } from '../billing/ledger.ts';
import { accountOrFail, withDb } from './with-db.ts';

const currencyOpt = (v: string) => {
  const c = v.toUpperCase();
  if (!(c in currencyExponent)) throw new InvalidArgumentError(`one of ${Object.keys(currencyExponent).join(', ')}`);
  return c;
};

const yearsOpt = (v: string): [number, number] => {
  const m = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(v.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2] ?? m?.[1]);
  if (!m || min < 1 || max > 10 || min > max) throw new InvalidArgumentError('a range like 1-10 (or one number), within 1..10');
  return [min, max];
};

const intOpt = (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('a whole number');
  return Number(v);
};

const operationArg = (v: string): PriceOperation => {
  const op = parseOperation(v);
  if (!op) throw new Error(`operation ${v}: one of create, renew, transfer, restore (rgp), trustee, privacy-basic, privacy-pro`);
  return op;
};

/** `YYYY-MM-DD` (start of day, or the last second of the day for an end) or a full ISO instant. */
function instant(text: string, end: boolean): number {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const at = Date.parse(`${t}T${end ? '23:59:59' : '00:00:00'}Z`);
    if (!Number.isNaN(at)) return at;
  } else {
    const at = Date.parse(t);
    if (!Number.isNaN(at) && /T/.test(t)) return at;
  }
  throw new Error(`${text} is not a date (YYYY-MM-DD) or an ISO instant`);
}

function amountIn(text: string, currency: string): number {
  const n = parseAmount(text, currency);
  if (n === undefined || n < 0) throw new Error(`${text} is not an amount in ${currency}`);
  return n;
}

const promoLine = (p: Promo) =>
  [p.id, p.tld, p.operation, p.currency, formatAmount(p.price, p.currency), `${p.min_years}-${p.max_years}`, p.period_type, isoInstant(p.valid_from), isoInstant(p.valid_to), p.note].join('\t');

/** A promo in a promo file: amounts as decimal strings, instants as dates or ISO strings. */
const promoFileEntry = z.object({
  tld: z.string(),
  operation: z.enum(promoOperations),
  currency: z.string(),
  price: z.string(),
  minPeriod: z.number().int(),
  maxPeriod: z.number().int().optional(),
  periodType: z.enum(['flex', 'exact']).default('flex'),
  validFrom: z.string(),
  validTo: z.string(),
  note: z.string().optional(),
});

function promoFromFile(e: z.output<typeof promoFileEntry>): NewPromo {
  return {
    tld: e.tld.toLowerCase().replace(/^\./, ''),
    operation: e.operation,
    currency: e.currency.toUpperCase(),
    price: amountIn(e.price, e.currency.toUpperCase()),
    minYears: e.minPeriod,
    maxYears: e.maxPeriod ?? e.minPeriod,
    periodType: e.periodType,
    validFrom: instant(e.validFrom, false),
    validTo: instant(e.validTo, true),
    ...(e.note !== undefined ? { note: e.note } : {}),
  };
}

/** `dmapid price …` and `dmapid promo …`: the operator's side of billing (docs/billing.md). */
export function registerBillingCommands(program: Command): void {
  const price = program.command('price').description('list prices per TLD, operation and currency (retail, netto, per year)');

  price
    .command('list')
    .description('show prices: tld, operation, currency, per-year amount, years sold, tld-currency')
    .option('--tld <tld>', 'only this TLD')
    .option('--currency <code>', 'only this currency', currencyOpt)
    .action(async (o: { tld?: string; currency?: string }) => {
      await withDb(async (db) => {
        const rows = await listPrices(db, { ...(o.tld ? { tld: o.tld.toLowerCase().replace(/^\./, '') } : {}), ...(o.currency ? { currency: o.currency } : {}) });
        const lines = rows.map((r) => [r.tld, r.operation, r.currency, formatAmount(r.amount, r.currency), `${r.min_years}-${r.max_years}`, r.tld_currency].join('\t'));
        printList(['tld', 'operation', 'currency', 'per_year', 'years', 'tld_currency'], lines, 'no prices match');
      });
    });

  price
    .command('set <tld> <operation> <amount>')
    .description('create or change a price: the retail netto amount per year (restore: the flat fee)')
    .option('--currency <code>', 'currency of the amount', currencyOpt, 'USD')
    .option('--years <range>', 'periods sold, e.g. 1-10 (default: kept, or 1-10 for a new price)', yearsOpt)
    .option('--tld-currency <code>', "the registry's currency (default: kept, or --currency)", currencyOpt)
    .action(async (tldArg: string, opArg: string, amountArg: string, o: { currency: string; years?: [number, number]; tldCurrency?: string }) => {
      const operation = operationArg(opArg);
      const tld = tldArg.toLowerCase().replace(/^\./, '');
      await withDb(async (db, now) => {
        const old = await findPrice(db, tld, operation, o.currency);
        const [min, max] = operation === 'restore' ? [1, 1] : (o.years ?? (old ? [old.min_years, old.max_years] : [1, 10]));
        const amount = amountIn(amountArg, o.currency);
        await setPrice(db, { tld, operation, currency: o.currency, amount, min_years: min, max_years: max, tld_currency: o.tldCurrency ?? old?.tld_currency ?? o.currency }, now);
        console.log(`price of ${operation} .${tld}: ${money(amount, o.currency)}${operation === 'restore' ? ' (flat fee)' : ` per year, ${min}-${max} years`}`);
      });
    });

  price
    .command('delete <tld> [operation]')
    .description('remove the prices of a TLD (all, or one operation); it can no longer be ordered')
    .option('--currency <code>', 'only this currency', currencyOpt)
    .action(async (tldArg: string, opArg: string | undefined, o: { currency?: string }) => {
      const tld = tldArg.toLowerCase().replace(/^\./, '');
      await withDb(async (db) => {
        const n = await deletePrices(db, { tld, ...(opArg ? { operation: operationArg(opArg) } : {}), ...(o.currency ? { currency: o.currency } : {}) });
        if (n === 0) throw new Error(`no matching price for .${tld}`);
        console.log(`deleted ${n} price${n === 1 ? '' : 's'} of .${tld}`);
      });
    });

  price
    .command('import [file]')
    .description('load a price file (JSON, the format of src/billing/default-prices.json); without a file, the shipped defaults')
    .option('--replace', 'remove every price the file does not list')
    .action(async (file: string | undefined, o: { replace?: boolean }) => {
      const rows = file ? readPriceFile(file) : defaultPriceRows();
      await withDb(async (db, now) => {
        const n = await importPrices(db, rows, now, { replace: o.replace ?? false });
        console.log(`imported ${n} prices${o.replace ? ' (table replaced)' : ''}`);
      });
    });

  price
    .command('export')
    .description('print every price as a price file (JSON) that import reads back')
    .action(async () => {
      await withDb(async (db) => {
        console.log(JSON.stringify(toPriceFile(await listPrices(db)), null, 2));
      });
    });

  price
    .command('quote <login> <tld> <operation>')
    .description("what an account would pay: retail, rebate, promo, VAT, brutto")
    .option('--period <months>', 'period in months', intOpt, 12)
    .option('--domain <name>', 'the domain name (for the record)')
    .action(async (login: string, tldArg: string, opArg: string, o: { period: number; domain?: string }) => {
      const operation = operationArg(opArg);
      await withDb(async (db, now) => {
        const account = await accountOrFail(db, login);
        const q = await quote(db, account, { tld: tldArg.toLowerCase().replace(/^\./, ''), operation, periodMonths: o.period, now, ...(o.domain ? { domain: o.domain } : {}) });
        const lines: Array<[string, string]> = [
          ['operation', `${q.operation} .${q.tld}, ${q.months} months`],
          ['retail', money(q.retail, q.currency)],
          ['standard', `${money(q.standard, q.currency)} (rebate ${account.rebate_bp / 100} %)`],
          ['netto', `${money(q.netto, q.currency)}${q.promo ? ` (promo ${q.promo.id}, ${q.promo.periodType})` : ''}`],
          ['vat', `${money(q.vat, q.currency)} (rate ${formatRate(q.vatBp)})`],
          ['brutto', money(q.brutto, q.currency)],
        ];
        for (const [k, v] of lines) console.log(`${k}: ${v}`);
      });
    });

  price
    .command('vat')
    .description('show the VAT table and the platform country; --home sets the country')
    .option('--home <country>', "the platform's own country (ISO code), e.g. DE")
    .action(async (o: { home?: string }) => {
      await withDb(async (db) => {
        if (o.home) await setSellerCountry(db, o.home);
        console.log(`home: ${await sellerCountry(db)}`);
        for (const [cc, bp] of Object.entries(euVatRates)) console.log(`${cc}\t${formatRate(bp)}`);
      });
    });

  const promo = program.command('promo').description('promotional prices with validity windows (query-promos-list)');

  promo
    .command('list')
    .description('show promos: id, tld, operation, currency, price, periods, period type, validity, note')
    .option('--type <type>', 'current, upcoming or all (not ended)', 'all')
    .option('--currency <code>', 'only this currency', currencyOpt)
    .action(async (o: { type: string; currency?: string }) => {
      if (!['current', 'upcoming', 'all'].includes(o.type)) throw new Error('--type must be current, upcoming or all');
      await withDb(async (db, now) => {
        const promos = await listPromos(db, { type: o.type as PromoListType, now, ...(o.currency ? { currency: o.currency } : {}) });
        printList(['id', 'tld', 'operation', 'currency', 'price', 'years', 'period_type', 'valid_from', 'valid_to', 'note'], promos.map(promoLine), 'no promos match');
      });
    });

  promo
    .command('set <tld> <operation> <price>')
    .description('add a promo: netto price per year (flex) or for exactly --min years (--exact)')
    .option('--currency <code>', 'currency of the price', currencyOpt, 'USD')
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD) or instant (ISO)')
    .requiredOption('--to <date>', 'last day (inclusive, to 23:59:59) or instant (ISO)')
    .option('--min <years>', 'minimum period in years', intOpt, 1)
    .option('--max <years>', 'maximum period in years (flex; default --min)', intOpt)
    .option('--exact', 'the price is the total for exactly --min years')
    .option('--note <text>', 'a label for the operator')
    .action(async (tldArg: string, opArg: string, priceArg: string, o: { currency: string; from: string; to: string; min: number; max?: number; exact?: boolean; note?: string }) => {
      await withDb(async (db, now) => {
        const p = await addPromo(
          db,
          {
            tld: tldArg.toLowerCase().replace(/^\./, ''),
            operation: opArg.toLowerCase() as NewPromo['operation'],
            currency: o.currency,
            price: amountIn(priceArg, o.currency),
            minYears: o.min,
            maxYears: o.exact ? o.min : (o.max ?? o.min),
            periodType: o.exact ? 'exact' : 'flex',
            validFrom: instant(o.from, false),
            validTo: instant(o.to, true),
            ...(o.note !== undefined ? { note: o.note } : {}),
          },
          now,
        );
        console.log(`promo ${p.id}: ${promoLine(p)}`);
      });
    });

  promo.command('delete <id>').action(async (id: string) => {
    await withDb(async (db) => {
      if (!(await deletePromo(db, intOpt(id)))) throw new Error(`no promo ${id}`);
      console.log(`promo ${id} deleted`);
    });
  });

  promo
    .command('import <file>')
    .description('add the promos of a JSON file: [{tld, operation, currency, price, minPeriod, maxPeriod, periodType, validFrom, validTo, note}]')
    .action(async (file: string) => {
      const parsed = z.array(promoFileEntry).safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`promo file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const promos = parsed.data.map(promoFromFile);
      await withDb(async (db, now) => {
        await db.transaction().execute(async (trx) => {
          for (const p of promos) await addPromo(trx, p, now);
        });
        console.log(`imported ${promos.length} promo${promos.length === 1 ? '' : 's'}`);
      });
    });

  promo
    .command('export')
    .description('print the promos that have not ended as a promo file')
    .action(async () => {
      await withDb(async (db, now) => {
        const rows = await listPromos(db, { type: 'all', now });
        const out = rows.map((p) => ({
          tld: p.tld,
          operation: p.operation,
          currency: p.currency,
          price: formatAmount(p.price, p.currency),
          minPeriod: p.min_years,
          maxPeriod: p.max_years,
          periodType: p.period_type,
          validFrom: isoInstant(p.valid_from),
          validTo: isoInstant(p.valid_to),
          note: p.note,
        }));
        console.log(JSON.stringify(out, null, 2));
      });
    });
}

/** `dmapid account credit`: a top-up (or, negative, a debit) through the ledger. */
export async function creditAccount(login: string, amount: string, note: string | undefined): Promise<void> {
  await withDb(async (db, now) => {
    const a = await accountOrFail(db, login);
    const minor = parseAmount(amount, a.currency);
    if (minor === undefined || minor === 0) throw new Error(`${amount} is not a non-zero amount in ${a.currency}`);
    const r = await topUp(db, { accountId: a.id, amount: minor, now, ...(note ? { note } : {}) });
    console.log(`balance of ${a.login}: ${formatAmount(r.balance, a.currency)} ${a.currency} (order ${r.orderId})`);
  });
}
