import { z } from 'zod';
import { defineCommand } from '../command.ts';

export const queryTldList = defineCommand({
  name: 'query-tld-list',
  summary: 'The TLDs this reseller may register, one per line.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run(ctx) {
    return { body: ctx.deps.tlds.list().map((t) => t.tld).join('\n') + '\n' };
  },
});
