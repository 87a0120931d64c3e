import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { pattern } from '../params.ts';
import { globMatch } from '../../db/sql-helpers.ts';
import { isoDate } from '../../core/dates.ts';
import { grantedDomains } from '../../services/domain-access.ts';

export const dnsZoneList = defineCommand({
  name: 'dns-zone-list',
  summary: 'Hosted zones of the account, one per line: `<domain> <expiration YYYY-MM-DD>`.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({ pattern: pattern('the domain name') }),
  errors: [],
  notes:
    'Lists the domains whose zone dmapid serves (a zone exists once `dns-zone-put` stored one, or the domain was delegated to the ' +
    "platform's name servers): the account's own and those it holds a grant on. Sorted by name; an " +
    'empty list is a success with an empty body.',
  async run(ctx, p) {
    const granted = await grantedDomains(ctx.db, ctx.account.id);
    const ids = granted.map((g) => g.domain.id);
    let q = ctx.db
      .selectFrom('zones')
      .innerJoin('domains', 'domains.id', 'zones.domain_id')
      .select(['zones.name as name', 'domains.expires_at as expires_at'])
      .where((eb) => (ids.length ? eb.or([eb('domains.account_id', '=', ctx.account.id), eb('domains.id', 'in', ids)]) : eb('domains.account_id', '=', ctx.account.id)));
    if (p.pattern) q = q.where(globMatch(ctx.db, 'zones.name', p.pattern));
    const rows = await q.orderBy('zones.name').execute();
    return { body: rows.map((r) => `${r.name} ${isoDate(r.expires_at)}`).join('\n') };
  },
});
