import { z } from 'zod';
import { sql, type SqlBool } from 'kysely';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { errorKey, optText, oneOf, optInt, optFlag, pattern } from '../params.ts';
import { globMatch } from '../../db/sql-helpers.ts';
import { isoSeconds, parseIsoDate } from '../../core/dates.ts';
import { DAY } from '../../core/clock.ts';
import { formatAmount } from '../../core/money.ts';
import { orderStatuses, orderTypes } from '../../billing/operations.ts';

const date = (name: string) =>
  optText(10).refine((d) => d === undefined || parseIsoDate(d) !== undefined, { message: `${name} must be a date YYYY-MM-DD`, ...errorKey('PARAM_SYNTAX') });
const id = () => optInt(1, Number.MAX_SAFE_INTEGER);

const separators = { tab: '\t', comma: ',', semicolon: ';', pipe: '|' } as const;
const columns = ['order_id', 'proc_id', 'created_at', 'status', 'type', 'amount_brutto', 'amount_netto', 'currency', 'identifier'] as const;

/** The longest date window `after`/`before` may span; longer ones are cut silently (seed). */
const MAX_WINDOW = 90 * DAY;
const DEFAULT_WINDOW = 30 * DAY;
/** Visibility: 3 years by default, 90 days with show-all (seed). */
const HORIZON = 3 * 365 * DAY;
const SHOW_ALL_HORIZON = 90 * DAY;
const MAX_ROWS = 1000;

export const queryOrderList = defineCommand({
  name: 'query-order-list',
  summary: 'Orders (charges, refunds, top-ups) of the account: `order_id proc_id created_at status type amount_brutto amount_netto currency identifier`.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    'show-all': optFlag(),
    after: date('after'),
    before: date('before'),
    type: oneOf(orderTypes).optional(),
    status: oneOf(orderStatuses).optional(),
    tld: optText(63),
    fqdn: optText(),
    'fqdn-like': pattern('the identifier (domain name, handle …)'),
    'order-id': id(),
    'order-id-after': id(),
    'order-id-before': id(),
    'proc-id': id(),
    'proc-id-after': id(),
    'proc-id-before': id(),
    limit: optInt(1, Number.MAX_SAFE_INTEGER),
    asc: optFlag(),
    separator: oneOf(['tab', 'comma', 'semicolon', 'pipe']).optional(),
    'num-comma': optFlag(),
    csv: optFlag(),
    'per-page': optInt(10, 1_000_000),
    page: optInt(1, 1_000_000_000),
    'count-only': optFlag(),
  }),
  errors: ['PARAM_POLICY'],
  notes:
    'Without `after`/`before` the last 30 days are listed; a window longer than 90 days is cut silently (anchored at `after`, or at `before` when only that is given). ' +
    'Without `show-all` orders that cost nothing are left out and orders older than 3 years are invisible; with `show-all=1` free orders are included and only the last 90 days are visible. ' +
    'Id searches (`order-id*`, `proc-id*`) without dates skip the 30-day default and return at most `limit` rows (default and maximum 1000). ' +
    'Amounts: positive = paid, negative = received (refunds, top-ups); a zero amount prints `0` with an empty currency. ' +
    '`separator=comma` cannot be combined with `num-comma=1`. `csv=1` answers a CSV file (header line with the column names, default separator comma, or semicolon with num-comma) without DMAPI headers. ' +
    '`per-page` (at least 10) and `page` (from 1) page through the list; `count-only=1` answers `Records: N` (the count ignores paging). Every reply carries `Row-Count` and `Columns`.',
  async run(ctx, p) {
    if (p.separator === 'comma' && p['num-comma']) {
      throw new DmapiError('PARAM_POLICY', 'separator=comma cannot be used together with num-comma=1 (the comma is the decimal mark then)');
    }
    const now = ctx.now;
    const showAll = p['show-all'] ?? false;
    let q = ctx.db
      .selectFrom('orders')
      .where('account_id', '=', ctx.account.id)
      .where('created_at', '>=', now - (showAll ? SHOW_ALL_HORIZON : HORIZON));
    if (!showAll) q = q.where('amount_brutto', '!=', 0);

    const idSearch = [p['order-id'], p['order-id-after'], p['order-id-before'], p['proc-id'], p['proc-id-after'], p['proc-id-before']].some((v) => v !== undefined);
    const dated = p.after !== undefined || p.before !== undefined;
    if (dated) {
      let from = p.after !== undefined ? parseIsoDate(p.after)! : undefined;
      let to = p.before !== undefined ? parseIsoDate(p.before)! + DAY : undefined;
      if (from !== undefined && (to === undefined || to - from > MAX_WINDOW)) to = from + MAX_WINDOW;
      if (from === undefined) from = to! - MAX_WINDOW;
      q = q.where('created_at', '>=', from).where('created_at', '<', to!);
    } else if (!idSearch) {
      q = q.where('created_at', '>=', now - DEFAULT_WINDOW);
    }

    if (p.type) q = q.where('type', '=', p.type);
    if (p.status) q = q.where('status', '=', p.status);
    if (p.tld) q = q.where('tld', '=', p.tld.toLowerCase().replace(/^\./, ''));
    if (p.fqdn) {
      const fqdn = p.fqdn.toLowerCase().replace(/\.$/, '');
      q = q.where(sql<SqlBool>`lower(identifier) = ${fqdn}`);
    }
    if (p['fqdn-like']) q = q.where(globMatch(ctx.db, 'identifier', p['fqdn-like']));
    if (p['order-id'] !== undefined) q = q.where('id', '=', p['order-id']);
    if (p['order-id-after'] !== undefined) q = q.where('id', '>=', p['order-id-after']);
    if (p['order-id-before'] !== undefined) q = q.where('id', '<=', p['order-id-before']);
    if (p['proc-id'] !== undefined) q = q.where('proc_id', '=', p['proc-id']);
    if (p['proc-id-after'] !== undefined) q = q.where('proc_id', '>=', p['proc-id-after']);
    if (p['proc-id-before'] !== undefined) q = q.where('proc_id', '<=', p['proc-id-before']);

    // The row cap belongs to id searches; a date window bounds the rest (seed: limit is ignored with dates).
    const cap = idSearch && !dated ? Math.min(p.limit ?? MAX_ROWS, MAX_ROWS) : undefined;

    if (p['count-only']) {
      const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const count = cap === undefined ? Number(n) : Math.min(Number(n), cap);
      return { headers: [['Row-Count', String(count)], ['Columns', columns.join(',')]], body: `Records: ${count}\n` };
    }

    const dir = p.asc ? 'asc' : 'desc';
    let offset = 0;
    let limit = cap;
    if (p['per-page'] !== undefined) {
      offset = ((p.page ?? 1) - 1) * p['per-page'];
      limit = Math.min(p['per-page'], cap === undefined ? Infinity : Math.max(0, cap - offset));
    }
    if (limit === 0) return rendered([], p);
    let rq = q.selectAll().orderBy('created_at', dir).orderBy('id', dir);
    if (limit !== undefined) rq = rq.limit(limit);
    if (offset > 0) rq = rq.offset(offset);
    return rendered(await rq.execute(), p);
  },
});

