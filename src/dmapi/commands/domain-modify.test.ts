import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addGrant } from '../../../test/helpers/zones.ts';
import { newContact, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { atRegistry, domainReseller, domainRow, performed, registered, registryStatus, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';

const digest64 = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
const key = Buffer.from('an ECDSA P-256 public key has 64 bytes: this test key has as many!').toString('base64');

forEachDatabase('domain-modify', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  const modify = (params: Record<string, string | number>, sid = alice.sid) => t().call('domain-modify', { 'auth-sid': sid, ...params });
  const refused = async (params: Record<string, string | number>, code: number, error: RegExp, sid = alice.sid) => {
    const r = await modify(params, sid);
    assert.equal(r.code, code, r.raw);
    assert.equal(r.get('Proc-ID'), undefined);
    assert.match(r.all('Error').join('\n'), error);
  };

  it('setup', async () => {
    alice = await domainReseller(t(), 'mod-alice');
    bob = await domainReseller(t(), 'mod-bob');
    await registered(t(), alice, 'modify-me.com');
  });

  it('changes the admin, tech and billing contacts, leaving the others as they are', async () => {
    const other = await newContact(t(), alice.sid, { tld: 'com', name: 'Tech Person', email: 'tech@example.org', 'address-1': 'A 1', city: 'B', 'postal-code': '1', country: 'US', phone: '+1.4155552671' });
    const res = await performed(t(), alice.sid, 'domain-modify', { domain: 'modify-me.com', 'tech-c': other, 'billing-c': other, 'admin-c': '' });
    assert.equal(res.status, 'ack', res.body);
    assert.equal(res.text, `result_msg: modify-me.com modified: tech-c ${other}; billing-c ${other}`);
    const row = (await domainRow(t(), 'modify-me.com'))!;
    assert.deepEqual([row.owner_c, row.admin_c, row.tech_c, row.billing_c], [alice.contact, alice.contact, other, other]);
    const reg = (await atRegistry(t(), 'modify-me.com'))!;
    assert.deepEqual([reg.admin, reg.tech, reg.billing], [alice.contact, other, other]);
  });

  it('replaces the name servers; moving to the platform\'s creates the hosted zone', async () => {
    const res = await performed(t(), alice.sid, 'domain-modify', { domain: 'modify-me.com', 'ns-list': 'x.ns.joker.com,y.ns.joker.com:z.ns.joker.com' });
    assert.equal(res.status, 'ack', res.body);
    assert.deepEqual((await atRegistry(t(), 'modify-me.com'))!.nameservers, ['x.ns.joker.com', 'y.ns.joker.com', 'z.ns.joker.com']);
    const [a, b] = t().app.deps.config.dnsNameservers;
    const hosted = await performed(t(), alice.sid, 'domain-modify', { domain: 'modify-me.com', 'ns-list': `${a}:${b}` });
    assert.match(hosted.text, /\nzone: hosted zone modify-me.com created$/);
    assert.equal((await t().call('dns-zone-get', { 'auth-sid': alice.sid, domain: 'modify-me.com' })).code, 0);
    const list = await t().call('query-domain-list', { 'auth-sid': alice.sid, pattern: 'modify-me.com', showjokerns: 1 });
    assert.equal(list.body.split(' ').at(-1), '1');
  });

  it('uses other providers\' name servers as given, also under TLDs the platform sells', async () => {
    const res = await performed(t(), alice.sid, 'domain-modify', { domain: 'modify-me.com', 'ns-list': 'ada.ns.cloudflare.com:ns1.other-provider.net' });
    assert.equal(res.status, 'ack', res.body);
    assert.deepEqual((await atRegistry(t(), 'modify-me.com'))!.nameservers, ['ada.ns.cloudflare.com', 'ns1.other-provider.net']);
    await registered(t(), alice, 'other-ns.com', { 'ns-list': 'ns1.other-provider.net:ns2.other-provider.net' });
    assert.deepEqual((await atRegistry(t(), 'other-ns.com'))!.nameservers, ['ns1.other-provider.net', 'ns2.other-provider.net']);
  });

  it('needs a name server inside one of the platform\'s domains to exist first', async () => {
    await refused({ domain: 'modify-me.com', 'ns-list': 'ns1.modify-me.com:ns2.modify-me.com' }, 2303, /name server ns1.modify-me.com in ns-list does not exist; create it with ns-create first/);
    for (const h of ['ns1', 'ns2']) assert.equal((await runAsync(t(), alice.sid, 'ns-create', { host: `${h}.modify-me.com`, ip: h === 'ns1' ? '45.76.10.10' : '45.76.10.11' })).status, 'ack');
    assert.equal((await performed(t(), alice.sid, 'domain-modify', { domain: 'modify-me.com', 'ns-list': 'ns1.modify-me.com:ns2.modify-me.com' })).status, 'ack');
    assert.deepEqual((await atRegistry(t(), 'modify-me.com'))!.nameservers, ['ns1.modify-me.com', 'ns2.modify-me.com']);
  });

  it('sets DS records (dnssec=1, ds-1 … ds-6) and removes them (dnssec=0)', async () => {
    const res = await performed(t(), alice.sid, 'domain-modify', { domain: 'modify-me.com', dnssec: 1, 'ds-1': `12345:13:2:${digest64.toLowerCase()}`, 'ds-2': `54321:8:1: ${digest64.slice(0, 20)} ${digest64.slice(20, 40)}` });
    assert.equal(res.status, 'ack', res.body);
    const reg = (await atRegistry(t(), 'modify-me.com'))!;
    assert.deepEqual(reg.dnssec, { kind: 'ds', records: [{ keyTag: 12345, algorithm: 13, digestType: 2, digest: digest64 }, { keyTag: 54321, algorithm: 8, digestType: 1, digest: digest64.slice(0, 40) }] });
    const whois = await t().call('query-whois', { 'auth-sid': alice.sid, domain: 'modify-me.com' });
    assert.match(whois.body, /^domain.dnssec: signedDelegation$/m);
    assert.match(whois.body, new RegExp(`^domain.dnssec.ds-1: 12345:13:2:${digest64}$`, 'm'));
    assert.equal((await performed(t(), alice.sid, 'domain-modify', { domain: 'modify-me.com', dnssec: 0 })).status, 'ack');
    assert.equal((await atRegistry(t(), 'modify-me.com'))!.dnssec, null);
    assert.match((await t().call('query-whois', { 'auth-sid': alice.sid, domain: 'modify-me.com' })).body, /^domain.dnssec: unsigned$/m);
  });

  it('takes key data for .de', async () => {
    const de = await newContact(t(), alice.sid, { tld: 'de', name: 'Max Muster', email: 'max@example.org', 'address-1': 'Weg 1', city: 'Berlin', 'postal-code': '10115', country: 'DE', phone: '+49.3012345678', fax: '+49.3012345679' });
    await registered(t(), alice, 'schluessel.de', { 'owner-c': de, 'admin-c': de, 'tech-c': de, 'billing-c': '' });
    await refused({ domain: 'schluessel.de', dnssec: 1, 'ds-1': `12345:13:2:${digest64}` }, 2004, /invalid 'ds-1' \(protocol 12345 is above 255/);
    const res = await performed(t(), alice.sid, 'domain-modify', { domain: 'schluessel.de', dnssec: 1, 'ds-1': `3:13:257:${key}`, 'ds-2': `256:3:13:${key}` });
    assert.equal(res.status, 'ack', res.body);
    assert.deepEqual((await atRegistry(t(), 'schluessel.de'))!.dnssec, { kind: 'key', records: [{ flags: 257, protocol: 3, algorithm: 13, publicKey: key }, { flags: 256, protocol: 3, algorithm: 13, publicKey: key }] });
    const ignored = await performed(t(), alice.sid, 'domain-modify', { domain: 'schluessel.de', 'billing-c': de });
    assert.equal(ignored.status, 'ack', ignored.body);
    assert.match(ignored.text, /^result_msg: schluessel.de unchanged\nnote: billing-c ignored: .de domains have no billing contact$/m);
    assert.equal((await atRegistry(t(), 'schluessel.de'))!.billing, null);
    await refused({ domain: 'schluessel.de', 'tech-c': '!@!' }, 2306, /invalid 'tech-c' \(.de domains need a tech contact; it cannot be removed\)/);
  });

  it('validates the DNSSEC parameters', async () => {
    const ds = (v: string) => ({ domain: 'modify-me.com', dnssec: 1, 'ds-1': v });
    await refused(ds(`12345:13:2:${digest64.slice(2)}`), 2005, /invalid 'ds-1' \(a digest of type 2 has 64 hex digits, not 62/);
    await refused(ds(`12345:13:2:${'Z'.repeat(64)}`), 2005, /invalid 'ds-1' \(the digest is not hexadecimal/);
    await refused(ds(`12345:5:2:${digest64}`), 2306, /invalid 'ds-1' \(algorithm 5 is not accepted/);
    await refused(ds(`12345:13:3:${digest64}`), 2306, /invalid 'ds-1' \(digest type 3 is not accepted/);
    await refused(ds(`70000:13:2:${digest64}`), 2004, /invalid 'ds-1' \(key tag 70000 is above 65535/);
    await refused(ds('12345:13:2'), 2005, /invalid 'ds-1' \(expected keytag:algorithm:digest-type:digest/);
    await refused({ domain: 'modify-me.com', 'ds-1': `12345:13:2:${digest64}` }, 2003, /missing parameter 'dnssec' \(send dnssec=1 together with ds-1\)/);
    await refused({ domain: 'modify-me.com', dnssec: 1 }, 2003, /missing parameter 'ds-1'/);
    await refused({ domain: 'modify-me.com', dnssec: 0, 'ds-1': `12345:13:2:${digest64}` }, 2005, /invalid 'ds-1' \(dnssec=0 removes DNSSEC and takes no records/);
    await refused({ domain: 'modify-me.com', dnssec: 2 }, 2005, /invalid 'dnssec' \(must be 0/);
    await refused({ ...ds(`12345:13:2:${digest64}`), 'ds-7': `1:13:2:${digest64}` }, 2004, /invalid 'ds-7' \(at most 6 DNSSEC records/);
  });

  it('refuses empty requests, unknown contacts and other accounts\' domains', async () => {
    await refused({ domain: 'modify-me.com' }, 2003, /missing parameter \(nothing to change/);
    await refused({ domain: 'modify-me.com', 'admin-c': bob.contact }, 2303, new RegExp(`contact ${bob.contact} not found \\(admin-c\\)`));
    await refused({ domain: 'modify-me.com', 'ns-list': 'one.example' }, 2306, /at least 2 name servers/);
    await refused({ domain: 'modify-me.com', 'tech-c': alice.contact }, 2303, /domain modify-me.com not found/, bob.sid);
    await refused({ domain: 'nowhere-mod.com', 'tech-c': alice.contact }, 2303, /domain nowhere-mod.com not found/);
  });

  it('reports a registry refusal as a nack', async () => {
    await registryStatus(t(), 'modify-me.com', { add: ['clientUpdateProhibited'] });
    const res = await performed(t(), alice.sid, 'domain-modify', { domain: 'modify-me.com', 'ns-list': 'a.ns.joker.com:b.ns.joker.com' });
    assert.equal(res.status, 'nack');
    assert.match(res.text, /clientUpdateProhibited/);
    await registryStatus(t(), 'modify-me.com', { remove: ['clientUpdateProhibited'] });
  });

  it('lets @tech grantees change DNS but not contacts; read-only keys change nothing; modify-only keys may', async () => {
    await registered(t(), alice, 'tech-grant.com');
    await addGrant(t(), (await domainRow(t(), 'tech-grant.com'))!.id, alice.id, bob.id, '@tech');
    assert.equal((await performed(t(), bob.sid, 'domain-modify', { domain: 'tech-grant.com', 'ns-list': 'x.ns.joker.com:y.ns.joker.com' })).status, 'ack');
    await refused({ domain: 'tech-grant.com', 'tech-c': bob.contact }, 2201, /^your role @tech on tech-grant\.com does not permit managing it/, bob.sid);
    await refused({ domain: 'tech-grant.com', 'tech-c': alice.contact }, 2201, /read-only API key/, await alice.session('read-only'));
    const mo = await alice.session('modify-only');
    assert.equal((await performed(t(), mo, 'domain-modify', { domain: 'tech-grant.com', 'registrar-tag': 'MEMBER-1' })).status, 'ack');
    assert.equal((await domainRow(t(), 'tech-grant.com'))!.registrar_tag, 'MEMBER-1');
    const cleared = await performed(t(), mo, 'domain-modify', { domain: 'tech-grant.com', 'registrar-tag': '!@!' });
    assert.match(cleared.text, /^result_msg: tech-grant.com modified: registrar-tag removed$/m);
    assert.equal((await domainRow(t(), 'tech-grant.com'))!.registrar_tag, null);
  });
});
