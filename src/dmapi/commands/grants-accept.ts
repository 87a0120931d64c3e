import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { oneOf, text } from '../params.ts';
import { answerInvitation, findInvitation } from '../../services/grants.ts';

export const grantsAccept = defineCommand({
  name: 'grants-accept',
  summary: 'Accept (or decline) a grant invitation with its key, as the invited account itself.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: z.object({ key: text(64), answer: oneOf(['yes', 'no']).optional() }),
  errors: ['OBJECT_NOT_FOUND', 'OBJECT_EXISTS'],
  notes:
    'Not in the DMAPI manual, which has the invitee apply the key "using Joker.com": this is that step for API users, the same as the ' +
    'answer page `/answer/grant/<key>`. Only an account whose e-mail address is the invited one may answer; for any other account the key ' +
    'answers 2303 like an unknown one. `answer` defaults to `yes`. Accepting `@creator` moves the domain into the accepting account. The body is `ok`.',
  async run(ctx, p) {
    const view = await findInvitation(ctx.db, p.key, ctx.now);
    if (!view || !view.candidates.some((c) => c.id === ctx.account.id)) {
      throw new DmapiError('OBJECT_NOT_FOUND', 'no pending invitation with this key for this account');
    }
    const out = await answerInvitation(ctx, p.key, p.answer ?? 'yes', ctx.account.login);
    const what = out.outcome === 'declined' ? 'declined' : out.moved ? `accepted; the domain moved to ${ctx.account.login}` : 'accepted';
    return { body: 'ok', object: out.domain, resultText: `${out.role} on ${out.domain}: ${what}` };
  },
});
