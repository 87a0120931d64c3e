import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addDomain } from '../../../test/helpers/zones.ts';
import { createDefaultZone } from '../../zone/store.ts';

forEachDatabase('dns-zone-list', (t) => {
  it('answers an empty success when the account has no hosted zone', async () => {
    const { call } = t();
    const r = await t().reseller('zl-alice');
    await addDomain(t(), r.account.id, 'alice-nozone.com');
    const list = await call('dns-zone-list', { 'auth-sid': r.sid });
    assert.equal(list.code, 0, list.raw);
    assert.equal(list.body, '');
    assert.ok(list.raw.endsWith('\n\n'));
  });

  it('lists hosted zones as `<domain> <expiration>` sorted by name, filtered by pattern, only its own', async () => {
    const { call, clock } = t();
    const r = await t().reseller('zl-bob');
    const other = await t().reseller('zl-carol');
    const expires = Date.parse('2027-03-04T10:00:00Z');
    await addDomain(t(), r.account.id, 'zeta-bob.com', expires);
    await addDomain(t(), r.account.id, 'alpha-bob.net', expires + 86_400_000);
    await addDomain(t(), r.account.id, 'unhosted-bob.org', expires);
    const created = await addDomain(t(), r.account.id, 'default-bob.com', expires);
    await addDomain(t(), other.account.id, 'carol-owns.com', expires);
    for (const d of ['zeta-bob.com', 'alpha-bob.net']) await call('dns-zone-put', { 'auth-sid': r.sid, domain: d, zone: 'www A 0 192.0.2.1 300' });
    await call('dns-zone-put', { 'auth-sid': other.sid, domain: 'carol-owns.com', zone: '' });
    await t().app.deps.db.transaction().execute((trx) => createDefaultZone(trx, created, clock.now()));

    const all = await call('dns-zone-list', { 'auth-sid': r.sid });
    assert.equal(all.body, 'alpha-bob.net 2027-03-05\ndefault-bob.com 2027-03-04\nzeta-bob.com 2027-03-04');
    assert.equal(all.get('Columns'), undefined);
    assert.equal((await call('dns-zone-list', { 'auth-sid': r.sid, pattern: '*.com' })).body, 'default-bob.com 2027-03-04\nzeta-bob.com 2027-03-04');
    assert.equal((await call('dns-zone-list', { 'auth-sid': r.sid, pattern: 'ALPHA-???.net' })).body, 'alpha-bob.net 2027-03-05');
    assert.equal((await call('dns-zone-list', { 'auth-sid': other.sid })).body, 'carol-owns.com 2027-03-04');
  });

  it('is a read: a read-only key may list', async () => {
    const r = await t().reseller('zl-dave');
    const list = await t().call('dns-zone-list', { 'auth-sid': await r.session('read-only') });
    assert.equal(list.code, 0, list.raw);
  });
});
