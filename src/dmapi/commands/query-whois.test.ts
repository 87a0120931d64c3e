import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { delegate, giveDomain, johnDoe, newContact, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { parseKeyValues } from '../../dmapi/reply.ts';
import { addGrant } from '../../../test/helpers/zones.ts';
import { domainReseller, domainRow, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { compactTimestamp } from '../../core/dates.ts';

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
    assert.equal(none.get('Error'), "missing parameter (one of 'domain', 'contact' or 'host')");
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

forEachDatabase('query-whois for registered domains', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  const whois = async (domain: string, extra: Record<string, string> = {}, sid = alice.sid) => {
    const r = await t().call('query-whois', { 'auth-sid': sid, domain, ...extra });
    return { r, kv: new Map(parseKeyValues(r.body)) };
  };

  it('setup', async () => {
    alice = await domainReseller(t(), 'qw-alice');
    bob = await domainReseller(t(), 'qw-bob');
    await registered(t(), alice, 'open-qw.com', { autorenew: 1 });
    await registered(t(), alice, 'basic-qw.com', { privacy: 'basic' });
    await registered(t(), alice, 'pro-qw.com', { privacy: 'pro' });
  });

  it('shows the whole domain without privacy, dates as YYYYMMDDHHMMSS', async () => {
    const { r, kv } = await whois('open-qw.com');
    const d = (await domainRow(t(), 'open-qw.com'))!;
    assert.equal(r.code, 0, r.raw);
    assert.deepEqual(parseKeyValues(r.body).slice(0, 3), [['domain.fqdn', 'open-qw.com'], ['domain.status', 'production,autorenew'], ['domain.name', 'Jane Owner']]);
    assert.equal(kv.get('domain.email'), 'qw-alice-owner@example.org');
    assert.equal(kv.get('domain.owner-c-email'), 'qw-alice-owner@example.org');
    assert.equal(kv.get('domain.address-1'), 'Main Street 1');
    assert.equal(kv.get('domain.owner-c'), alice.contact);
    assert.equal(kv.get('domain.privacy'), 'off');
    assert.equal(kv.get('domain.dnssec'), 'unsigned');
    assert.equal(kv.get('domain.created.date'), compactTimestamp(d.created_at));
    assert.equal(kv.get('domain.expires'), compactTimestamp(d.expires_at));
    assert.match(r.body, /^domain.nservers.nserver.no: 1\ndomain.nservers.nserver.handle: a.ns.joker.com\ndomain.nservers.nserver.no: 2\ndomain.nservers.nserver.handle: b.ns.joker.com$/m);
  });

  it('basic privacy keeps name and organisation and masks the rest; pro masks all; internal=1 shows the holder the real data', async () => {
    const basic = (await whois('basic-qw.com')).kv;
    assert.equal(basic.get('domain.name'), 'Jane Owner');
    for (const k of ['domain.address-1', 'domain.city', 'domain.postal-code', 'domain.country', 'domain.email', 'domain.phone', 'domain.owner-c-email']) assert.equal(basic.get(k), 'REDACTED FOR PRIVACY', k);
    assert.equal(basic.get('domain.privacy'), 'basic');
    const pro = (await whois('pro-qw.com')).kv;
    assert.equal(pro.get('domain.name'), 'REDACTED FOR PRIVACY');
    assert.equal(pro.get('domain.email'), 'REDACTED FOR PRIVACY');
    const real = (await whois('pro-qw.com', { internal: '1' })).kv;
    assert.equal(real.get('domain.name'), 'Jane Owner');
    assert.equal(real.get('domain.email'), 'qw-alice-owner@example.org');
    assert.equal(real.get('domain.privacy'), 'pro');
  });

  it('whois-opt-out hides the owner like pro privacy; switching privacy off discloses it', async () => {
    assert.equal((await t().call('domain-set-property', { 'auth-sid': alice.sid, domain: 'open-qw.com', pname: 'whois-opt-out', pvalue: 1 })).code, 0);
    const kv = (await whois('open-qw.com')).kv;
    assert.equal(kv.get('domain.name'), 'REDACTED FOR PRIVACY');
    assert.equal(kv.get('domain.whois-opt-out'), '1');
    assert.equal((await t().call('domain-set-property', { 'auth-sid': alice.sid, domain: 'basic-qw.com', privacy: 'off' })).code, 0);
    assert.equal((await whois('basic-qw.com')).kv.get('domain.city'), 'Springfield');
  });

  it('grantees see the domain masked even with internal=1; other accounts get 2303', async () => {
    await addGrant(t(), (await domainRow(t(), 'pro-qw.com'))!.id, alice.id, bob.id, '@tech');
    const g = await whois('pro-qw.com', { internal: '1' }, bob.sid);
    assert.equal(g.r.code, 0);
    assert.equal(g.kv.get('domain.name'), 'REDACTED FOR PRIVACY');
    const other = await whois('open-qw.com', {}, bob.sid);
    assert.equal(other.r.code, 2303);
    assert.equal(other.r.get('Error'), 'domain open-qw.com not found');
  });
});
