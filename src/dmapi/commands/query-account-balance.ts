import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { formatAmount } from '../../core/money.ts';

export const queryAccountBalance = defineCommand({
  name: 'query-account-balance',
  summary: 'Available, pending (reserved for queued operations) and total balance with the currency.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run(ctx) {
    const a = await ctx.db.selectFrom('accounts').select(['balance', 'reserved', 'currency']).where('id', '=', ctx.account.id).executeTakeFirstOrThrow();
    const m = (n: number) => formatAmount(n, a.currency);
    return {
      headers: [['Columns', 'available,pending,total,currency'], ['Separator', 'TAB']],
      body: [m(a.balance - a.reserved), m(a.reserved), m(a.balance), a.currency].join('\t') + '\n',
    };
  },
});
