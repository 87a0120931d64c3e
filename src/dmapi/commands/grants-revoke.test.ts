import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mailedKey } from '../../../test/helpers/mailed-keys.ts';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { insertDomain } from '../../../test/helpers/domain-rows.ts';
import { listMail } from '../../mail/outbox.ts';
import { accessDomain } from '../../services/domain-access.ts';
import { findInvitation } from '../../services/grants.ts';

forEachDatabase('grants-revoke', (t) => {
  it('ends a grant: the grantee loses the domain and is told', async () => {
    const { app, call, clock } = t();
    const owner = await t().reseller('gr-owner');
    const helper = await t().reseller('gr-helper');
    await insertDomain(app.deps.db, owner.account.id, 'revoked.com', clock.now());
    await call('grants-invite', { 'auth-sid': owner.sid, domain: 'revoked.com', email: helper.account.email, role: '@tech', 'client-uid': helper.account.id });
    const g = await app.deps.db.selectFrom('grants').selectAll().where('invitee_account_id', '=', helper.account.id).executeTakeFirstOrThrow();
    await accessDomain(app.deps.db, helper.account.id, 'revoked.com', 'dns');

    // Every field must match the record.
    for (const wrong of [{ role: '@admin' }, { type: 'invitation' }, { scope: g.id + 1000 }]) {
      const r = await call('grants-revoke', { 'auth-sid': owner.sid, domain: 'revoked.com', role: '@tech', scope: g.id, type: 'grant', ...wrong });
      assert.equal(r.code, 2303, JSON.stringify(wrong));
      assert.match(r.get('Error')!, /^no (grant|invitation) with scope \d+ and role @\w+ on revoked\.com$/);
    }
    const r = await call('grants-revoke', { 'auth-sid': owner.sid, domain: 'revoked.com', role: '@tech', scope: g.id, type: 'grant' });
    assert.equal(r.code, 0, r.raw);
    assert.equal(r.body, 'ok');
    assert.ok(r.get('Proc-ID'));
    await assert.rejects(accessDomain(app.deps.db, helper.account.id, 'revoked.com', 'view'), /domain revoked\.com not found/);
    assert.equal((await call('grants-list', { 'auth-sid': owner.sid, domain: 'revoked.com' })).body, '');
    const [mail] = await listMail(app.deps.db, { to: helper.account.email });
    assert.equal(mail!.subject, 'Role revoked: @tech on revoked.com');
    // Twice is once too often.
    assert.equal((await call('grants-revoke', { 'auth-sid': owner.sid, domain: 'revoked.com', role: '@tech', scope: g.id, type: 'grant' })).code, 2303);
  });

  it('withdraws an invitation: its link stops working', async () => {
    const { app, call, clock } = t();
    const owner = await t().reseller('gr-owner2');
    await insertDomain(app.deps.db, owner.account.id, 'withdrawn.com', clock.now());
    await call('grants-invite', { 'auth-sid': owner.sid, domain: 'withdrawn.com', email: 'maybe@example.net', role: '@creator' });
    const g = await app.deps.db.selectFrom('grants').selectAll().where('email', '=', 'maybe@example.net').executeTakeFirstOrThrow();
    const key = await mailedKey(app.deps.db, { to: 'maybe@example.net' });
    assert.ok(await findInvitation(app.deps.db, key, clock.now()));
    const r = await call('grants-revoke', { 'auth-sid': owner.sid, domain: 'withdrawn.com', role: 'creator', scope: g.id, type: 'invitation' });
    assert.equal(r.code, 0, r.raw);
    assert.equal(await findInvitation(app.deps.db, key, clock.now()), undefined);
    const mails = await listMail(app.deps.db, { to: 'maybe@example.net' });
    assert.deepEqual(mails.map((m) => m.kind), ['grant-revoked', 'grant-invitation']);
  });

  it('refuses other resellers, grantees, read-only keys and bad parameters', async () => {
    const { app, call, clock } = t();
    const owner = await t().reseller('gr-owner3');
    const other = await t().reseller('gr-other3');
    await insertDomain(app.deps.db, owner.account.id, 'guarded.com', clock.now());
    await call('grants-invite', { 'auth-sid': owner.sid, domain: 'guarded.com', email: other.account.email, role: '@admin', 'client-uid': other.account.id });
    const g = await app.deps.db.selectFrom('grants').selectAll().where('invitee_account_id', '=', other.account.id).executeTakeFirstOrThrow();
    const params = { domain: 'guarded.com', role: '@admin', scope: g.id, type: 'grant' };
    assert.equal((await call('grants-revoke', { 'auth-sid': other.sid, ...params })).code, 2201);
    const stranger = await t().reseller('gr-stranger3');
    const r = await call('grants-revoke', { 'auth-sid': stranger.sid, ...params });
    assert.equal(r.code, 2303);
    assert.equal(r.get('Error'), 'domain guarded.com not found');
    assert.equal((await call('grants-revoke', { 'auth-sid': await owner.session('read-only'), ...params })).code, 2201);
    assert.equal((await call('grants-revoke', { 'auth-sid': owner.sid, ...params, type: 'both' })).code, 2005);
    assert.equal((await call('grants-revoke', { 'auth-sid': owner.sid, ...params, scope: 'x' })).code, 2005);
    const missing = await call('grants-revoke', { 'auth-sid': owner.sid, domain: 'guarded.com', role: '@admin', type: 'grant' });
    assert.equal(missing.code, 2003);
    assert.equal(missing.get('Error'), "missing parameter 'scope'");
    // Still in force after all that.
    assert.equal((await accessDomain(app.deps.db, other.account.id, 'guarded.com', 'manage')).owned, false);
    assert.equal((await call('grants-revoke', { 'auth-sid': await owner.session('modify-only'), ...params })).code, 0);
  });
});
