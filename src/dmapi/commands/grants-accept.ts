import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { oneOf, text } from '../params.ts';
import { answerInvitation, invitationFor } from '../../services/grants.ts';

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
    'answer page `/answer/grant/<key>`. Only the invited account may answer (the one named by client-uid, else an account whose e-mail address ' +
    'is the invited one); for any other account the key answers 2303 like an unknown one. `answer` defaults to `yes`. Accepting `@creator` moves ' +
    'the domain into the accepting account, which pays its renewals from then on: that needs a full-scope session (a modify-only key may ' +
    'decline, not accept), and grants-invitation shows the terms first. The body is `ok`.',
  async run(ctx, p) {
    const view = await invitationFor(ctx, p.key);
    const answer = p.answer ?? 'yes';
    if (answer === 'yes' && view.grant.role === '@creator') ctx.requireAccess('costs', 'grants-accept of @creator takes on the domain and its renewals');
    const out = await answerInvitation(ctx, p.key, answer, ctx.account.login);
    const what = out.outcome === 'declined' ? 'declined' : out.moved ? `accepted; the domain moved to ${ctx.account.login}` : 'accepted';
    return { body: 'ok', object: out.domain, resultText: `${out.role} on ${out.domain}: ${what}` };
  },
});
