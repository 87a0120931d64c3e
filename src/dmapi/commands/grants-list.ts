import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { optFlag, text } from '../params.ts';
import { spaceField } from '../reply.ts';
import { requireDomain } from '../../services/domain-access.ts';
import { listGrants, type GrantLine } from '../../services/grants.ts';

/** The names RPANEL reads the fields by (dmapi-wire §3 Grants); `object_type` is the literal `domain`. */
export const grantColumns = ['type', 'number', 'scope', 'key', 'object_type', 'object_name', 'role', 'inviter_login', 'invited_login', 'invited_uid', 'invitee_email', 'nickname'];


function line(g: GrantLine, nr: number, showkey: boolean): string {
  const invitation = g.type === 'invitation';
  return [
    g.type,
    nr,
    g.scope,
    invitation && showkey ? g.key : null,
    'domain',
    g.domain,
    g.role,
    invitation ? null : g.inviterLogin,
    invitation ? null : g.inviteeLogin,
    invitation ? null : g.inviteeUid,
    g.email,
    g.nickname,
  ]
    .map(spaceField)
    .join(' ');
}

export const grantsList = defineCommand({
  name: 'grants-list',
  summary: 'Active grants and pending invitations on a domain, one per line with a Columns header.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({ domain: text(), showkey: optFlag() }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'Lines: `invitation <nr> <scope> <key|-> domain <domain> <role> - - - <invitee-email> <nick>` and ' +
    '`grant <nr> <scope> - domain <domain> <role> <inviter-login> <invitee-login> <invitee-uid> <invitee-email> <nick>`; `nr` counts from 0. ' +
    'The invitation key is shown only with `showkey=1`. Only the account holding the domain may list its grants.',
  async run(ctx, p) {
    const { domain } = await requireDomain(ctx, p.domain, 'owner');
    const rows = await listGrants(ctx.db, domain, ctx.now, p.showkey ? ctx.deps.keys : undefined);
    const body = rows.map((g, i) => line(g, i, p.showkey === true)).join('\n');
    return { headers: [['Columns', grantColumns.join(',')]], body: rows.length ? `${body}\n` : '' };
  },
});
