import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addGrant } from '../../../test/helpers/zones.ts';
import { retrieve } from '../../../test/helpers/registry-fixtures.ts';
import { domainReseller, domainRow, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';

forEachDatabase('domain-set-property', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  const set = (params: Record<string, string | number>, sid = alice.sid) => t().call('domain-set-property', { 'auth-sid': sid, ...params });
  const get = async (domain: string, pname: string, sid = alice.sid) => (await t().call('domain-get-property', { 'auth-sid': sid, domain, pname })).body;

  it('setup', async () => {
    alice = await domainReseller(t(), 'prop-alice');
    bob = await domainReseller(t(), 'prop-bob');
    for (const name of ['shop-prop.com', 'shop2-prop.com', 'blog-prop.com']) await registered(t(), alice, name);
    await registered(t(), alice, 'private-prop.com', { privacy: 'basic' });
  });

  it('sets autorenew at once, with a Proc-ID whose result lists the change', async () => {
    const r = await set({ domain: 'shop-prop.com', pname: 'autorenew', pvalue: '1' });
    assert.equal(r.code, 0, r.raw);
    assert.equal(await get('shop-prop.com', 'autorenew'), 'autorenew: 1\n');
    const { reply, keys } = await retrieve(t(), alice.sid, r.get('Proc-ID')!);
    assert.equal(keys.get('Completion-Status'), 'ack');
    assert.equal(keys.get('Object-Name'), 'shop-prop.com');
    assert.match(reply.body, /\n\nshop-prop.com: autorenew = 1\n$/);
    assert.match((await t().call('query-domain-list', { 'auth-sid': alice.sid, showstatus: 1, pattern: 'shop-prop.com' })).body, /production,autorenew$/);
    // An empty value (or none at all, as RPANEL sends) restores the default.
    assert.equal((await set({ domain: 'shop-prop.com', pname: 'autorenew', pvalue: '' })).code, 0);
    assert.equal(await get('shop-prop.com', 'autorenew'), 'autorenew: 0\n');
  });

  it('applies a pattern to every matching domain of the account', async () => {
    const r = await set({ domain: '*-prop.com', pname: 'whois-opt-out', pvalue: 'yes' });
    assert.equal(r.code, 0, r.raw);
    const { reply } = await retrieve(t(), alice.sid, r.get('Proc-ID')!);
    assert.match(reply.body, /\n\nblog-prop.com: whois-opt-out = 1\nprivate-prop.com: whois-opt-out = 1\nshop-prop.com: whois-opt-out = 1\nshop2-prop.com: whois-opt-out = 1\n$/);
    assert.equal(await get('blog-prop.com', 'whois-opt-out'), 'whois-opt-out: 1\n');
    assert.equal((await set({ domain: 'nothing-*.com', pname: 'autorenew', pvalue: 1 })).code, 2303);
    assert.equal((await set({ domain: '*-prop.com', pname: 'gdpr-opt-in', pvalue: 1 })).code, 0);
    assert.equal(await get('shop2-prop.com', 'gdpr-opt-in'), 'gdpr-opt-in: 1\n');
  });

  it('switches privacy within the subscription bought, off with the seeds\' short form, back with an empty value', async () => {
    assert.equal(await get('private-prop.com', 'privacy'), 'privacy: basic\n');
    assert.equal((await set({ domain: 'private-prop.com', privacy: 'off' })).code, 0);
    assert.equal(await get('private-prop.com', 'privacy'), 'privacy: off\n');
    const pro = await set({ domain: 'private-prop.com', pname: 'privacy', pvalue: 'pro' });
    assert.equal(pro.code, 2304);
    assert.equal(pro.get('Error'), 'pvalue not applied (private-prop.com has a basic privacy subscription, which does not include pro)');
    assert.equal((await set({ domain: 'private-prop.com', pname: 'privacy', pvalue: '' })).code, 0);
    assert.equal(await get('private-prop.com', 'privacy'), 'privacy: basic\n');
    const none = await set({ domain: 'blog-prop.com', pname: 'privacy', pvalue: 'basic' });
    assert.equal(none.code, 2304);
    assert.match(none.get('Error')!, /blog-prop.com has no privacy subscription; order one with domain-privacy-order/);
    // In a pattern, domains the value cannot apply to are skipped and listed.
    const r = await set({ domain: '*-prop.com', pname: 'privacy', pvalue: 'basic' });
    assert.equal(r.code, 0, r.raw);
    const { reply } = await retrieve(t(), alice.sid, r.get('Proc-ID')!);
    assert.match(reply.body, /blog-prop.com: skipped: blog-prop.com has no privacy subscription/);
    assert.match(reply.body, /private-prop.com: privacy = basic/);
  });

  it('checks pname and pvalue', async () => {
    const bad = await set({ domain: 'shop-prop.com', pname: 'colour', pvalue: 'red' });
    assert.equal(bad.code, 2004);
    assert.match(bad.get('Error')!, /invalid 'pname' \(colour is not a domain property/);
    assert.equal((await set({ domain: 'shop-prop.com', pname: 'autorenew', pvalue: 'maybe' })).code, 2005);
    assert.equal((await set({ domain: 'shop-prop.com', pname: 'privacy', pvalue: 'gold' })).code, 2005);
    assert.equal((await set({ domain: 'shop-prop.com' })).code, 2003);
  });

  it('answers other accounts\' domains like missing ones; patterns never reach them; grants decide by role', async () => {
    const foreign = await set({ domain: 'shop-prop.com', pname: 'autorenew', pvalue: 1 }, bob.sid);
    assert.equal(foreign.code, 2303);
    assert.equal(foreign.get('Error'), 'domain shop-prop.com not found');
    assert.equal((await set({ domain: '*-prop.com', pname: 'autorenew', pvalue: 1 }, bob.sid)).code, 2303);
    await addGrant(t(), (await domainRow(t(), 'blog-prop.com'))!.id, alice.id, bob.id, '@billing');
    assert.equal((await set({ domain: 'blog-prop.com', pname: 'autorenew', pvalue: 1 }, bob.sid)).code, 0, '@billing may switch autorenew');
    assert.equal((await set({ domain: 'blog-prop.com', pname: 'whois-opt-out', pvalue: 0 }, bob.sid)).code, 2201, '@billing may not manage');
    const r = await set({ domain: '*-prop.com', pname: 'autorenew', pvalue: 0 }, bob.sid);
    const { reply } = await retrieve(t(), bob.sid, r.get('Proc-ID')!);
    assert.match(reply.body, /\n\nblog-prop.com: autorenew = 0\n$/);
    assert.equal((await set({ domain: 'blog-prop.com', pname: 'autorenew', pvalue: 1 }, await alice.session('read-only'))).code, 2201);
    assert.equal((await set({ domain: 'blog-prop.com', pname: 'autorenew', pvalue: 1 }, await alice.session('modify-only'))).code, 0);
  });
});
