import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { oneOf, text } from '../params.ts';
import { answerOwnerChange } from '../../services/owner-change.ts';

export const corVerify = defineCommand({
  name: 'cor-verify',
  summary: 'Answer a change-of-registrant confirmation with its key (yes|no); answers `Result: ACK` when the key was accepted, `Result: NACK` otherwise.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: z.object({ key: text(128).describe('the authorization key of the COR confirmation mail'), answer: oneOf(['yes', 'no']).describe('yes: make the change; no: refuse it') }),
  errors: [],
  notes:
    '`answer=yes` confirms: the worker makes the change and the domain-owner-change result becomes an ack. `answer=no` refuses it: that result becomes a nack. ' +
    'Both answer `Result: ACK` (the key was accepted). `Result: NACK` for a key that is unknown, belongs to another account, was answered already or has expired. Status-Code is 0 in every case.',
  async run(ctx, p) {
    const out = await answerOwnerChange(ctx, p.key, p.answer, ctx.account.id);
    const ack = out.outcome === 'confirmed' || out.outcome === 'rejected';
    const text =
      out.outcome === 'confirmed'
        ? `change of registrant of ${out.domain} confirmed`
        : out.outcome === 'rejected'
          ? `change of registrant of ${out.domain} refused`
          : out.outcome === 'expired'
            ? `the confirmation of ${out.domain} has expired`
            : out.outcome === 'closed'
              ? `the change of registrant of ${out.domain} was answered already`
              : 'unknown key';
    return { headers: [['Result', ack ? 'ACK' : 'NACK']], object: 'domain' in out ? out.domain : '', resultText: `result_msg: ${text}` };
  },
});
