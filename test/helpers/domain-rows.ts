import type { Executor } from '../../src/db/database.ts';
import { DAY } from '../../src/core/clock.ts';

/** Puts a domain straight into an account's portfolio (no registration flow needed). */
export async function insertDomain(db: Executor, accountId: number, name: string, now: number): Promise<number> {
  const row = await db
    .insertInto('domains')
    .values({ account_id: accountId, name, tld: name.slice(name.indexOf('.') + 1), created_at: now, expires_at: now + 365 * DAY, updated_at: now, autorenew: 0, locked: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
