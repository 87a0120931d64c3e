import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addGrant } from '../../../test/helpers/zones.ts';
import { domainReseller, domainRow, performed, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { simulatorOf } from '../../registry/index.ts';

/** WHMCS, QUYU and NODECLI read the code with exactly this expression. */
const clientRegex = /^The Authorization ID is: "([^"]+)"/m;

forEachDatabase('domain-transfer-get-auth-id', (t) => {
  let alice: DomainReseller;
  const verify = (name: string, code: string) => simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).verifyAuthCode(name, code);

  it('setup', async () => {
    alice = await domainReseller(t(), 'auth-alice');
    await registered(t(), alice, 'auth-me.com');
  });

  it('delivers a new code in result-retrieve in the line clients parse; each request invalidates the one before', async () => {
    const r = await t().call('domain-transfer-get-auth-id', { 'auth-sid': alice.sid, domain: 'auth-me.com' });
    assert.equal(r.code, 0, r.raw);
    assert.match(r.get('Proc-ID')!, /^\d+$/);
    const pending = await t().call('result-retrieve', { 'auth-sid': alice.sid, 'proc-id': r.get('Proc-ID')! });
    assert.match(pending.body, /Completion-Status: \?/);
    assert.doesNotMatch(pending.body, clientRegex);
    await t().work();
    const done = await t().call('result-retrieve', { 'auth-sid': alice.sid, 'proc-id': r.get('Proc-ID')! });
    assert.match(done.body, /Completion-Status: ack/);
    const first = done.body.match(clientRegex)![1]!;
    assert.ok(first.length >= 16);
    assert.match(done.body, /\nresult_msg: new auth-id for auth-me.com, valid until \d{4}-\d{2}-\d{2}; earlier auth-ids are no longer valid\n/);
    assert.equal(await verify('auth-me.com', first), true);

    const second = (await performed(t(), alice.sid, 'domain-transfer-get-auth-id', { domain: 'auth-me.com' })).text.match(clientRegex)![1]!;
    assert.notEqual(second, first);
    assert.equal(await verify('auth-me.com', second), true);
    assert.equal(await verify('auth-me.com', first), false, 'the earlier code is no longer valid');
  });

  it('warns when the domain is locked', async () => {
    assert.equal((await performed(t(), alice.sid, 'domain-lock', { domain: 'auth-me.com' })).status, 'ack');
    const res = await performed(t(), alice.sid, 'domain-transfer-get-auth-id', { domain: 'auth-me.com' });
    assert.match(res.text, clientRegex);
    assert.match(res.text, /\nwarning: auth-me.com is locked; unlock it \(domain-unlock\) before the transfer$/);
  });

  it('is refused to read-only keys, other accounts and @tech grantees; @admin grantees and modify-only keys may', async () => {
    assert.equal((await t().call('domain-transfer-get-auth-id', { 'auth-sid': await alice.session('read-only'), domain: 'auth-me.com' })).code, 2201);
    const bob = await domainReseller(t(), 'auth-bob');
    assert.equal((await t().call('domain-transfer-get-auth-id', { 'auth-sid': bob.sid, domain: 'auth-me.com' })).code, 2303);
    const id = (await domainRow(t(), 'auth-me.com'))!.id;
    await addGrant(t(), id, alice.id, bob.id, '@tech');
    assert.equal((await t().call('domain-transfer-get-auth-id', { 'auth-sid': bob.sid, domain: 'auth-me.com' })).code, 2201);
    await addGrant(t(), id, alice.id, bob.id, '@admin');
    assert.match((await performed(t(), await bob.session('modify-only'), 'domain-transfer-get-auth-id', { domain: 'auth-me.com' })).text, clientRegex);
  });
});
