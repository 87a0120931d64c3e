import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { int } from '../params.ts';
import { deleteWebhook } from '../../services/webhooks.ts';

export const webhookDelete = defineCommand({
  name: 'webhook-delete',
  summary: 'dmapid extension: remove a webhook endpoint with its delivery log; deliveries still queued for it are dropped.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: z.object({ id: int(1, Number.MAX_SAFE_INTEGER) }),
  errors: ['OBJECT_NOT_FOUND'],
  example: { id: '1' },
  async run(ctx, p) {
    const url = await deleteWebhook(ctx.db, ctx.account.id, p.id);
    return { body: 'ok\n', object: String(p.id), resultText: `webhook ${p.id} (${url}) deleted` };
  },
});
