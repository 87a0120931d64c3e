import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { text } from '../params.ts';
import { verificationDetails } from '../../services/verification.ts';

export const waEmailDetails = defineCommand({
  name: 'wa-email-details',
  summary: 'The address and domains a whois verification key concerns: `status<TAB>email<TAB>domain`, one line per domain.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({ key: text(128) }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    '`status` is `verification` while the address waits for confirmation and `verified` afterwards. Only domains of the account are listed; ' +
    'a key that concerns none of them answers 2303 like an unknown key.',
  async run(ctx, p) {
    const rows = await verificationDetails(ctx.db, p.key, ctx.account.id);
    if (rows.length === 0) throw new DmapiError('OBJECT_NOT_FOUND', 'the key matches no whois verification for a domain of this account');
    return {
      headers: [
        ['Columns', 'status,email,domain'],
        ['Separator', 'TAB'],
      ],
      body: rows.map((r) => [r.status, r.email, r.domain].join('\t')).join('\n') + '\n',
    };
  },
});
