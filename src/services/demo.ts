import type { Executor } from '../db/database.ts';
import { createAccount, createApiKey } from './accounts.ts';

export const DEMO = { login: 'demo', password: 'demo', apiKey: 'demo-api-key', balance: 100_000, currency: 'USD' } as const;

/** Creates the demo reseller when the database has no account at all; returns whether it did. */
export async function ensureDemoAccount(db: Executor, now: number): Promise<boolean> {
  const any = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const account = await createAccount(
    db,
    { login: DEMO.login, email: 'demo@example.com', password: DEMO.password, currency: DEMO.currency, balance: DEMO.balance, profile: { fname: 'Demo', lname: 'Reseller', organization: 'dmapid sandbox', country: 'US' } },
    now,
  );
  await createApiKey(db, account.id, 'full', 'demo key', now, DEMO.apiKey);
  return true;
}
