import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { productVersion } from '../../obs/version.ts';

forEachDatabase('version', (t) => {
  it('answers the interface version in the Version header and in a body line', async () => {
    const { call } = t();
    const r = await t().reseller('ver-alice');
    const res = await call('version', { 'auth-sid': r.sid });
    assert.equal(res.code, 0);
    assert.equal(res.get('Version'), '1.2.53');
    assert.equal(res.body, `Version: 1.2.53\nServer: dmapid ${productVersion}\n`);
    // NJD checks that major.minor is 1.2.
    assert.match(res.body.split('\n')[0]!, /^Version: 1\.2(\.|$)/);
  });

  it('is open to read-only keys and refused without a session', async () => {
    const { call } = t();
    const r = await t().reseller('ver-bob');
    assert.equal((await call('version', { 'auth-sid': await r.session('read-only') })).code, 0);
    assert.equal((await call('version')).code, -401);
  });
});
