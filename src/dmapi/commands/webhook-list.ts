import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { spaceField } from '../reply.ts';
import { isoSeconds } from '../../core/dates.ts';
import { listWebhooks } from '../../services/webhooks.ts';

export const webhookList = defineCommand({
  name: 'webhook-list',
  summary: 'dmapid extension: the account\'s webhook endpoints, `id url created description`, with a Columns header; secrets are never listed.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run(ctx) {
    const rows = await listWebhooks(ctx.db, ctx.account.id);
    const lines = rows.map((w) => [w.id, w.url, isoSeconds(w.created_at), w.description].map(spaceField).join(' '));
    return {
      headers: [
        ['Columns', 'id,url,created,description'],
        ['Row-Count', String(rows.length)],
      ],
      body: lines.length ? lines.join('\n') + '\n' : '',
    };
  },
});
