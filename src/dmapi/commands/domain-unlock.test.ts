import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { atRegistry, domainReseller, domainRow, later, performed, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { DAY } from '../../core/clock.ts';
import { simulatorOf } from '../../registry/index.ts';

forEachDatabase('domain-unlock', (t) => {
  let alice: DomainReseller;

  it('setup', async () => {
    alice = await domainReseller(t(), 'ulk-alice');
    await registered(t(), alice, 'unlock-me.com');
    assert.equal((await performed(t(), alice.sid, 'domain-lock', { domain: 'unlock-me.com' })).status, 'ack');
  });

  it('removes the lock so the name can move with its auth-id', async () => {
    const res = await performed(t(), alice.sid, 'domain-unlock', { domain: 'unlock-me.com' });
    assert.equal(res.status, 'ack', res.body);
    assert.match(res.text, /^result_msg: unlock-me.com unlocked: it can be transferred with its auth-id$/m);
    assert.equal((await domainRow(t(), 'unlock-me.com'))!.locked, 0);
    assert.deepEqual((await atRegistry(t(), 'unlock-me.com'))!.statuses, ['ok']);
    assert.match((await t().call('query-domain-list', { 'auth-sid': alice.sid, showstatus: 1 })).body, /^unlock-me.com \S+ production$/m);
    // Past the 60-day lock after registration, with a fresh code, another registrar can take it.
    alice = await later(t(), alice, 61 * DAY);
    const code = (await performed(t(), alice.sid, 'domain-transfer-get-auth-id', { domain: 'unlock-me.com' })).text.match(/"([^"]+)"/)![1]!;
    const transfer = await simulatorOf(t().app.deps).openAs('sim-budgetnames', t().app.deps.db, t().clock.now()).requestTransfer('unlock-me.com', code);
    assert.equal(transfer.status, 'pending');
  });

  it('unlocking an unlocked domain succeeds and changes nothing', async () => {
    await registered(t(), alice, 'open-unlock.com');
    const res = await performed(t(), alice.sid, 'domain-unlock', { domain: 'open-unlock.com' });
    assert.match(res.text, /^result_msg: open-unlock.com was not locked$/m);
  });

  it('is refused to read-only keys and other accounts; deleted domains cannot be unlocked', async () => {
    assert.equal((await t().call('domain-unlock', { 'auth-sid': await alice.session('read-only'), domain: 'open-unlock.com' })).code, 2201);
    const bob = await domainReseller(t(), 'ulk-bob');
    assert.equal((await t().call('domain-unlock', { 'auth-sid': bob.sid, domain: 'open-unlock.com' })).code, 2303);
    alice = await later(t(), alice, 10 * DAY);
    assert.equal((await performed(t(), alice.sid, 'domain-delete', { domain: 'open-unlock.com', force: 1 })).status, 'ack');
    const r = await t().call('domain-unlock', { 'auth-sid': alice.sid, domain: 'open-unlock.com' });
    assert.equal(r.code, 2304);
  });
});
