import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { delegate, giveDomain, johnDoe, newContact, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { parseKeyValues } from '../../dmapi/reply.ts';

forEachDatabase('query-whois', (t) => {
  let sid = '';
  let accountId = 0;
  let handle = '';
  const whois = (params: Record<string, string>, s = sid, name = 'query-whois') => t().call(name, { 'auth-sid': s, ...params });

  it('setup', async () => {
    const r = await t().reseller('alice');
    sid = r.sid;
    accountId = r.account.id;
    handle = await newContact(t(), sid, { ...johnDoe, tld: 'co.uk', country: 'GB', organization: 'Doe Ltd', 'account-type': 'LTD', 'company-number': '01234567', fax: '+44.2079460958' });
  });

  it('shows a contact as contact.* key: value lines, empty values left out', async () => {
    const r = await whois({ contact: handle.toLowerCase() });
    assert.equal(r.code, 0);
    const created = '20260115120000';
    assert.equal(r.body, [
      `contact.handle: ${handle}`,
      'contact.name: John Doe',
      'contact.organization: Doe Ltd',
      'contact.address-1: Smartroad 1',
      'contact.city: Smalltown',
      'contact.postal-code: 40122',
      'contact.country: GB',
      'contact.email: johnd@someisp.com',
      'contact.phone: +1.4155552671',
      'contact.fax: +44.2079460958',
      'contact.account-type: LTD',
      'contact.company-number: 01234567',
      `contact.created.date: ${created}`,
      `contact.modified.date: ${created}`,
    ].join('\n') + '\n');
    for (const [, v] of parseKeyValues(r.body)) assert.ok(v.length > 0);
  });

  it('shows a host with one line per address', async () => {
    await giveDomain(t(), accountId, 'alice-example.com');
    await runAsync(t(), sid, 'ns-create', { host: 'ns1.alice-example.com', ip: '45.76.10.10,45.76.10.11', ipv6: '2a05:d014::53' });
    t().clock.advance(61_000);
    await runAsync(t(), sid, 'ns-modify', { host: 'ns1.alice-example.com', ipv6: '2a05:d014::54' });
    const r = await whois({ host: 'NS1.alice-example.com' });
    assert.equal(r.body, 'host.fqdn: ns1.alice-example.com\nhost.ip-address: 45.76.10.10\nhost.ip-address: 45.76.10.11\nhost.ip-address-v6: 2a05:d014::54\nhost.created.date: 20260115120000\nhost.modified.date: 20260115120101\n');
  });

  it('shows a domain of the account with owner data, roles, name servers and dates', async () => {
    const id = await giveDomain(t(), accountId, 'whois-me.co.uk', { owner: handle, admin: handle, tech: handle });
    await delegate(t(), id, ['ns1.alice-example.com', 'ns.dns-host.ch']);
    const r = await whois({ domain: 'WHOIS-ME.co.uk', internal: '1' });
    const kv = parseKeyValues(r.body);
    assert.deepEqual(kv.slice(0, 3), [['domain.fqdn', 'whois-me.co.uk'], ['domain.status', 'production'], ['domain.name', 'John Doe']]);
    const get = (k: string) => kv.filter(([key]) => key === k).map(([, v]) => v);
    assert.deepEqual(get('domain.account-type'), ['LTD']);
    assert.deepEqual(get('domain.admin-c'), [handle]);
    assert.deepEqual(get('domain.billing-c'), []);
    assert.deepEqual(get('domain.nservers.nserver.no'), ['1', '2']);
    assert.deepEqual(get('domain.nservers.nserver.handle'), ['ns1.alice-example.com', 'ns.dns-host.ch']);
    assert.match(get('domain.expires')[0]!, /^\d{14}$/);
  });

  it('query-object is the deprecated name for the same answer', async () => {
    const a = await whois({ contact: handle });
    const b = await whois({ contact: handle }, sid, 'query-object');
    assert.equal(b.code, 0);
    assert.equal(b.body, a.body);
  });

  it('needs exactly one of domain, contact, host', async () => {
    const none = await whois({});
    assert.equal(none.code, 2003);
    assert.equal(none.get('Error'), 'missing parameter: one of domain, contact or host');
    const two = await whois({ contact: handle, host: 'ns1.alice-example.com' });
    assert.equal(two.code, 2005);
    assert.equal(two.get('Error'), 'give exactly one of domain, contact or host');
  });

  it('answers 2303 for unknown objects and for every object of another account', async () => {
    const bob = await t().reseller('bob');
    for (const params of [{ contact: handle }, { host: 'ns1.alice-example.com' }, { domain: 'alice-example.com' }]) {
      const theirs = await whois(params, bob.sid);
      assert.equal(theirs.code, 2303, JSON.stringify(params));
      assert.equal(theirs.get('Status-Text'), 'Object does not exist');
    }
    assert.equal((await whois({ domain: 'example.com' })).code, 2303);
    assert.equal((await whois({ contact: 'CCOM-1' })).get('Error'), 'contact CCOM-1 not found');
    assert.equal((await whois({ domain: 'not a domain' })).code, 2303);
  });

  it('works with a read-only key', async () => {
    const ro = await (await t().reseller('carol')).session('read-only');
    assert.equal((await whois({ contact: handle }, ro)).code, 2303);
  });
});
