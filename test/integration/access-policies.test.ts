import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, injectCall, toTestReply } from '../helpers/harness.ts';
import type { AccessPolicy } from '../../src/services/access-policy.ts';

forEachDatabase('allowed addresses and request budgets', (t) => {
  const setPolicy = async (table: 'accounts' | 'api_keys', id: number, p: AccessPolicy | null) => {
    await t().app.deps.db.updateTable(table).set({ access_policy: p ? JSON.stringify(p) : null }).where('id', '=', id).execute();
  };

  it('refuses requests from addresses the account does not allow, in a DMAPI error', async () => {
    const r = await t().reseller('ap-alice');
    await setPolicy('accounts', r.account.id, { allow: ['10.0.0.0/8', '2001:db8::/32'] });
    const outside = await injectCall(t().app.http, 'query-profile', { 'auth-sid': r.sid }, { ip: '192.0.2.7' });
    assert.equal(outside.httpStatus, 200);
    assert.equal(outside.code, 2201);
    assert.deepEqual(outside.all('Error'), ['requests from 192.0.2.7 are not allowed for this account']);
    assert.equal((await injectCall(t().app.http, 'query-profile', { 'auth-sid': r.sid }, { ip: '10.1.2.3' })).code, 0);
    assert.equal((await injectCall(t().app.http, 'query-profile', { 'auth-sid': r.sid }, { ip: '2001:db8::5' })).code, 0);
    await setPolicy('accounts', r.account.id, null);
    assert.equal((await injectCall(t().app.http, 'query-profile', { 'auth-sid': r.sid }, { ip: '192.0.2.7' })).code, 0, 'cleared: no limit');
  });

  it('applies a key\'s budget to its requests, says when to retry (Retry-After), and opens again after the window', async () => {
    const r = await t().reseller('ap-bob');
    const keyed = await r.session('modify-only');
    const key = await t().app.deps.db.selectFrom('api_keys').select('id').where('account_id', '=', r.account.id).where('scope', '=', 'modify-only').executeTakeFirstOrThrow();
    await setPolicy('api_keys', key.id, { perMinute: 3 });
    t().clock.set(Math.ceil(t().clock.now() / 60_000) * 60_000 + 10_000);
    for (let i = 0; i < 3; i++) assert.equal((await t().call('query-profile', { 'auth-sid': keyed })).code, 0);
    const res = await t().app.http.inject({ method: 'GET', url: `/request/query-profile?auth-sid=${keyed}` });
    const over = toTestReply(res.body, res.statusCode, undefined);
    assert.equal(over.httpStatus, 200);
    assert.equal(over.code, 2502);
    assert.deepEqual(over.all('Error'), ['more than 3 requests a minute; try again in 50 seconds']);
    assert.equal(res.headers['retry-after'], '50');
    // The account's own (full) session has no such budget.
    assert.equal((await t().call('query-profile', { 'auth-sid': r.sid })).code, 0);
    t().clock.advance(50_000);
    assert.equal((await t().call('query-profile', { 'auth-sid': keyed })).code, 0);
  });

  it('counts availability checks apart from other requests', async () => {
    const r = await t().reseller('ap-carol');
    await setPolicy('accounts', r.account.id, { checksPerDay: 1, perDay: 100 });
    assert.equal((await t().call('domain-check', { 'auth-sid': r.sid, domain: 'free-name-one.com' })).code, 0);
    const second = await t().call('domain-check', { 'auth-sid': r.sid, domain: 'free-name-two.com' });
    assert.equal(second.code, 2502);
    assert.match(second.all('Error')[0]!, /^more than 1 availability checks a day; try again in \d+ seconds$/);
    assert.equal((await t().call('query-profile', { 'auth-sid': r.sid })).code, 0, 'other requests have their own budget');
  });
});
