import { z } from 'zod';
import { defineCommand } from '../command.ts';
// A cycle with index.ts, harmless: the list is read when the request runs, not at load.
import { commands } from './index.ts';

export const queryRequestList = defineCommand({
  name: 'query-request-list',
  summary: 'Every request this server implements (aliases included), one per line.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run() {
    const names = commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]).sort();
    return { body: names.join('\n') + '\n' };
  },
});
