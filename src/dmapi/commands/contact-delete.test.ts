import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { giveDomain, johnDoe, newContact, retrieve, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { OWN_REGISTRAR, simulatorOf } from '../../registry/index.ts';

forEachDatabase('contact-delete', (t) => {
  let sid = '';
  let accountId = 0;
  it('setup', async () => {
    const r = await t().reseller('alice');
    sid = r.sid;
    accountId = r.account.id;
  });

  it('deletes an unused contact here and at the registry', async () => {
    const handle = await newContact(t(), sid);
    const r = await runAsync(t(), sid, 'contact-delete', { handle });
    assert.equal(r.status, 'ack', r.body);
    assert.equal(r.object, handle);
    assert.match(r.body, new RegExp(`result_msg: contact ${handle} deleted`));
    assert.equal(await t().app.deps.db.selectFrom('contacts').select('id').where('handle', '=', handle).executeTakeFirst(), undefined);
    assert.equal(await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).checkContact(handle), false);
    const again = await t().call('contact-delete', { 'auth-sid': sid, handle });
    assert.equal(again.code, 2303);
  });

  it('refuses while a domain uses the contact in any role', async () => {
    for (const role of ['owner', 'admin', 'tech', 'billing'] as const) {
      const handle = await newContact(t(), sid);
      await giveDomain(t(), accountId, `uses-${role}.com`, { [role]: handle });
      const r = await t().call('contact-delete', { 'auth-sid': sid, handle });
      assert.equal(r.code, 2305, role);
      assert.equal(r.get('Status-Text'), 'Object association prohibits operation');
      assert.equal(r.get('Error'), `contact ${handle} is used by domain uses-${role}.com`);
    }
  });

  it('nacks when a domain starts using the contact between request and worker', async () => {
    const handle = await newContact(t(), sid);
    const accepted = await t().call('contact-delete', { 'auth-sid': sid, handle });
    assert.equal(accepted.code, 0);
    await giveDomain(t(), accountId, 'late-user.com', { admin: handle });
    await t().work();
    const { reply, keys } = await retrieve(t(), sid, accepted.get('Proc-ID')!);
    assert.equal(keys.get('Completion-Status'), 'nack');
    assert.match(reply.body, new RegExp(`result_msg: contact ${handle} is used by domain late-user.com`));
    assert.ok(await t().app.deps.db.selectFrom('contacts').select('id').where('handle', '=', handle).executeTakeFirst());
  });

  it('nacks when the registry still links the contact (a name the registrar side does not list)', async () => {
    const handle = await newContact(t(), sid);
    const reg = simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now());
    await reg.createDomain({ name: 'registry-only.org', periodMonths: 12, registrant: handle, admin: handle, tech: handle, billing: handle });
    const r = await runAsync(t(), sid, 'contact-delete', { handle });
    assert.equal(r.status, 'nack');
    assert.match(r.body, /result_msg: the registry says contact .* is used by domain registry-only\.org \(EPP 2305\)/);
    assert.equal((await reg.infoContact(handle))!.sponsor, OWN_REGISTRAR);
  });

  it('answers another reseller\'s handle exactly like a missing one', async () => {
    const bob = await t().reseller('bob');
    const bobs = await newContact(t(), bob.sid, { ...johnDoe, tld: 'net' });
    const theirs = await t().call('contact-delete', { 'auth-sid': sid, handle: bobs });
    const none = await t().call('contact-delete', { 'auth-sid': sid, handle: 'CNET-424242' });
    assert.deepEqual([theirs.code, none.code], [2303, 2303]);
    assert.equal(theirs.get('Error'), `contact ${bobs} not found`);
    const missing = await t().call('contact-delete', { 'auth-sid': sid });
    assert.equal(missing.code, 2003);
    assert.equal(missing.get('Error'), "missing parameter 'handle'");
  });

  it('a read-only key cannot delete', async () => {
    const handle = await newContact(t(), sid);
    const ro = await (await t().reseller('carol')).session('read-only');
    assert.equal((await t().call('contact-delete', { 'auth-sid': ro, handle })).code, 2201);
  });
});
