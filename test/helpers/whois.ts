import type { TestApp } from './harness.ts';
import { insertDomain } from './domain-rows.ts';
import { startVerification } from '../../src/services/verification.ts';

/** A domain in `accountId`'s portfolio whose owner address `email` waits for verification; returns the key. */
export async function domainAwaitingVerification(t: TestApp, accountId: number, domain: string, email: string): Promise<{ key: string; deadline: number }> {
  const { app, clock } = t;
  return app.deps.db.transaction().execute(async (db) => {
    const exists = await db.selectFrom('domains').select('id').where('name', '=', domain).executeTakeFirst();
    if (!exists) await insertDomain(db, accountId, domain, clock.now());
    const out = await startVerification({ db, now: clock.now(), deps: app.deps }, { email, domain, accountId });
    if (out.status !== 'pending') throw new Error(`${email} is verified already`);
    return { key: out.key, deadline: out.deadline };
  });
}
