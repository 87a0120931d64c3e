import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { johnDoe, newContact } from '../../../test/helpers/registry-fixtures.ts';

forEachDatabase('query-contact-list', (t) => {
  let sid = '';
  const handles: string[] = [];
  const list = (params: Record<string, string | number> = {}, s = sid) => t().call('query-contact-list', { 'auth-sid': s, ...params });

  it('answers 2303 while the account has no contacts (dmapi-wire Q7)', async () => {
    sid = (await t().reseller('alice')).sid;
    const r = await list();
    assert.equal(r.code, 2303);
    assert.equal(r.get('Status-Text'), 'Object does not exist');
    assert.equal(r.get('Error'), 'no contacts found');
    assert.equal(r.body, '');
  });

  it('lists handles one per line in creation order', async () => {
    handles.push(await newContact(t(), sid));
    handles.push(await newContact(t(), sid, { ...johnDoe, tld: 'net', name: 'Net Person', organization: 'Net Org' }));
    handles.push(await newContact(t(), sid, { ...johnDoe, tld: 'uk', country: 'GB', name: 'Uk Person', email: 'uk@example.co.uk' }));
    handles.push(await newContact(t(), sid, { ...johnDoe, tld: 'co.uk', country: 'GB', name: 'Co Uk' }));
    const r = await list();
    assert.equal(r.code, 0);
    assert.equal(r.body, handles.join('\n') + '\n');
    assert.equal(r.get('Columns'), undefined);
  });

  it('filters by pattern, by from/to, and by tld (handles sharing the TLD\'s prefix)', async () => {
    assert.equal((await list({ pattern: 'cnet-*' })).body, `${handles[1]}\n`);
    assert.equal((await list({ pattern: '*' })).body.split('\n').length, 5);
    assert.equal((await list({ from: 2, to: 3 })).body, `${handles[1]}\n${handles[2]}\n`);
    assert.equal((await list({ from: 4 })).body, `${handles[3]}\n`);
    assert.equal((await list({ tld: 'com' })).body, `${handles[0]}\n`);
    assert.equal((await list({ tld: 'co.uk' })).body, `${handles[2]}\n${handles[3]}\n`);
    assert.equal((await list({ tld: 'org' })).code, 2303);
    assert.equal((await list({ pattern: 'CDEV-*' })).code, 2303);
    const bad = await list({ tld: 'zz' });
    assert.equal(bad.code, 2004);
    assert.match(bad.get('Error')!, /^invalid 'tld' \(zz is not a TLD/);
    assert.equal((await list({ from: 'x' })).code, 2005);
  });

  it('extended-format=1: TAB-separated handle, name, organization, email with Columns', async () => {
    const r = await list({ 'extended-format': 1, tld: 'net' });
    assert.equal(r.get('Columns'), 'handle,name,organization,email');
    assert.equal(r.get('Separator'), 'TAB');
    assert.equal(r.body, `${handles[1]}\tNet Person\tNet Org\tjohnd@someisp.com\n`);
    const all = await list({ 'extended-format': '1' });
    assert.deepEqual(all.body.trim().split('\n').map((l) => l.split('\t').length), [4, 4, 4, 4]);
  });

  it('shows only the account\'s own contacts', async () => {
    const bob = await t().reseller('bob');
    assert.equal((await list({}, bob.sid)).code, 2303);
    const bobs = await newContact(t(), bob.sid);
    assert.equal((await list({}, bob.sid)).body, `${bobs}\n`);
    assert.ok(!(await list()).body.includes(bobs));
  });

  it('works with a read-only key', async () => {
    const ro = await (await t().reseller('carol')).session('read-only');
    assert.equal((await list({}, ro)).code, 2303);
  });
});
