import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { emailAddress, optInt, optText, text } from '../params.ts';
import { grantRoles, normalizeDomainName } from '../../services/domain-access.ts';
import { inviteGrant } from '../../services/grants.ts';
import type { GrantRole } from '../../db/schema.ts';

/** `@admin|@billing|@tech|@creator`; the `@` may be left out, case does not matter. */
export const roleParam = () =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? `@${v.trim().replace(/^@/, '').toLowerCase()}` : undefined),
    z.enum(grantRoles, { message: `must be one of ${grantRoles.join(', ')}` }),
  );

export const grantsInvite = defineCommand({
  name: 'grants-invite',
  summary: 'Offer a role (@admin, @billing, @tech, @creator) on a domain to another user: at once with a matching client-uid, else by a mailed invitation.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  example: { email: 'helper@example.net' },
  params: z.object({
    domain: text(),
    email: emailAddress(),
    role: roleParam(),
    'client-uid': optInt(1, Number.MAX_SAFE_INTEGER),
    'nick-name': optText(100),
    nickname: optText(100),
  }),
  errors: ['OBJECT_NOT_FOUND', 'OBJECT_EXISTS', 'PARAM_POLICY'],
  notes:
    'Only the account holding the domain may invite. With `client-uid` naming an active account whose e-mail address is `email`, @admin, @billing and ' +
    '@tech apply at once and the account is told by mail. Otherwise `email` gets an invitation with a key and a link to the answer page ' +
    '`/answer/grant/<key>`, where the account with that address accepts or declines (a client-uid that does not match silently becomes an invitation). ' +
    '`@creator` moves the domain, and with it the cost of its renewals, into another account: it is always an invitation (with a matching client-uid, ' +
    'one that only that account can accept), its mail and page state the terms (expiry, autorenew, privacy, the renewal price), the receiving account ' +
    'accepts with grants-accept or on the page, and it needs a full-scope session (a modify-only key cannot give a domain away). ' +
    'Invitations expire after `DMAPID_GRANT_INVITATION_DAYS` (30) days. `nick-name` (also `nickname`) defaults to the e-mail address. ' +
    'The body is `ok`. See docs/grants.md for what each role permits.',
  async run(ctx, p) {
    if (p.role === '@creator') ctx.requireAccess('costs', 'grants-invite role=@creator gives the domain away');
    const out = await inviteGrant(ctx, {
      domain: p.domain,
      email: p.email,
      role: p.role as GrantRole,
      clientUid: p['client-uid'],
      nickname: p['nick-name'] ?? p.nickname,
    });
    const what = out.kind === 'invitation' ? `invitation (scope ${out.id}) sent` : `grant (scope ${out.id}) applied`;
    return { body: 'ok', object: normalizeDomainName(p.domain), resultText: `${p.role} on ${p.domain}: ${what}` };
  },
});
