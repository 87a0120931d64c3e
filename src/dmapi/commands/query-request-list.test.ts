import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';

forEachDatabase('query-request-list', (t) => {
  it('lists every request and alias of the command table, one per line, sorted', async () => {
    const { call, app } = t();
    const r = await t().reseller('qrl-alice');
    const res = await call('query-request-list', { 'auth-sid': r.sid });
    assert.equal(res.code, 0);
    assert.ok(res.body.endsWith('\n'));
    const listed = res.body.trimEnd().split('\n');
    const expected = app.table.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    assert.deepEqual([...listed].sort(), [...expected].sort());
    assert.deepEqual(listed, [...listed].sort());
    // RPANEL refuses any request this list lacks: the ones it calls right after login must be here.
    for (const name of ['login', 'logout', 'query-profile', 'query-request-list', 'query-tld-list', 'version', 'result-list', 'result-retrieve', 'result-delete', 'query-domain-list', 'query-account-balance']) {
      assert.ok(listed.includes(name), `${name} missing`);
    }
    // Every listed name is really dispatched (first token of the line is the name).
    for (const name of listed) assert.ok(app.table.lookup(name), `${name} is listed but not dispatched`);
  });

  it('is a read request: open to read-only keys, refused without a session', async () => {
    const { call } = t();
    const r = await t().reseller('qrl-bob');
    assert.equal((await call('query-request-list', { 'auth-sid': await r.session('read-only') })).code, 0);
    assert.equal((await call('query-request-list')).code, -401);
  });
});
