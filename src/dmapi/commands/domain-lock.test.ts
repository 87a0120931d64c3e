import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addGrant } from '../../../test/helpers/zones.ts';
import { atRegistry, domainReseller, domainRow, later, performed, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { DAY } from '../../core/clock.ts';
import { RegistryError, simulatorOf } from '../../registry/index.ts';

forEachDatabase('domain-lock', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;

  it('setup', async () => {
    alice = await domainReseller(t(), 'lck-alice');
    bob = await domainReseller(t(), 'lck-bob');
    await registered(t(), alice, 'lock-me.com');
  });

  it('locks at the registry (clientTransferProhibited): shown in lists and whois, transfers refused', async () => {
    const res = await performed(t(), alice.sid, 'domain-lock', { domain: 'lock-me.com' });
    assert.equal(res.status, 'ack', res.body);
    assert.equal(res.text, 'result_msg: lock-me.com locked: transfers to another registrar are refused\nregistry_status: clientTransferProhibited');
    assert.equal((await domainRow(t(), 'lock-me.com'))!.locked, 1);
    assert.deepEqual((await atRegistry(t(), 'lock-me.com'))!.statuses, ['clientTransferProhibited']);
    const list = await t().call('query-domain-list', { 'auth-sid': alice.sid, showstatus: 1 });
    assert.match(list.body, /^lock-me.com \d{4}-\d{2}-\d{2} production,lock$/m);
    assert.match((await t().call('query-whois', { 'auth-sid': alice.sid, domain: 'lock-me.com' })).body, /^domain.status: production,lock$/m);
    const orders = await t().call('query-order-list', { 'auth-sid': alice.sid, 'show-all': 1, type: 'lock' });
    assert.match(orders.body, /lock-me.com/);
    // Another registrar trying to take the name, even with a valid code, is refused.
    const code = (await performed(t(), alice.sid, 'domain-transfer-get-auth-id', { domain: 'lock-me.com' })).text.match(/"([^"]+)"/)![1]!;
    t().clock.advance(61 * DAY);
    await assert.rejects(
      simulatorOf(t().app.deps).openAs('sim-budgetnames', t().app.deps.db, t().clock.now()).requestTransfer('lock-me.com', code),
      (e: unknown) => e instanceof RegistryError && e.code === 2304,
    );
    alice = await later(t(), alice, 0);
  });

  it('locking a locked domain succeeds and changes nothing', async () => {
    const res = await performed(t(), alice.sid, 'domain-lock', { domain: 'lock-me.com' });
    assert.equal(res.status, 'ack');
    assert.match(res.text, /^result_msg: lock-me.com was locked already$/m);
  });

  it('is refused to read-only keys, to other accounts and to roles that may not manage the domain', async () => {
    await registered(t(), alice, 'guarded-lock.com');
    const ro = await t().call('domain-lock', { 'auth-sid': await alice.session('read-only'), domain: 'guarded-lock.com' });
    assert.equal(ro.code, 2201);
    bob = { ...bob, sid: await bob.session('full') };
    const foreign = await t().call('domain-lock', { 'auth-sid': bob.sid, domain: 'guarded-lock.com' });
    assert.equal(foreign.code, 2303);
    assert.equal(foreign.get('Error'), 'domain guarded-lock.com not found');
    await addGrant(t(), (await domainRow(t(), 'guarded-lock.com'))!.id, alice.id, bob.id, '@tech');
    assert.equal((await t().call('domain-lock', { 'auth-sid': bob.sid, domain: 'guarded-lock.com' })).code, 2201);
    const mo = await alice.session('modify-only');
    assert.equal((await performed(t(), mo, 'domain-lock', { domain: 'guarded-lock.com' })).status, 'ack', 'locking costs nothing');
  });
});
