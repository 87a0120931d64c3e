import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { int, optInt } from '../params.ts';
import { redeliver } from '../../services/webhooks.ts';

export const webhookRedeliver = defineCommand({
  name: 'webhook-redeliver',
  summary: 'dmapid extension: send an event (by its number) again, to one webhook endpoint or to all; answers the new delivery ids.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: z.object({
    seq: int(1, Number.MAX_SAFE_INTEGER).describe('the event number (event-list `seq`)'),
    webhook: optInt(1, Number.MAX_SAFE_INTEGER).describe('the endpoint id; omitted: every endpoint of the account'),
  }),
  errors: ['OBJECT_NOT_FOUND'],
  example: { seq: '1' },
  notes: 'The new delivery waits behind the deliveries already queued for the endpoint (one at a time, in order). Body: `delivery-id: <id>` per delivery.',
  async run(ctx, p) {
    const ids = await redeliver(ctx.db, { accountId: ctx.account.id, seq: p.seq, webhookId: p.webhook, now: ctx.now });
    return { body: ids.map((id) => `delivery-id: ${id}\n`).join(''), object: String(p.seq), resultText: `event ${p.seq} queued again (deliveries ${ids.join(', ')})` };
  },
});
