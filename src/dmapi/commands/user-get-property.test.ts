import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';

forEachDatabase('user-get-property', (t) => {
  it('answers `user.property.autorenew: <0|1>` as RPANEL asks for it, and for * or no names', async () => {
    const r = await t().reseller('ugp-alice');
    const get = (p: Record<string, string | number>) => t().call('user-get-property', { 'auth-sid': r.sid, ...p });
    const rpanel = await get({ pname: 'autorenew', ptype: 'property', uid: r.account.id });
    assert.equal(rpanel.code, 0, rpanel.raw);
    assert.equal(rpanel.body, 'user.property.autorenew: 0\n');
    assert.equal(rpanel.get('Proc-ID'), undefined, 'a read');
    assert.equal((await t().call('user-set-property', { 'auth-sid': r.sid, pname: 'autorenew', pvalue: 1 })).code, 0);
    for (const p of [{}, { pname: '*' }, { ptype: '*', uid: '*' }, { pname: 'AUTORENEW', ptype: 'Property' }]) {
      assert.equal((await get(p)).body, 'user.property.autorenew: 1\n', JSON.stringify(p));
    }
    // RPANEL splits the key on "." and trims the ":" off the last part.
    const [key, value] = (await get({})).body.trim().split(' ');
    assert.deepEqual([...key!.split('.').slice(0, 2), key!.split('.')[2]!.replace(/:$/, ''), value], ['user', 'property', 'autorenew', '1']);
  });

  it("refuses unknown names and types, and another account's uid like a missing one; read-only keys may read", async () => {
    const r = await t().reseller('ugp-bob');
    const other = await t().reseller('ugp-carol');
    const get = async (p: Record<string, string | number>, sid = r.sid) => t().call('user-get-property', { 'auth-sid': sid, ...p });
    assert.equal((await get({ pname: 'colour' })).code, 2004);
    const type = await get({ ptype: 'setting' });
    assert.equal(type.code, 2004);
    assert.equal(type.get('Error'), "invalid 'ptype' (setting is not a property type; use property or *)");
    const theirs = await get({ uid: other.account.id });
    assert.equal(theirs.code, 2303);
    assert.equal(theirs.get('Error'), `user ${other.account.id} not found`);
    assert.equal((await get({}, await r.session('read-only'))).code, 0);
  });
});
