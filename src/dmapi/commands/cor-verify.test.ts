import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mailedKey } from '../../../test/helpers/mailed-keys.ts';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { retrieve } from '../../../test/helpers/registry-fixtures.ts';
import { domainReseller, domainRow, later, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { ownDomain, DAY } from '../../../test/helpers/transfer-fixtures.ts';

const newOwner = { name: 'Erika Mustermann', email: 'erika@example.net', 'address-1': 'Heidestrasse 17', city: 'Koeln', 'postal-code': '51147', country: 'DE', phone: '+49.2211234567' };

forEachDatabase('cor-verify', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;

  /** Requests a change of registrant of a fresh domain; returns its key and Proc-ID. */
  const pendingChange = async (domain: string): Promise<{ key: string; procId: string }> => {
    await ownDomain(t(), alice, domain);
    const r = await t().call('domain-owner-change', { 'auth-sid': alice.sid, domain, ...newOwner });
    assert.equal(r.code, 0, r.raw);
    await t().work();
    return { key: await mailedKey(t().app.deps.db, { kind: 'cor-confirmation', object: domain }), procId: r.get('Proc-ID')! };
  };
  const verify = (key: string, answer: string, r = alice, sid = r.sid) => t().call('cor-verify', { 'auth-sid': sid, key, answer });
  const statusOf = async (procId: string) => (await retrieve(t(), alice.sid, procId)).keys.get('Completion-Status');

  it('setup', async () => {
    alice = await domainReseller(t(), 'cv-alice');
    bob = await domainReseller(t(), 'cv-bob');
  });

  it('confirms with answer=yes: Result ACK, then the worker makes the change', async () => {
    const { key, procId } = await pendingChange('cv-yes.com');
    const r = await verify(key, 'YES');
    assert.equal(r.code, 0, r.raw);
    assert.equal(r.get('Result'), 'ACK');
    assert.ok(r.get('Proc-ID'), 'a modifying request');
    assert.equal(r.body, '');
    const own = await retrieve(t(), alice.sid, r.get('Proc-ID')!);
    assert.match(own.reply.body, /result_msg: change of registrant of cv-yes\.com confirmed/);
    assert.equal(await statusOf(procId), '?');
    await t().work();
    assert.equal(await statusOf(procId), 'ack');
    const d = (await domainRow(t(), 'cv-yes.com'))!;
    assert.notEqual(d.owner_c, alice.contact);
    const whois = await t().call('query-whois', { 'auth-sid': alice.sid, domain: 'cv-yes.com' });
    assert.match(whois.body, /^domain\.name: Erika Mustermann$/m);
    // The key is used up.
    assert.equal((await verify(key, 'yes')).get('Result'), 'NACK');
  });

  it('refuses with answer=no: Result ACK (the key was accepted), the change ends as a nack', async () => {
    const { key, procId } = await pendingChange('cv-no.com');
    const r = await verify(key, 'no');
    assert.equal(r.get('Result'), 'ACK');
    assert.equal(await statusOf(procId), 'nack');
    assert.equal((await domainRow(t(), 'cv-no.com'))!.owner_c, alice.contact);
  });

  it('answers NACK for an unknown key, another reseller\'s key, or an expired one', async () => {
    const { key, procId } = await pendingChange('cv-foreign.com');
    bob = await later(t(), bob, 0);
    for (const [k, r] of [['f'.repeat(32), alice], [key, bob]] as const) {
      const res = await verify(k, 'yes', r);
      assert.equal(res.code, 0);
      assert.equal(res.get('Result'), 'NACK');
    }
    assert.equal(await statusOf(procId), '?', 'another reseller\'s answer changed nothing');
    alice = await later(t(), alice, 14 * DAY);
    const late = await verify(key, 'yes');
    assert.equal(late.get('Result'), 'NACK');
    assert.equal(await statusOf(procId), 'nack');
    const row = await t().app.deps.db.selectFrom('owner_changes').select('state').where('domain', '=', 'cv-foreign.com').executeTakeFirstOrThrow();
    assert.equal(row.state, 'expired');
  });

  it('checks its parameters and the key scope', async () => {
    const maybe = await verify('k', 'maybe');
    assert.equal(maybe.code, 2005);
    assert.equal(maybe.get('Error'), "invalid 'answer' (must be one of yes, no)");
    assert.equal((await t().call('cor-verify', { 'auth-sid': alice.sid, answer: 'yes' })).code, 2003);
    assert.equal((await verify('k', 'yes', alice, await alice.session('read-only'))).code, 2201);
    assert.equal((await verify('k', 'yes', alice, await alice.session('modify-only'))).get('Result'), 'NACK');
  });
});
