import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mailedKey } from '../../../test/helpers/mailed-keys.ts';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { insertDomain } from '../../../test/helpers/domain-rows.ts';
import { DAY } from '../../core/clock.ts';

forEachDatabase('grants-list', (t) => {
  it('lists grants and invitations in the two documented shapes under RPANEL\'s column names', async () => {
    const { app, call, clock } = t();
    const owner = await t().reseller('gl-owner');
    const helper = await t().reseller('gl-helper');
    await insertDomain(app.deps.db, owner.account.id, 'listed.com', clock.now());
    const empty = await call('grants-list', { 'auth-sid': owner.sid, domain: 'listed.com' });
    assert.equal(empty.code, 0);
    assert.equal(empty.get('Columns'), 'type,number,scope,key,object_type,object_name,role,inviter_login,invited_login,invited_uid,invitee_email,nickname');
    assert.equal(empty.body, '');

    await call('grants-invite', { 'auth-sid': owner.sid, domain: 'listed.com', email: 'gl-helper@example.com', role: '@tech', 'client-uid': helper.account.id, 'nick-name': 'DNS  helper' });
    await call('grants-invite', { 'auth-sid': owner.sid, domain: 'listed.com', email: 'newbie@example.net', role: '@billing' });
    const rows = await app.deps.db.selectFrom('grants').select(['id', 'invite_key']).orderBy('id').execute();
    const [grant, invitation] = rows.slice(-2);

    const r = await call('grants-list', { 'auth-sid': owner.sid, domain: 'LISTED.com' });
    assert.equal(r.code, 0);
    assert.equal(
      r.body,
      `grant 0 ${grant!.id} - domain listed.com @tech gl-owner gl-helper ${helper.account.id} gl-helper@example.com DNS_helper\n` +
        `invitation 1 ${invitation!.id} - domain listed.com @billing - - - newbie@example.net newbie@example.net\n`,
    );
    const withKey = await call('grants-list', { 'auth-sid': owner.sid, domain: 'listed.com', showkey: 1 });
    // Only a hash is stored: showkey derives the mailed key again.
    const key = await mailedKey(app.deps.db, { to: 'newbie@example.net' });
    assert.notEqual(invitation!.invite_key, key);
    assert.equal(withKey.body.split('\n')[1], `invitation 1 ${invitation!.id} ${key} domain listed.com @billing - - - newbie@example.net newbie@example.net`);
    assert.equal(withKey.body.split('\n')[0]!.split(' ')[3], '-');
    // Every line has one field per column.
    for (const line of withKey.body.trim().split('\n')) assert.equal(line.split(' ').length, 12);

    // An invitation nobody took within 30 days is gone.
    clock.advance(30 * DAY);
    const later = await call('grants-list', { 'auth-sid': await owner.session('full'), domain: 'listed.com' });
    assert.equal(later.code, 0, later.raw);
    assert.equal(later.body.trim().split('\n').length, 1);
    assert.match(later.body, /^grant 0 /);
  });

  it('answers another reseller\'s domain like a missing one, and tells a grantee its role does not permit listing', async () => {
    const { app, call, clock } = t();
    const owner = await t().reseller('gl-owner2');
    const other = await t().reseller('gl-other2');
    await insertDomain(app.deps.db, owner.account.id, 'private.com', clock.now());
    for (const domain of ['private.com', 'absent.com']) {
      const r = await call('grants-list', { 'auth-sid': other.sid, domain });
      assert.equal(r.code, 2303);
      assert.equal(r.get('Error'), `domain ${domain} not found`);
    }
    await call('grants-invite', { 'auth-sid': owner.sid, domain: 'private.com', email: other.account.email, role: '@admin', 'client-uid': other.account.id });
    const r = await call('grants-list', { 'auth-sid': other.sid, domain: 'private.com' });
    assert.equal(r.code, 2201);
    assert.equal((await call('grants-list', { 'auth-sid': owner.sid })).code, 2003);
  });

  it('works with a read-only key', async () => {
    const { app, call, clock } = t();
    const owner = await t().reseller('gl-owner3');
    await insertDomain(app.deps.db, owner.account.id, 'readable.com', clock.now());
    const r = await call('grants-list', { 'auth-sid': await owner.session('read-only'), domain: 'readable.com' });
    assert.equal(r.code, 0);
    assert.equal(r.get('Proc-ID'), undefined);
  });
});
