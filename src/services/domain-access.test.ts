import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { insertDomain } from '../../test/helpers/domain-rows.ts';
import { DmapiError } from '../dmapi/errors.ts';
import type { GrantRole } from '../db/schema.ts';
import { accessDomain, domainActions, grantedDomains, normalizeDomainName, roleAllows, type DomainAction } from './domain-access.ts';

const expected: Record<GrantRole, DomainAction[]> = {
  '@creator': ['view', 'dns', 'manage', 'billing', 'owner'],
  '@admin': ['view', 'dns', 'manage'],
  '@billing': ['view', 'billing'],
  '@tech': ['view', 'dns'],
};

async function refusal(p: Promise<unknown>): Promise<DmapiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DmapiError) return err;
    throw err;
  }
  assert.fail('expected a DmapiError');
}

forEachDatabase('domain access', (t) => {
  it('follows the documented role matrix', () => {
    for (const [role, actions] of Object.entries(expected) as Array<[GrantRole, DomainAction[]]>) {
      for (const a of domainActions) assert.equal(roleAllows(role, a), actions.includes(a), `${role} ${a}`);
    }
  });

  it('gives the holder every action and answers a missing domain with 2303', async () => {
    const { app, clock } = t();
    const owner = await t().reseller('da-owner');
    await insertDomain(app.deps.db, owner.account.id, 'own-domain.com', clock.now());
    for (const a of domainActions) {
      const got = await accessDomain(app.deps.db, owner.account.id, 'Own-Domain.COM.', a);
      assert.equal(got.domain.name, 'own-domain.com');
      assert.equal(got.owned, true);
      assert.deepEqual(got.roles, ['@creator']);
    }
    const e = await refusal(accessDomain(app.deps.db, owner.account.id, 'no-such-domain.com', 'view'));
    assert.equal(e.key, 'OBJECT_NOT_FOUND');
    assert.deepEqual(e.details, ['domain no-such-domain.com not found']);
  });

  it("answers another reseller's domain exactly like a missing one", async () => {
    const { app, clock } = t();
    const a = await t().reseller('da-a');
    const b = await t().reseller('da-b');
    await insertDomain(app.deps.db, a.account.id, 'theirs.net', clock.now());
    const other = await refusal(accessDomain(app.deps.db, b.account.id, 'theirs.net', 'view'));
    const none = await refusal(accessDomain(app.deps.db, b.account.id, 'missing.net', 'view'));
    assert.equal(other.key, none.key);
    assert.deepEqual(other.details, ['domain theirs.net not found']);
  });

  it('lets a grantee do what its active roles permit, and names the role otherwise', async () => {
    const { app, clock } = t();
    const db = app.deps.db;
    const owner = await t().reseller('da-holder');
    const guest = await t().reseller('da-guest');
    const id = await insertDomain(db, owner.account.id, 'shared.org', clock.now());
    const grant = (role: GrantRole, state: 'active' | 'revoked' | 'pending') =>
      db
        .insertInto('grants')
        .values({ domain_id: id, inviter_account_id: owner.account.id, role, email: guest.account.email, nickname: 'g', invitee_account_id: state === 'pending' ? null : guest.account.id, invite_key: null, state, created_at: clock.now(), expires_at: null, accepted_at: null, ended_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();

    // Revoked grants and pending invitations give nothing: still "not found".
    await grant('@admin', 'revoked');
    await grant('@admin', 'pending');
    assert.equal((await refusal(accessDomain(db, guest.account.id, 'shared.org', 'view'))).key, 'OBJECT_NOT_FOUND');

    const tech = await grant('@tech', 'active');
    const ok = await accessDomain(db, guest.account.id, 'shared.org', 'dns');
    assert.equal(ok.owned, false);
    assert.deepEqual(ok.roles, ['@tech']);
    const denied = await refusal(accessDomain(db, guest.account.id, 'shared.org', 'billing'));
    assert.equal(denied.key, 'ACCESS_DENIED');
    assert.match(denied.details[0]!, /your role @tech on shared\.org does not permit renewing/);
    assert.equal((await refusal(accessDomain(db, guest.account.id, 'shared.org', 'owner'))).key, 'ACCESS_DENIED');

    // Roles add up.
    await grant('@billing', 'active');
    const both = await accessDomain(db, guest.account.id, 'shared.org', 'billing');
    assert.deepEqual(both.roles.sort(), ['@billing', '@tech']);
    assert.deepEqual((await grantedDomains(db, guest.account.id)).map((g) => [g.domain.name, g.roles.sort()]), [['shared.org', ['@billing', '@tech']]]);

    await db.updateTable('grants').set({ state: 'revoked' }).where('id', '=', tech.id).execute();
    assert.equal((await refusal(accessDomain(db, guest.account.id, 'shared.org', 'dns'))).key, 'ACCESS_DENIED');
  });

  it('normalises names to lowercase A-labels', () => {
    assert.equal(normalizeDomainName(' Example.COM. '), 'example.com');
    assert.equal(normalizeDomainName('bücher.de'), 'xn--bcher-kva.de');
  });
});
