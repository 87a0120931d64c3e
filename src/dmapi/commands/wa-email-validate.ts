import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { emailAddress } from '../params.ts';
import { resendVerification } from '../../services/verification.ts';

export const waEmailValidate = defineCommand({
  name: 'wa-email-validate',
  summary: 'Send the whois verification mail (with its original key) again; answers `Result: ACK` or `Result: NACK`.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: z.object({
    email: emailAddress(),
  }),
  errors: [],
  notes:
    '`ACK` when the address is the owner address of a domain of this account that waits for verification (also after its deadline, while the ' +
    'domain is suspended); the mail lists those domains. `NACK` (still Status-Code 0) when it is verified already or waits on no domain of the account.',
  async run(ctx, p) {
    const sent = await resendVerification(ctx, p.email, ctx.account.id);
    return { headers: [['Result', sent ? 'ACK' : 'NACK']], object: p.email.toLowerCase(), resultText: sent ? 'verification mail sent again' : 'no verification pending for this address' };
  },
});
