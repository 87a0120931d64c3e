import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { optInt } from '../params.ts';
import { spaceField } from '../reply.ts';
import { isoSeconds } from '../../core/dates.ts';
import { eventsAfter } from '../../services/events.ts';

export const eventColumns = ['seq', 'time', 'type', 'object', 'proc_id', 'data'];

export const eventList = defineCommand({
  name: 'event-list',
  summary: 'dmapid extension: the account\'s events after a cursor, oldest first: `seq time type object proc_id data` (see integrators.md).',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    after: optInt(0, Number.MAX_SAFE_INTEGER).describe('the last event number already seen (default 0: from the first)'),
    limit: optInt(1, 1000).describe('at most this many events (default 100)'),
  }),
  errors: [],
  notes:
    'Events are numbered 1, 2, 3 … per account in the order they were committed; a number is never reused or skipped. ' +
    'Lines are space-separated in the Columns order; `time` is ISO 8601 UTC, an empty `object` or `proc_id` is `-`, and `data` (a JSON object) is the rest of the line. ' +
    '`Last-Seq` is the number to send as `after` next time (the cursor stays when nothing is new). Row-Count counts the lines.',
  async run(ctx, p) {
    const after = p.after ?? 0;
    const rows = await eventsAfter(ctx.db, ctx.account.id, after, p.limit ?? 100);
    const lines = rows.map((e) => [e.seq, isoSeconds(e.created_at), e.type, e.object, e.proc_id].map(spaceField).join(' ') + ' ' + e.data);
    const last = rows.at(-1)?.seq ?? after;
    return {
      headers: [
        ['Columns', eventColumns.join(',')],
        ['Row-Count', String(rows.length)],
        ['Last-Seq', String(last)],
      ],
      body: lines.length ? lines.join('\n') + '\n' : '',
    };
  },
});
