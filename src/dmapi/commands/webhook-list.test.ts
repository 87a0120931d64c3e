import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';

forEachDatabase('webhook-list', (t) => {
  it('lists the account\'s endpoints with a Columns header, never their secrets nor another account\'s', async () => {
    const a = await t().reseller('wl-alice');
    const b = await t().reseller('wl-bob');
    assert.equal((await t().call('webhook-list', { 'auth-sid': a.sid })).body, '');
    await t().call('webhook-create', { 'auth-sid': a.sid, url: 'https://one.example/hook', secret: 'alice-secret-0123456789', description: 'the shop' });
    await t().call('webhook-create', { 'auth-sid': a.sid, url: 'http://two.example:8080/' });
    await t().call('webhook-create', { 'auth-sid': b.sid, url: 'https://bob.example/' });
    const res = await t().call('webhook-list', { 'auth-sid': await a.session('read-only') });
    assert.equal(res.code, 0, res.raw);
    assert.equal(res.get('Columns'), 'id,url,created,description');
    assert.equal(res.get('Row-Count'), '2');
    const lines = res.body.trimEnd().split('\n').map((l) => l.split(' '));
    assert.deepEqual(lines.map((f) => [f[1], f[3]]), [['https://one.example/hook', 'the_shop'], ['http://two.example:8080/', '-']]);
    assert.match(lines[0]![2]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.doesNotMatch(res.raw, /alice-secret|bob\.example/);
  });
});
