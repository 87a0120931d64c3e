import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { isoSeconds } from '../../core/dates.ts';
import { pendingVerifications } from '../../services/verification.ts';

export const waEmailList = defineCommand({
  name: 'wa-email-list',
  summary: 'Owner e-mail addresses of the account\'s domains waiting for whois verification: `email<TAB>domain<TAB>deadline`.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  notes:
    'Headers `Columns: email,domain,verification-expires` and `Separator: TAB`; the deadline is ISO 8601 UTC (`2026-01-30T12:00:00Z`). ' +
    'Lists domains still within their period and those already suspended for a missed deadline or a "no", earliest deadline first. Empty when none.',
  async run(ctx) {
    const rows = await pendingVerifications(ctx.db, ctx.account.id);
    const body = rows.map((r) => [r.email, r.domain, isoSeconds(r.deadline)].join('\t')).join('\n');
    return {
      headers: [
        ['Columns', 'email,domain,verification-expires'],
        ['Separator', 'TAB'],
      ],
      body: rows.length ? `${body}\n` : '',
    };
  },
});
