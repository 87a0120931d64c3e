import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { emailAddress } from '../params.ts';
import { emailStatus } from '../../services/verification.ts';

export const waEmailQueryStatus = defineCommand({
  name: 'wa-email-query-status',
  summary: 'The whois verification state of an owner e-mail address: a single word, verified|unverified|pending|invalid.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    email: emailAddress(),
  }),
  errors: [],
  notes:
    '`pending`: a verification runs; `invalid`: the owner answered "no" or every deadline passed; `unverified`: no verification concerns a ' +
    "domain of this account (an address known only from another reseller's domains also answers `unverified`). The body has no line end.",
  async run(ctx, p) {
    return { body: await emailStatus(ctx.db, p.email, ctx.account.id) };
  },
});
