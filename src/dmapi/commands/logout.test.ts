import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';

forEachDatabase('logout', (t) => {
  it('answers OK with an empty body, and the session is dead afterwards', async () => {
    const { call } = t();
    const r = await t().reseller('lo-alice');
    assert.equal((await call('query-profile', { 'auth-sid': r.sid })).code, 0);
    const out = await call('logout', { 'auth-sid': r.sid });
    assert.equal(out.code, 0);
    assert.equal(out.get('Status-Text'), 'OK');
    assert.equal(out.body, '');
    assert.equal(out.all('Error').length, 0);
    assert.ok(out.raw.endsWith('\n\n'));
    const after = await call('query-profile', { 'auth-sid': r.sid });
    assert.equal(after.code, -401);
    assert.equal(after.get('Status-Text'), 'Authentication error');
    assert.match(after.get('Error')!, /session expired or invalid/);
    // A second logout with the dead session is refused the same way.
    assert.equal((await call('logout', { 'auth-sid': r.sid })).code, -401);
  });

  it('ends only its own session', async () => {
    const { call } = t();
    const r = await t().reseller('lo-bob');
    const other = await r.session('full');
    assert.equal((await call('logout', { 'auth-sid': r.sid })).code, 0);
    assert.equal((await call('query-profile', { 'auth-sid': other })).code, 0);
  });

  it('logs out a session carried only by the dmapi-auth cookie', async () => {
    const { call } = t();
    await t().reseller('lo-carol');
    const login = await call('login', { username: 'lo-carol', password: 'secret-pw' });
    const cookie = login.setCookie!.split(';')[0]!;
    assert.equal(cookie, `dmapi-auth=${login.get('Auth-Sid')}`);
    assert.equal((await call('query-profile', {}, { cookie })).code, 0);
    const out = await call('logout', {}, { cookie });
    assert.equal(out.code, 0);
    assert.equal(out.get('Status-Text'), 'OK');
    assert.equal((await call('query-profile', {}, { cookie })).code, -401);
    assert.equal((await call('query-profile', { 'auth-sid': login.get('Auth-Sid')! })).code, -401);
  });

  it('refuses a logout without any session', async () => {
    const r = await t().call('logout');
    assert.equal(r.code, -401);
    assert.match(r.get('Error')!, /no session/);
  });
});
