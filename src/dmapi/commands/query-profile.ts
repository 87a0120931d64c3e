import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { parseProfile, profileFields } from '../../services/accounts.ts';
import { formatAmount } from '../../core/money.ts';
import { isoDate, loginStamp } from '../../core/dates.ts';
import { lastPayment } from '../../billing/ledger.ts';

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
    const paid = await lastPayment(ctx.db, a.id);
    const lines: Array<[string, string]> = [
      ['customer-id', String(a.id)],
      ['login', a.login],
      ['email', a.email],
      ...profileFields.map((f) => [f, profile[f] ?? ''] as [string, string]),
      ['balance', formatAmount(a.balance - a.reserved, a.currency)],
      ['currency', a.currency],
      ['last-payment', paid ? isoDate(paid.at) : ''],
      ['last-access', a.last_login_at ? loginStamp(a.last_login_at) : ''],
      ['contract-date', a.contract_date],
    ];
    return { body: lines.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n' };
  },
});
