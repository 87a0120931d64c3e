import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { johnDoe, newContact, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { simulatorOf } from '../../registry/index.ts';

forEachDatabase('contact-modify', (t) => {
  let sid = '';
  let handle = '';
  const fields = async (h = handle) => JSON.parse((await t().app.deps.db.selectFrom('contacts').select('fields').where('handle', '=', h).executeTakeFirstOrThrow()).fields);
  const modify = async (params: Record<string, string>, s = sid) => t().call('contact-modify', { 'auth-sid': s, handle, ...params });
  const refused = async (params: Record<string, string>, code: number, error: RegExp, s = sid) => {
    const r = await modify(params, s);
    assert.equal(r.code, code, r.raw);
    assert.match(r.all('Error').join('\n'), error);
    assert.equal(r.get('Proc-ID'), undefined);
  };

  it('setup', async () => {
    sid = (await t().reseller('alice')).sid;
    handle = await newContact(t(), sid, { ...johnDoe, 'address-2': 'Floor 2', fax: '+1.4155552672' });
  });

  it('changes only the given fields, at the registry too; empty values change nothing', async () => {
    const r = await runAsync(t(), sid, 'contact-modify', { handle: handle.toLowerCase(), city: 'Bigtown', phone: '+1 415 555 0000', email: '', state: '' });
    assert.equal(r.status, 'ack', r.body);
    assert.equal(r.object, handle);
    assert.match(r.body, new RegExp(`result_msg: contact ${handle} modified`));
    const f = await fields();
    assert.deepEqual([f.city, f.phone, f.email, f['address-2'], f.state], ['Bigtown', '+1.4155550000', 'johnd@someisp.com', 'Floor 2', undefined]);
    const reg = await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).infoContact(handle);
    assert.deepEqual([reg!.postal.city, reg!.postal.voice], ['Bigtown', '+1.4155550000']);
    const list = await t().call('result-list', { 'auth-sid': sid, rtype: 'contact-modify' });
    assert.match(list.body, new RegExp(` contact-modify ${handle} ack -\n$`));
  });

  it('clears optional fields with !@! but not mandatory ones', async () => {
    assert.equal((await runAsync(t(), sid, 'contact-modify', { handle, 'address-2': '!@!', fax: '!@!' })).status, 'ack');
    const f = await fields();
    assert.deepEqual([f['address-2'], f.fax], [undefined, undefined]);
    await refused({ email: '!@!' }, 2003, /missing parameter 'email'/);
  });

  it('takes !@! on empty and unchangeable fields as no change, as Joker\'s WHMCS module sends it on every modify', async () => {
    // The module's contact modify, for a .com contact with none of the .us fields.
    const whmcs = { 'app-purpose': '!@!', 'nexus-category': '!@!', 'nexus-category-country': '!@!' };
    const r = await runAsync(t(), sid, 'contact-modify', { handle, ...whmcs, city: 'Newtown' });
    assert.equal(r.status, 'ack');
    const f = await fields();
    assert.deepEqual([f.city, f['app-purpose'], f['nexus-category']], ['Newtown', undefined, undefined]);
    // A .us contact keeps its unchangeable fields and says so.
    const us = await newContact(t(), sid, { ...johnDoe, tld: 'us', 'nexus-category': 'C11', 'app-purpose': 'P1' });
    const accepted = await t().call('contact-modify', { 'auth-sid': sid, handle: us, ...whmcs, city: 'Usville' });
    assert.equal(accepted.code, 0);
    assert.deepEqual(accepted.all('Warning'), ['app-purpose: cannot be cleared after the contact was created; left as it is', 'nexus-category: cannot be cleared after the contact was created; left as it is']);
    await t().work();
    const u = await fields(us);
    assert.deepEqual([u.city, u['app-purpose'], u['nexus-category']], ['Usville', 'P1', 'C11']);
  });

  it('rebuilds the name from fname and lname', async () => {
    await runAsync(t(), sid, 'contact-modify', { handle, fname: 'Johnny', lname: 'Doe' });
    assert.equal((await fields()).name, 'Johnny Doe');
    await runAsync(t(), sid, 'contact-modify', { handle, lname: 'Dough' });
    assert.equal((await fields()).name, 'Johnny Dough');
    await runAsync(t(), sid, 'contact-modify', { handle, name: 'J. D.', fname: 'J' });
    assert.equal((await fields()).name, 'J. D.');
  });

  it('names the field of a bad value and changes nothing', async () => {
    await refused({ email: 'not-an-address' }, 2005, /^invalid 'email' \(/);
    await refused({ country: 'Germany' }, 2005, /^invalid 'country' \(/);
    await refused({ individual: 'N', organization: '!@!' }, 2003, /missing parameter 'organization'/);
    await refused({}, 2003, /missing parameter \(at least one contact field to change\)/);
    assert.equal((await fields()).email, 'johnd@someisp.com');
  });

  it('refuses to change the fields the seeds call unmodifiable, accepts them repeated unchanged', async () => {
    const eu = await newContact(t(), sid, { ...johnDoe, tld: 'eu', lang: 'DE' });
    const r1 = await t().call('contact-modify', { 'auth-sid': sid, handle: eu, lang: 'FR' });
    assert.equal(r1.code, 2306);
    assert.equal(r1.get('Error'), "invalid 'lang' (cannot be modified after the contact was created)");
    assert.equal((await runAsync(t(), sid, 'contact-modify', { handle: eu, lang: 'de', city: 'Berlin', tld: 'com' })).status, 'ack');
    assert.equal((await fields(eu)).lang, 'DE');

    const us = await newContact(t(), sid, { ...johnDoe, tld: 'us', 'nexus-category': 'C11', 'app-purpose': 'P1' });
    for (const [field, value] of [['nexus-category', 'C12'], ['app-purpose', 'P2'], ['nexus-category-country', 'US']] as const) {
      const r = await t().call('contact-modify', { 'auth-sid': sid, handle: us, [field]: value });
      assert.equal(r.code, 2306, field);
      assert.match(r.get('Error')!, new RegExp(`^invalid '${field}' \\(cannot be modified`));
    }
    const se = await newContact(t(), sid, { ...johnDoe, tld: 'se', orgid: '[SE]811218-9876' });
    const r2 = await t().call('contact-modify', { 'auth-sid': sid, handle: se, orgid: '[SE]640823-3234' });
    assert.equal(r2.code, 2306);
    assert.match(r2.get('Error')!, /^invalid 'orgid' \(cannot be modified/);
  });

  it('checks the changed contact against its TLD\'s rules as a whole', async () => {
    const uk = await newContact(t(), sid, { ...johnDoe, tld: 'uk', country: 'GB', 'account-type': 'IND' });
    const r = await t().call('contact-modify', { 'auth-sid': sid, handle: uk, 'account-type': 'LTD' });
    assert.equal(r.code, 2003);
    assert.match(r.get('Error')!, /missing parameter 'company-number' \(required for account-type LTD\)/);
    assert.equal((await runAsync(t(), sid, 'contact-modify', { handle: uk, 'account-type': 'LTD', 'company-number': '1234567' })).status, 'ack');
    assert.equal((await fields(uk))['company-number'], '01234567');
  });

  it('applies queued changes one after the other, none lost', async () => {
    const a = await modify({ city: 'Firsttown' });
    const b = await modify({ 'postal-code': '99999' });
    assert.equal(a.code + b.code, 0);
    await t().work();
    const f = await fields();
    assert.deepEqual([f.city, f['postal-code']], ['Firsttown', '99999']);
  });

  it('answers another reseller\'s or an unknown handle exactly like a missing one', async () => {
    const bob = await t().reseller('bob');
    const bobs = await newContact(t(), bob.sid);
    const theirs = await t().call('contact-modify', { 'auth-sid': sid, handle: bobs, city: 'X' });
    const none = await t().call('contact-modify', { 'auth-sid': sid, handle: 'CCOM-999999', city: 'X' });
    assert.equal(theirs.code, 2303);
    assert.equal(none.code, 2303);
    assert.equal(theirs.get('Error'), `contact ${bobs} not found`);
    assert.equal(none.get('Error'), 'contact CCOM-999999 not found');
    await refused({ city: 'X' }, 2303, /not found/, bob.sid);
  });

  it('a read-only key cannot modify', async () => {
    const ro = await (await t().reseller('carol')).session('read-only');
    const r = await t().call('contact-modify', { 'auth-sid': ro, handle, city: 'X' });
    assert.equal(r.code, 2201);
  });
});
