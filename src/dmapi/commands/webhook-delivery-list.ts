import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { oneOf, optInt, optional } from '../params.ts';
import { spaceField } from '../reply.ts';
import { isoSeconds } from '../../core/dates.ts';
import { deliveryAttempts, listDeliveries } from '../../services/webhooks.ts';

const time = (at: number | null) => (at === null ? null : isoSeconds(at));

export const webhookDeliveryList = defineCommand({
  name: 'webhook-delivery-list',
  summary: 'dmapid extension: the delivery log, newest first: `id webhook seq type status attempts created last_attempt last_code last_error`; with `delivery` that delivery\'s attempts.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    webhook: optInt(1, Number.MAX_SAFE_INTEGER).describe('only this endpoint'),
    status: optional(oneOf(['pending', 'delivered', 'failed'])),
    delivery: optInt(1, Number.MAX_SAFE_INTEGER).describe('list the attempts of this delivery instead: `at status_code duration_ms error`'),
    offset: optInt(0, 1_000_000_000),
    limit: optInt(1, 1000).describe('default 100'),
  }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'A delivery is `pending` while it is queued or being retried, `delivered` once a POST got a 2xx answer, `failed` after its last attempt (it can be sent again with webhook-redeliver). ' +
    '`last_code` is the HTTP status of the last attempt (`-` when there was no answer: `last_error` says why: a timeout, a refused connection).',
  async run(ctx, p) {
    if (p.delivery !== undefined) {
      const rows = await deliveryAttempts(ctx.db, ctx.account.id, p.delivery);
      return {
        headers: [
          ['Columns', 'at,status_code,duration_ms,error'],
          ['Row-Count', String(rows.length)],
        ],
        body: rows.map((a) => [isoSeconds(a.at), a.status_code, a.duration_ms, a.error].map(spaceField).join(' ') + '\n').join(''),
      };
    }
    const rows = await listDeliveries(ctx.db, { accountId: ctx.account.id, webhookId: p.webhook, status: p.status, limit: p.limit ?? 100, offset: p.offset ?? 0 });
    const lines = rows.map((d) => [d.id, d.webhookId, d.seq, d.type, d.status, d.attempts, time(d.createdAt), time(d.lastAt), d.lastCode, d.lastError].map(spaceField).join(' '));
    return {
      headers: [
        ['Columns', 'id,webhook,seq,type,status,attempts,created,last_attempt,last_code,last_error'],
        ['Row-Count', String(rows.length)],
      ],
      body: lines.length ? lines.join('\n') + '\n' : '',
    };
  },
});
