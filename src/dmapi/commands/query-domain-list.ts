import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { optFlag, optInt, pattern } from '../params.ts';
import { globMatch, NO_LIMIT } from '../../db/sql-helpers.ts';
import { isoDate } from '../../core/dates.ts';

export const queryDomainList = defineCommand({
  name: 'query-domain-list',
  summary: 'Domains in the account with their expiration dates; showstatus adds the status words.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    pattern: pattern(),
    from: optInt(1, 1_000_000_000),
    to: optInt(1, 1_000_000_000),
    showstatus: optFlag(),
  }),
  errors: [],
  notes: '`from`/`to` are 1-based positions in the name-sorted list. An empty match is a success with an empty body.',
  async run(ctx, p) {
    let q = ctx.db.selectFrom('domains').selectAll().where('account_id', '=', ctx.account.id);
    if (p.pattern) q = q.where(globMatch('name', p.pattern));
    const from = p.from ?? 1;
    const rows = await q
      .orderBy('name')
      .offset(from - 1)
      .limit(p.to !== undefined ? Math.max(0, p.to - from + 1) : NO_LIMIT)
      .execute();
    const columns = ['domain', 'expiration_date', ...(p.showstatus ? ['domain_status'] : [])];
    const lines = rows.map((d) => {
      const fields = [d.name, isoDate(d.expires_at)];
      if (p.showstatus) fields.push(['production', ...(d.locked ? ['lock'] : []), ...(d.autorenew ? ['autorenew'] : [])].join(','));
      return fields.join(' ');
    });
    return { headers: [['Columns', columns.join(',')]], body: lines.join('\n') };
  },
});
