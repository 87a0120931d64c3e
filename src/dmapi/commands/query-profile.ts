import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { parseProfile, profileFields } from '../../services/accounts.ts';
import { formatAmount } from '../../core/money.ts';
import { loginStamp } from '../../core/dates.ts';

export const queryProfile = defineCommand({
  name: 'query-profile',
  summary: 'Reseller profile data as `key: value` lines, including the balance.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run(ctx) {
    const a = ctx.account;
    const profile = parseProfile(a);
    const lines: Array<[string, string]> = [
      ['customer-id', String(a.id)],
      ['login', a.login],
      ['email', a.email],
      ...profileFields.map((f) => [f, profile[f] ?? ''] as [string, string]),
      ['balance', formatAmount(a.balance - a.reserved, a.currency)],
      ['currency', a.currency],
      ['last-payment', ''],
      ['last-access', a.last_login_at ? loginStamp(a.last_login_at) : ''],
      ['contract-date', a.contract_date],
    ];
    return { body: lines.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n' };
  },
});
