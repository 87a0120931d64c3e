import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { delegate, giveDomain, retrieve, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { simulatorOf } from '../../registry/index.ts';

forEachDatabase('ns-delete', (t) => {
  let sid = '';
  let accountId = 0;
  let domainId = 0;
  it('setup', async () => {
    const r = await t().reseller('alice');
    sid = r.sid;
    accountId = r.account.id;
    domainId = await giveDomain(t(), accountId, 'alice-example.net');
    for (const n of ['ns1', 'ns2', 'ns3', 'ns4']) assert.equal((await runAsync(t(), sid, 'ns-create', { host: `${n}.alice-example.net`, ip: '45.76.10.10' })).status, 'ack');
  });

  it('deletes an unused host here and at the registry', async () => {
    const r = await runAsync(t(), sid, 'ns-delete', { host: 'NS1.alice-example.net' });
    assert.equal(r.status, 'ack', r.body);
    assert.equal(r.object, 'ns1.alice-example.net');
    assert.match(r.body, /result_msg: name server ns1\.alice-example\.net deleted/);
    assert.equal(await t().app.deps.db.selectFrom('hosts').select('id').where('name', '=', 'ns1.alice-example.net').executeTakeFirst(), undefined);
    assert.equal(await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).checkHost('ns1.alice-example.net'), false);
    assert.equal((await runAsync(t(), sid, 'host-delete', { host: 'ns4.alice-example.net' })).status, 'ack');
  });

  it('refuses while a domain (of any account) uses the host', async () => {
    await delegate(t(), domainId, ['ns2.alice-example.net']);
    const r = await t().call('ns-delete', { 'auth-sid': sid, host: 'ns2.alice-example.net' });
    assert.equal(r.code, 2305);
    assert.equal(r.get('Error'), 'host ns2.alice-example.net is a name server of alice-example.net');
    const bob = await t().reseller('bob');
    const bobs = await giveDomain(t(), bob.account.id, 'bob-example.net');
    await delegate(t(), bobs, ['ns3.alice-example.net']);
    const r2 = await t().call('ns-delete', { 'auth-sid': sid, host: 'ns3.alice-example.net' });
    assert.equal(r2.code, 2305);
    assert.match(r2.get('Error')!, /bob-example\.net/);
  });

  it('nacks when the registry still links the host (a domain of another registrar)', async () => {
    assert.equal((await runAsync(t(), sid, 'ns-create', { host: 'ns5.alice-example.net', ip: '45.76.10.10' })).status, 'ack');
    await simulatorOf(t().app.deps).plantDomain(t().app.deps.db, t().clock.now(), { name: 'foreign-user.org', sponsor: 'sim-brandguard', nameservers: ['ns5.alice-example.net'] });
    const accepted = await t().call('ns-delete', { 'auth-sid': sid, host: 'ns5.alice-example.net' });
    assert.equal(accepted.code, 0);
    await t().work();
    const { reply, keys } = await retrieve(t(), sid, accepted.get('Proc-ID')!);
    assert.equal(keys.get('Completion-Status'), 'nack');
    assert.match(reply.body, /result_msg: the registry says host ns5\.alice-example\.net is used by 1 domain\(s\), e\.g\. foreign-user\.org \(EPP 2305\)/);
    assert.ok(await t().app.deps.db.selectFrom('hosts').select('id').where('name', '=', 'ns5.alice-example.net').executeTakeFirst());
  });

  it('answers another reseller\'s or an unknown host exactly like a missing one', async () => {
    const carol = await t().reseller('carol');
    const theirs = await t().call('ns-delete', { 'auth-sid': carol.sid, host: 'ns2.alice-example.net' });
    const none = await t().call('ns-delete', { 'auth-sid': carol.sid, host: 'ns9.alice-example.net' });
    assert.deepEqual([theirs.code, none.code], [2303, 2303]);
    assert.equal(theirs.get('Error'), 'host ns2.alice-example.net not found');
    assert.equal((await t().call('ns-delete', { 'auth-sid': sid })).get('Error'), "missing parameter 'host'");
  });

  it('a read-only key cannot delete', async () => {
    const ro = await (await t().reseller('dave')).session('read-only');
    assert.equal((await t().call('ns-delete', { 'auth-sid': ro, host: 'ns2.alice-example.net' })).code, 2201);
  });
});
