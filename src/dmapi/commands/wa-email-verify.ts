import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { oneOf, text } from '../params.ts';
import { answerVerification } from '../../services/verification.ts';

export const waEmailVerify = defineCommand({
  name: 'wa-email-verify',
  summary: 'Answer a whois verification with its key (yes|no), e.g. from a reseller\'s own landing page; answers `Result: ACK` or `Result: NACK`.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: z.object({ key: text(128), answer: oneOf(['yes', 'no']) }),
  errors: [],
  notes:
    '`answer=yes` verifies the address (also after the deadline) and lifts the suspension of every domain waiting for it: `ACK`. ' +
    '`answer=no` marks the address invalid and suspends its waiting domains at once: `NACK`, as does a key that is wrong or concerns no domain of ' +
    'this account, and "no" for an address verified already. Status-Code is 0 in every case.',
  async run(ctx, p) {
    const out = await answerVerification(ctx, p.key, p.answer, ctx.account.id);
    const ack = out.outcome === 'verified';
    const text = out.outcome === 'verified' ? `${out.email} verified` : out.outcome === 'refused' ? `${out.email} refused by its owner` : out.outcome === 'closed' ? 'address verified already' : 'unknown key';
    return { headers: [['Result', ack ? 'ACK' : 'NACK']], object: 'email' in out ? out.email : '', resultText: text };
  },
});
