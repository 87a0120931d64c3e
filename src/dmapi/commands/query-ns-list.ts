import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { optFlag, pattern } from '../params.ts';
import { addressesOf, listHosts } from '../../services/hosts.ts';

export const queryNsList = defineCommand({
  name: 'query-ns-list',
  aliases: ['query-host-list'],
  summary: 'The account\'s name servers, one per line; full=1 adds IPv4 and IPv6 columns.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    pattern: pattern('the host name'),
    full: optFlag().describe('1: `host<TAB>ipv4<TAB>ipv6`, `-` where a family has no address'),
  }),
  errors: [],
  notes: 'Sorted by name. Several addresses of one family are comma-separated in their column. An empty list is a success with an empty body, as query-domain-list.',
  async run(ctx, p) {
    const rows = await listHosts(ctx.db, ctx.account.id, p.pattern);
    const line = (r: (typeof rows)[number]) => {
      if (!p.full) return r.name;
      const a = addressesOf(r);
      return [r.name, a.ipv4.join(',') || '-', a.ipv6.join(',') || '-'].join('\t');
    };
    return { body: rows.map((r) => line(r) + '\n').join('') };
  },
});
