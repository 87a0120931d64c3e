import type { TestApp } from './harness.ts';

const YEAR = 365 * 86_400_000;

/** Inserts a domain row for `accountId` directly (the domains requests come with issue 4). */
export async function addDomain(t: TestApp, accountId: number, name: string, expiresAt = t.clock.now() + YEAR): Promise<number> {
  const now = t.clock.now();
  const row = await t.app.deps.db
    .insertInto('domains')
    .values({ account_id: accountId, name, tld: name.slice(name.indexOf('.') + 1), created_at: now, expires_at: expiresAt, updated_at: now, autorenew: 0, locked: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The queued dns-notify jobs, oldest first, as `{ origin, serial, runAt }`. */
export async function notifyJobs(t: TestApp): Promise<Array<{ origin: string; serial: number; runAt: number }>> {
  const rows = await t.app.deps.db.selectFrom('jobs').select(['payload', 'run_at']).where('kind', '=', 'dns-notify').orderBy('id').execute();
  return rows.map((r) => ({ ...(JSON.parse(r.payload) as { origin: string; serial: number }), runAt: r.run_at }));
}

/** Gives `inviteeId` an active grant of `role` on the domain `domainId` held by `holderId`. */
export async function addGrant(t: TestApp, domainId: number, holderId: number, inviteeId: number, role: '@admin' | '@billing' | '@tech' | '@creator'): Promise<void> {
  await t.app.deps.db
    .insertInto('grants')
    .values({
      domain_id: domainId,
      inviter_account_id: holderId,
      role,
      email: `grantee-${inviteeId}@example.com`,
      nickname: 'test grant',
      invitee_account_id: inviteeId,
      invite_key: null,
      state: 'active',
      created_at: t.clock.now(),
      expires_at: null,
      accepted_at: t.clock.now(),
      ended_at: null,
    })
    .execute();
}
