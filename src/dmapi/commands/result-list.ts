import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { optFlag, optInt, optText, oneOf, optional, errorKey, pattern } from '../params.ts';
import { globMatch, globMatchNumber, NO_LIMIT } from '../../db/sql-helpers.ts';
import { parseIsoDate } from '../../core/dates.ts';
import { DAY } from '../../core/clock.ts';
import { resultListLine } from '../../services/results.ts';
import { resultDelete } from './result-delete.ts';

const date = optText(10).refine((d) => d === undefined || parseIsoDate(d) !== undefined, { message: 'must be a date YYYY-MM-DD', ...errorKey('PARAM_SYNTAX') });

export const resultList = defineCommand({
  name: 'result-list',
  summary: 'Results of asynchronous requests, newest first: `TimeStamp SvTrId Proc-ID request-type request-object status ClTrId`.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    pending: optFlag().describe('1: add the results still in progress (`?`) to the finished ones'),
    showpending: optFlag().describe('the older spelling of `pending` (RPANEL)'),
    showall: optFlag().describe('1: include results removed with result-delete'),
    showdeleted: optFlag().describe('the older spelling of `showall` (RPANEL)'),
    period: optInt(1, 36500),
    date,
    offset: optInt(0, 1_000_000_000),
    limit: optInt(0, 1_000_000_000),
    status: optional(oneOf(['ack', 'nack', '?', 'pending'])),
    'count-only': optFlag(),
    rtype: pattern('the request type'),
    objid: pattern('the object name'),
    procid: pattern('the Proc-ID'),
    svtrid: pattern('the SvTrId'),
    cltrid: pattern('the ClTrId'),
  }),
  errors: [],
  notes:
    'Without `date` the window is the last `period` days (default 90) up to now; with `date` it ends at the end of that day and `period` defaults to 1. ' +
    'Without `pending` only finished results (`ack`, `nack`) are listed; `pending=1` adds the ones still in progress (`?`) — it never hides finished ones ' +
    '(Joker\'s own WHMCS module sends `pending=1&showall=1&limit=1` and branches on the newest row). `status=?` (or `status=pending`) lists only those in progress. ' +
    'Deleted results appear only with `showall=1`. `showpending` and `showdeleted` are the older spellings of `pending` and `showall`. ' +
    'result-delete requests are never listed (a client that deletes every listed result then gets an empty list); result-retrieve still answers their Proc-ID. ' +
    'The filters rtype, objid, procid, svtrid and cltrid are patterns. `count-only=1` answers `Records: N`. Every reply carries `Row-Count`.',
  async run(ctx, p) {
    const end = p.date !== undefined ? parseIsoDate(p.date)! + DAY : ctx.now + 1;
    const period = p.period ?? (p.date !== undefined ? 1 : 90);
    let q = ctx.db
      .selectFrom('results')
      .where('account_id', '=', ctx.account.id)
      .where('created_at', '>=', end - period * DAY)
      .where('created_at', '<', end)
      .where('request_type', '<>', resultDelete.name);
    if (!(p.showall || p.showdeleted)) q = q.where('deleted_at', 'is', null);
    const status = p.status === 'pending' ? '?' : p.status;
    if (status) q = q.where('status', '=', status);
    else if (!(p.pending || p.showpending)) q = q.where('status', '<>', '?');
    const globs: Array<[string | undefined, 'request_type' | 'object_name' | 'svtrid' | 'cltrid']> = [
      [p.rtype, 'request_type'],
      [p.objid, 'object_name'],
      [p.svtrid, 'svtrid'],
      [p.cltrid, 'cltrid'],
    ];
    for (const [value, column] of globs) if (value !== undefined) q = q.where(globMatch(ctx.db, column, value));
    if (p.procid !== undefined) q = q.where(globMatchNumber('id', p.procid));
    if (p['count-only']) {
      // Counted in the database: the rows of the page are not read. Offset and limit still apply.
      const paged = p.limit !== undefined || p.offset !== undefined;
      const counted = paged
        ? ctx.db.selectFrom(q.select('id').limit(p.limit ?? NO_LIMIT).offset(p.offset ?? 0).as('page')).select((eb) => eb.fn.countAll<number>().as('n'))
        : q.select((eb) => eb.fn.countAll<number>().as('n'));
      const n = Number((await counted.executeTakeFirstOrThrow()).n);
      return { headers: [['Row-Count', String(n)]], body: `Records: ${n}\n` };
    }
    const page = await q
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(p.limit ?? NO_LIMIT)
      .offset(p.offset ?? 0)
      .execute();
    const headers = [['Row-Count', String(page.length)] as const];
    return { headers, body: page.map(resultListLine).join('\n') + (page.length ? '\n' : '') };
  },
});
