import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { endSession } from '../sessions.ts';

export const logout = defineCommand({
  name: 'logout',
  summary: 'End the session; its Auth-Sid is refused from then on.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run(ctx) {
    if (ctx.sessionId) await endSession(ctx.db, ctx.sessionId, ctx.now);
    return {};
  },
});