interface OrderLine {
  id: number;
  proc_id: number | null;
  created_at: number;
  status: string;
  type: string;
  amount_brutto: number;
  amount_netto: number;
  currency: string;
  identifier: string;
}

function rendered(rows: readonly OrderLine[], p: { separator?: keyof typeof separators | undefined; 'num-comma'?: boolean | undefined; csv?: boolean | undefined }) {
  const mark = p['num-comma'] ? ',' : '.';
  const amount = (n: number, currency: string) => (n === 0 ? '0' : formatAmount(n, currency, mark));
  const fields = (o: OrderLine) => [
    String(o.id),
    o.proc_id === null ? '' : String(o.proc_id),
    isoSeconds(o.created_at),
    o.status,
    o.type,
    amount(o.amount_brutto, o.currency),
    amount(o.amount_netto, o.currency),
    o.amount_brutto === 0 && o.amount_netto === 0 ? '' : o.currency,
    o.identifier,
  ];
  if (p.csv) {
    const sep = p.separator ? separators[p.separator] : p['num-comma'] ? ';' : ',';
    const cell = (v: string) => (v.includes(sep) || /["\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = [columns.join(sep), ...rows.map((o) => fields(o).map(cell).join(sep))];
    return { body: lines.join('\n') + '\n', download: { filename: 'orders.csv', contentType: 'text/csv; charset=utf-8' } };
  }
  const sep = separators[p.separator ?? 'tab'];
  return {
    headers: [['Row-Count', String(rows.length)] as const, ['Columns', columns.join(',')] as const],
    body: rows.map((o) => fields(o).join(sep)).join('\n') + (rows.length ? '\n' : ''),
  };
}
