import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { int, oneOf, text } from '../params.ts';
import { revokeGrant } from '../../services/grants.ts';
import { normalizeDomainName } from '../../services/domain-access.ts';
import type { GrantRole } from '../../db/schema.ts';
import { roleParam } from './grants-invite.ts';

export const grantsRevoke = defineCommand({
  name: 'grants-revoke',
  summary: 'End a grant, or withdraw a pending invitation, named by its scope from grants-list.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: z.object({
    domain: text(),
    role: roleParam(),
    scope: int(1, Number.MAX_SAFE_INTEGER),
    type: oneOf(['grant', 'invitation']),
  }),
  errors: ['OBJECT_NOT_FOUND'],
  notes: 'Only the account holding the domain may revoke. `scope`, `role` and `type` must all match the record; the invitee is told by mail. The body is `ok`.',
  async run(ctx, p) {
    const g = await revokeGrant(ctx, { domain: p.domain, role: p.role as GrantRole, scope: p.scope, type: p.type });
    return { body: 'ok', object: normalizeDomainName(p.domain), resultText: `${p.type} ${g.id} (${g.role} for ${g.email}) revoked` };
  },
});
