import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';

forEachDatabase('query-tld-list', (t) => {
  it('lists the TLDs of the catalogue one per line, the same list login sends', async () => {
    const { call, app } = t();
    await t().reseller('qtl-alice');
    const login = await call('login', { username: 'qtl-alice', password: 'secret-pw' });
    const res = await call('query-tld-list', { 'auth-sid': login.get('Auth-Sid')! });
    assert.equal(res.code, 0);
    assert.equal(res.get('Status-Text'), 'Command completed successfully');
    assert.ok(res.body.endsWith('\n'));
    const tlds = res.body.trimEnd().split('\n');
    assert.deepEqual(tlds, app.deps.tlds.list().map((x) => x.tld));
    assert.ok(tlds.length > 0);
    for (const tld of tlds) assert.match(tld, /^[a-z0-9-]+(\.[a-z0-9-]+)*$/);
    assert.equal(res.body, login.body);
  });

  it('is open to read-only keys and refused without a session', async () => {
    const { call } = t();
    const r = await t().reseller('qtl-bob');
    assert.equal((await call('query-tld-list', { 'auth-sid': await r.session('read-only') })).code, 0);
    const none = await call('query-tld-list');
    assert.equal(none.code, -401);
    assert.equal(none.body, '');
  });
});
