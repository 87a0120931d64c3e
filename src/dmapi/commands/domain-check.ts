import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { oneOf, optInt, optional, optText, text } from '../params.ts';
import { formatAmount } from '../../core/money.ts';
import { quote, type Quote } from '../../billing/quote.ts';
import type { PriceOperation } from '../../billing/operations.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistryNow } from '../../services/registry-errors.ts';
import { catalogPremium, checkLanguage, parseDomainName } from '../../services/domains.ts';
import type { TldInfo } from '../../tld/catalogue.ts';

type CheckPrice = 'create' | 'renew' | 'transfer' | 'restore';

/** Years the TLD offers for an operation (restore is one flat fee; a transfer adds its own term, priced per year). */
function offeredYears(tld: TldInfo, op: CheckPrice): number[] {
  if (op === 'create') return tld.periods.create.map((m) => m / 12);
  if (op === 'renew') return tld.periods.renew.map((m) => m / 12);
  if (op === 'transfer') return [Math.max(1, tld.periods.transfer / 12)];
  return [1];
}

/** The requested years if offered, else the nearest offered term (the seeds: the reported period may differ from the one asked for). */
function nearest(offered: number[], wanted: number): number {
  if (offered.includes(wanted)) return wanted;
  const below = offered.filter((y) => y < wanted);
  return below.length ? Math.max(...below) : Math.min(...offered);
}

export const domainCheck = defineCommand({
  name: 'domain-check',
  summary: 'Availability of a name (available, premium, unavailable with a reason), its price class and the price of one operation.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  othersObjects: 'availability of any name, registered or not, is public',
  params: z.object({
    domain: text(253).describe('the name to check'),
    'check-price': optional(oneOf(['create', 'renew', 'transfer', 'restore'] as const)).describe('create, renew, transfer or restore'),
    period: optInt(1, 120).describe('years (1-10) or months (a multiple of 12, at least 12)'),
    language: optText(8).describe('IDN language, ISO 639-1 or 639-2'),
  }),
  errors: ['PARAM_POLICY', 'COMMAND_FAILED'],
  notes:
    'Body lines: `domain-status: available|premium|unavailable`, `domain-status-reason:` (registered, reserved, redemption, or why the name cannot be registered) for unavailable names, ' +
    '`domain-class: standard|<premium class>`, `domain-price-<type>: <amount> <currency> <N>y` for `check-price` (default create) — the brutto amount the ledger would take, rebate, promo and VAT applied — ' +
    'and `domain-price-promo: <start> <end>` (ISO instants) while a promo sets that price. A period the TLD does not offer is priced for the nearest offered term, which the `<N>y` shows. ' +
    'No price line when the operation is not sold for the TLD in the account\'s currency. An unsupported TLD answers 2306 with "not a Domain with extension supported by Joker.com"; 2400 when the registry cannot be reached (EPP backend).',
  async run(ctx, p) {
    const d = parseDomainName(ctx.deps.tlds, p.domain);
    checkLanguage(d, p.language);
    const registry = registryOf(ctx.deps).open(ctx.db, ctx.now);
    const a = await atRegistryNow(() => registry.checkDomain(d.name));
    const premium = ctx.deps.tlds.premium(d.tld.tld, d.label);
    const lines: Array<[string, string]> = [];
    switch (a.status) {
      case 'available':
        lines.push(['domain-status', 'available']);
        break;
      case 'premium':
        lines.push(['domain-status', 'premium']);
        break;
      case 'registered':
        lines.push(['domain-status', 'unavailable'], ['domain-status-reason', a.rgp ? 'redemption' : 'registered']);
        break;
      case 'reserved':
        lines.push(['domain-status', 'unavailable'], ['domain-status-reason', 'reserved']);
        break;
      case 'invalid':
        lines.push(['domain-status', 'unavailable'], ['domain-status-reason', a.reason]);
        break;
    }
    lines.push(['domain-class', a.status === 'premium' ? a.class : (premium?.class ?? 'standard')]);

    const op = (p['check-price'] ?? 'create') as CheckPrice;
    const period = p.period;
    if (period !== undefined && period > 10 && period % 12 !== 0) {
      throw new DmapiError('PARAM_RANGE', `invalid 'period' (${period} is neither years, 1-10, nor months, a multiple of 12)`);
    }
    const years = nearest(offeredYears(d.tld, op), period === undefined ? 1 : period <= 10 ? period : period / 12);
    let q: Quote | undefined;
    try {
      const account = await ctx.db.selectFrom('accounts').selectAll().where('id', '=', ctx.account.id).executeTakeFirstOrThrow();
      q = await quote(ctx.db, account, { tld: d.tld.tld, operation: op as PriceOperation, periodMonths: years * 12, domain: d.name, now: ctx.now, premium: catalogPremium(ctx.deps.tlds) });
    } catch (err) {
      // Not sold (in this currency, for this term): the check itself still answers.
      if (!(err instanceof DmapiError) || !['PARAM_POLICY', 'PARAM_RANGE'].includes(err.key)) throw err;
    }
    if (q) {
      lines.push([`domain-price-${op}`, `${formatAmount(q.brutto, q.currency)} ${q.currency} ${op === 'restore' ? 1 : q.years}y`]);
      if (q.promo) {
        const promo = await ctx.db.selectFrom('promos').select(['valid_from', 'valid_to']).where('id', '=', q.promo.id).executeTakeFirstOrThrow();
        lines.push(['domain-price-promo', `${new Date(promo.valid_from).toISOString()} ${new Date(promo.valid_to).toISOString()}`]);
      }
    }
    return { body: lines.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n' };
  },
});

