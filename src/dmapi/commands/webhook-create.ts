import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { optText, text } from '../params.ts';
import { createWebhook } from '../../services/webhooks.ts';

export const webhookCreate = defineCommand({
  name: 'webhook-create',
  summary: 'dmapid extension: add an endpoint (http or https URL) that receives the account\'s events as signed POSTs; answers its id (and the secret, when dmapid made it).',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: z.object({
    url: text(2000),
    secret: optText(255).describe('the signing key (at least 16 characters); omitted: dmapid makes one and shows it this once'),
    description: optText(255),
  }),
  errors: ['POLICY_VIOLATION'],
  example: { url: 'https://hooks.example.com/dmapid' },
  notes:
    'Body: `webhook-id: <id>`, `url: <url>` and, when dmapid made the secret, `secret: <secret>` — the only time it is shown; a secret given is never shown back. ' +
    'The endpoint receives the events written from then on (older ones with webhook-redeliver). At most 10 endpoints per account (2308 beyond).',
  async run(ctx, p) {
    const { row, generatedSecret } = await createWebhook(ctx.db, { accountId: ctx.account.id, url: p.url, secret: p.secret, description: p.description, now: ctx.now });
    const lines = [`webhook-id: ${row.id}`, `url: ${row.url}`, ...(generatedSecret ? [`secret: ${generatedSecret}`] : [])];
    return { body: lines.join('\n') + '\n', object: String(row.id), resultText: `webhook ${row.id} created for ${row.url}` };
  },
});
