import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../../test/helpers/harness.ts';
import { insertDomain } from '../../../test/helpers/domain-rows.ts';
import { accessDomain } from '../../services/domain-access.ts';
import { keyHash } from '../../services/answer-keys.ts';
import { mailedKey } from '../../../test/helpers/mailed-keys.ts';

/** An owner with a domain, and a pending invitation for `inviteeLogin`'s e-mail address; returns its key. */
async function invite(t: TestApp, ownerLogin: string, domain: string, inviteeEmail: string, role: string) {
  const owner = await t.reseller(ownerLogin);
  await insertDomain(t.app.deps.db, owner.account.id, domain, t.clock.now());
  const r = await t.call('grants-invite', { 'auth-sid': owner.sid, domain, email: inviteeEmail, role });
  assert.equal(r.code, 0, r.raw);
  return { owner, key: await mailedKey(t.app.deps.db, { to: inviteeEmail, kind: 'grant-invitation' }) };
}

forEachDatabase('grants-accept', (t) => {
  it('lets the invited account accept with the key: the grant is active and acts on the domain', async () => {
    const { app, call } = t();
    const invitee = await t().reseller('ga-invitee');
    const { key } = await invite(t(), 'ga-owner', 'accept-me.com', 'ga-invitee@example.com', '@tech');
    await assert.rejects(accessDomain(app.deps.db, invitee.account.id, 'accept-me.com', 'dns'));
    const r = await call('grants-accept', { 'auth-sid': invitee.sid, key });
    assert.equal(r.code, 0, r.raw);
    assert.equal(r.body, 'ok');
    assert.match(r.get('Proc-ID')!, /^\d+$/);
    const access = await accessDomain(app.deps.db, invitee.account.id, 'accept-me.com', 'dns');
    assert.equal(access.domain.name, 'accept-me.com');
    assert.equal(access.owned, false);
    assert.deepEqual(access.roles, ['@tech']);
    const g = await app.deps.db.selectFrom('grants').selectAll().where('invite_key', '=', keyHash(key)).executeTakeFirstOrThrow();
    assert.equal(g.state, 'active');
    assert.equal(g.invitee_account_id, invitee.account.id);
    const again = await call('grants-accept', { 'auth-sid': invitee.sid, key });
    assert.equal(again.code, 2303, 'an answered invitation is gone');
  });

  it('declines with answer=no', async () => {
    const { app, call } = t();
    const invitee = await t().reseller('ga-decliner');
    const { key } = await invite(t(), 'ga-owner2', 'decline-me.com', 'ga-decliner@example.com', '@admin');
    const r = await call('grants-accept', { 'auth-sid': invitee.sid, key, answer: 'no' });
    assert.equal(r.code, 0, r.raw);
    const g = await app.deps.db.selectFrom('grants').select('state').where('invite_key', '=', keyHash(key)).executeTakeFirstOrThrow();
    assert.equal(g.state, 'declined');
    await assert.rejects(accessDomain(app.deps.db, invitee.account.id, 'decline-me.com', 'view'));
  });

  it('moves the domain into the accepting account for @creator, with the autorenew the offer showed, and needs a full-scope session', async () => {
    const { app, call } = t();
    const invitee = await t().reseller('ga-taker');
    const { owner, key } = await invite(t(), 'ga-giver', 'take-me.com', 'ga-taker@example.com', '@creator');
    // The giver turns autorenew on after the offer (which said off): the taker gets what it was shown.
    await app.deps.db.updateTable('domains').set({ autorenew: 1 }).where('name', '=', 'take-me.com').execute();
    const mo = await invitee.session('modify-only');
    const denied = await call('grants-accept', { 'auth-sid': mo, key });
    assert.equal(denied.code, 2201);
    assert.equal(denied.get('Error'), 'this session uses a modify-only API key, which cannot run requests that cause costs (grants-accept of @creator takes on the domain and its renewals)');
    assert.equal((await call('grants-accept', { 'auth-sid': invitee.sid, key })).code, 0);
    const d = await app.deps.db.selectFrom('domains').select(['account_id', 'autorenew']).where('name', '=', 'take-me.com').executeTakeFirstOrThrow();
    assert.equal(d.account_id, invitee.account.id);
    assert.equal(d.autorenew, 0);
    const list = await call('query-domain-list', { 'auth-sid': owner.sid });
    assert.equal(list.body, '', 'gone from the giver');
    const events = await app.deps.db.selectFrom('events').select(['account_id', 'type']).where('object', '=', 'take-me.com').where('type', 'like', 'domain.transferred-%').orderBy('id').execute();
    assert.deepEqual(
      events.map((e) => [e.account_id, e.type]).sort(),
      [
        [owner.account.id, 'domain.transferred-away'],
        [invitee.account.id, 'domain.transferred-in'],
      ].sort(),
      'both accounts get an event of the move',
    );
  });

  it('lets a modify-only key decline a @creator offer', async () => {
    const { app, call } = t();
    const invitee = await t().reseller('ga-refuser');
    const { key } = await invite(t(), 'ga-giver2', 'refuse-me.com', 'ga-refuser@example.com', '@creator');
    assert.equal((await call('grants-accept', { 'auth-sid': await invitee.session('modify-only'), key, answer: 'no' })).code, 0);
    assert.equal((await app.deps.db.selectFrom('grants').select('state').where('invite_key', '=', keyHash(key)).executeTakeFirstOrThrow()).state, 'declined');
  });

  it('answers 2303 for an unknown key and for a key addressed to someone else', async () => {
    const { call } = t();
    const stranger = await t().reseller('ga-stranger');
    const { key } = await invite(t(), 'ga-owner3', 'not-yours.com', 'someone-else@example.org', '@tech');
    for (const k of [key, 'f'.repeat(32)]) {
      const r = await call('grants-accept', { 'auth-sid': stranger.sid, key: k });
      assert.equal(r.code, 2303, r.raw);
      assert.equal(r.get('Error'), 'no pending invitation with this key for this account');
    }
  });

  it('requires the key, refuses a bad answer, and refuses a read-only key', async () => {
    const { call } = t();
    const invitee = await t().reseller('ga-ro');
    const { key } = await invite(t(), 'ga-owner4', 'ro-key.com', 'ga-ro@example.com', '@tech');
    assert.equal((await call('grants-accept', { 'auth-sid': invitee.sid })).code, 2003);
    assert.equal((await call('grants-accept', { 'auth-sid': invitee.sid, key, answer: 'maybe' })).code, 2005);
    const ro = await call('grants-accept', { 'auth-sid': await invitee.session('read-only'), key });
    assert.equal(ro.code, 2201);
    assert.equal((await call('grants-accept', { 'auth-sid': await invitee.session('modify-only'), key })).code, 0, 'accepting costs nothing');
  });
});
