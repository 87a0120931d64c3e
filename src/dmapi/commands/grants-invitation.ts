import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { text } from '../params.ts';
import { describeTerms, invitationFor, renewalPrice } from '../../services/grants.ts';
import { isoSeconds } from '../../core/dates.ts';

export const grantsInvitation = defineCommand({
  name: 'grants-invitation',
  summary: 'Show a pending grant invitation addressed to this account, with the terms of a @creator move, before answering it.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({ key: text(64) }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'Not in the DMAPI manual: what the invitation mail and the answer page `/answer/grant/<key>` show, for API users. The body is `key: value` ' +
    'lines: `domain`, `role`, `inviter`, `expires` (of the invitation) and, for `@creator`, `domain-expires`, `autorenew`, `renewal-price` (a year ' +
    'at this account\'s prices), `privacy`, `privacy-expires`, then a blank line and the terms in sentences. Only the invited account sees it; ' +
    'for any other account the key answers 2303 like an unknown one. Answer with grants-accept.',
  async run(ctx, p) {
    const view = await invitationFor(ctx, p.key);
    const { grant, terms } = view;
    const lines: Array<[string, string]> = [
      ['domain', view.domain],
      ['role', grant.role],
      ['inviter', view.inviterLogin],
      ['expires', grant.expires_at === null ? '-' : isoSeconds(grant.expires_at)],
    ];
    let sentences: string[] = [];
    if (terms) {
      const domain = await ctx.db.selectFrom('domains').select(['name', 'tld']).where('id', '=', grant.domain_id).executeTakeFirstOrThrow();
      const price = await renewalPrice(ctx.deps, ctx.db, ctx.account, domain, ctx.now);
      lines.push(
        ['domain-expires', isoSeconds(terms.expiresAt)],
        ['autorenew', terms.autorenew ? 'on' : 'off'],
        ['renewal-price', price ?? '-'],
        ['privacy', terms.privacy],
        ['privacy-expires', terms.privacyUntil === null ? '-' : isoSeconds(terms.privacyUntil)],
      );
      sentences = describeTerms(terms, view.domain, price);
    }
    const body = lines.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n' + (sentences.length ? `\n${sentences.join('\n')}\n` : '');
    return { body };
  },
});
