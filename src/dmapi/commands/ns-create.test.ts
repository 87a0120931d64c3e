import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../../test/helpers/harness.ts';
import { giveDomain, retrieve, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { OWN_REGISTRAR, simulatorOf } from '../../registry/index.ts';

forEachDatabase('ns-create', (t) => {
  let sid = '';
  const rejected = async (params: Record<string, string>, code: number, error: RegExp, s = sid) => {
    const before = await counts(t());
    const r = await t().call('ns-create', { 'auth-sid': s, ...params });
    assert.equal(r.code, code, r.raw);
    assert.match(r.all('Error').join('\n'), error);
    assert.deepEqual(await counts(t()), before);
  };

  it('setup', async () => {
    const r = await t().reseller('alice');
    sid = r.sid;
    await giveDomain(t(), r.account.id, 'alice-example.com');
    await giveDomain(t(), r.account.id, 'alice.co.uk');
  });

  it('creates an in-bailiwick host with several IPv4 and IPv6 addresses (short notation)', async () => {
    const r = await runAsync(t(), sid, 'ns-create', { host: 'NS1.Alice-Example.com.', ip: '45.76.10.10, 45.76.10.11', ipv6: '2A05:D014:0:0::53,2a05:d014::54' });
    assert.equal(r.status, 'ack', r.body);
    assert.equal(r.object, 'ns1.alice-example.com');
    assert.match(r.body, /result_msg: name server ns1\.alice-example\.com created/);
    const row = await t().app.deps.db.selectFrom('hosts').selectAll().where('name', '=', 'ns1.alice-example.com').executeTakeFirstOrThrow();
    assert.deepEqual([row.ipv4, row.ipv6], ['45.76.10.10,45.76.10.11', '2a05:d014::53,2a05:d014::54']);
    const reg = await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).infoHost('ns1.alice-example.com');
    assert.deepEqual([reg!.sponsor, reg!.superordinate, reg!.ipv6], [OWN_REGISTRAR, 'alice-example.com', ['2a05:d014::53', '2a05:d014::54']]);
    const ipv6only = await runAsync(t(), sid, 'host-create', { host: 'ns2.alice.co.uk', ipv6: '2a05:d014::55' });
    assert.equal(ipv6only.status, 'ack');
    // The alias runs the same request; result-list names it by its canonical name.
    const list = await t().call('result-list', { 'auth-sid': sid });
    assert.match(list.body, / ns-create ns2\.alice\.co\.uk ack -\n/);
  });

  it('creates an out-of-bailiwick host without addresses', async () => {
    const r = await runAsync(t(), sid, 'ns-create', { host: 'ns.provider-dns.ch' });
    assert.equal(r.status, 'ack', r.body);
    assert.equal((await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).infoHost('ns.provider-dns.ch'))!.superordinate, null);
  });

  it('needs an address and the parent domain in the account for in-bailiwick hosts', async () => {
    await rejected({ host: 'ns3.alice-example.com' }, 2003, /missing parameter 'ip' or 'ipv6' \(ns3\.alice-example\.com lies inside alice-example\.com, so it needs an address\)/);
    await rejected({ host: 'ns1.not-mine.com', ip: '45.76.10.10' }, 2303, /^domain not-mine\.com not found in this account; the name server ns1\.not-mine\.com inside it needs its parent domain here$/);
    await rejected({ host: 'ns3.brandguard.com', ip: '45.76.10.10' }, 2303, /^domain brandguard\.com not found/);
    await rejected({ host: 'alice-example.com', ip: '45.76.10.10' }, 2306, /^invalid 'host' \(alice-example\.com is a domain; a name server needs a label below it/);
  });

  it('refuses addresses for out-of-bailiwick hosts and hosts under unknown TLDs', async () => {
    await rejected({ host: 'ns.elsewhere.ch', ip: '45.76.10.10' }, 2306, /^invalid 'ip' \(ns\.elsewhere\.ch is outside the platform's TLDs, out of bailiwick, and takes no addresses\)$/);
    await rejected({ host: 'ns.elsewhere.ch', ipv6: '2a05:d014::53' }, 2306, /^invalid 'ipv6' \(/);
    await rejected({ host: 'ns.foo.zz' }, 2306, /^invalid 'host' \(\.zz is not a top-level domain/);
    await rejected({ host: 'com' }, 2306, /^invalid 'host' \(com /);
  });

  it('refuses special-purpose and malformed addresses, naming the parameter', async () => {
    for (const ip of ['10.0.0.1', '127.0.0.1', '192.168.1.1', '192.0.2.1', '100.64.1.1', '224.0.0.5']) {
      await rejected({ host: 'ns4.alice-example.com', ip }, 2306, new RegExp(`^invalid 'ip' \\(${ip.replace(/\./g, '\\.')} is in IANA special-purpose range`));
    }
    for (const ipv6 of ['::1', 'fe80::1', 'fc00::1', '2001:db8::1', 'ff02::1']) await rejected({ host: 'ns4.alice-example.com', ipv6 }, 2306, /^invalid 'ipv6' \(.*special-purpose/);
    await rejected({ host: 'ns4.alice-example.com', ipv6: '4000::1' }, 2306, /^invalid 'ipv6' \(4000::1 is not global unicast/);
    await rejected({ host: 'ns4.alice-example.com', ip: '45.76.010.10' }, 2005, /^invalid 'ip' \(.*no leading zeros/);
    await rejected({ host: 'ns4.alice-example.com', ip: '2a05:d014::53' }, 2005, /^invalid 'ip' \(2a05:d014::53 is an IPv6 address where an IPv4 address is expected/);
    await rejected({ host: 'ns4.alice-example.com', ipv6: '45.76.10.10' }, 2005, /^invalid 'ipv6' \(/);
    await rejected({ host: 'ns4.alice-example.com', ip: Array.from({ length: 11 }, (_, i) => `45.76.10.${i + 1}`).join(',') }, 2004, /^invalid 'ip' \(at most 10 addresses/);
    const both = await t().call('ns-create', { 'auth-sid': sid, host: 'ns4.alice-example.com', ip: '10.0.0.1,x' });
    assert.deepEqual(both.all('Error'), ["invalid 'ip' (10.0.0.1 is in IANA special-purpose range 10.0.0.0/8 (Private-Use))", "invalid 'ip' (x is not an IP address)"]);
  });

  it('refuses malformed host names and a missing host', async () => {
    await rejected({}, 2003, /^missing parameter 'host'$/);
    await rejected({ host: 'ns_1.alice-example.com', ip: '45.76.10.10' }, 2005, /^invalid 'host' \(label ns_1 has a character other than/);
    await rejected({ host: 'ns1..alice-example.com', ip: '45.76.10.10' }, 2005, /^invalid 'host' \(.*empty label/);
    await rejected({ host: 'localhost' }, 2306, /^invalid 'host' \(localhost needs at least two labels/);
  });

  it('refuses a host that exists already, whoever holds it', async () => {
    await rejected({ host: 'ns1.alice-example.com', ip: '45.76.10.12' }, 2302, /^host ns1\.alice-example\.com exists already/);
    const bob = await t().reseller('bob');
    await rejected({ host: 'ns.provider-dns.ch' }, 2302, /exists already/, bob.sid);
  });

  it('nacks what only the registry knows: an external host another registrar created', async () => {
    const accepted = await t().call('ns-create', { 'auth-sid': sid, host: 'a.ns.budgetnames.example' });
    // .example is no public TLD, so the platform refuses it before the registry is asked.
    assert.equal(accepted.code, 2306);
    await simulatorOf(t().app.deps).openAs('sim-brandguard', t().app.deps.db, t().clock.now()).createHost('ns9.other-provider.ch', { ipv4: [], ipv6: [] });
    const r = await runAsync(t(), sid, 'ns-create', { host: 'ns9.other-provider.ch' });
    assert.equal(r.status, 'nack');
    assert.match(r.body, /result_msg: the registry says host ns9\.other-provider\.ch exists already \(EPP 2302\)/);
    assert.equal(await t().app.deps.db.selectFrom('hosts').select('id').where('name', '=', 'ns9.other-provider.ch').executeTakeFirst(), undefined);
  });

  it('a read-only key cannot create; a modify-only key can', async () => {
    const r = await t().reseller('carol');
    await giveDomain(t(), r.account.id, 'carol-example.net');
    const ro = await r.session('read-only');
    const denied = await t().call('ns-create', { 'auth-sid': ro, host: 'ns1.carol-example.net', ip: '45.76.10.20' });
    assert.equal(denied.code, 2201);
    const mo = await r.session('modify-only');
    const accepted = await t().call('ns-create', { 'auth-sid': mo, host: 'ns1.carol-example.net', ip: '45.76.10.20' });
    assert.equal(accepted.code, 0);
    await t().work();
    assert.equal((await retrieve(t(), mo, accepted.get('Proc-ID')!)).keys.get('Completion-Status'), 'ack');
  });
});

async function counts(t: TestApp) {
  const db = t.app.deps.db;
  const n = async (table: 'hosts' | 'registry_hosts' | 'results' | 'jobs') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { hosts: await n('hosts'), registry: await n('registry_hosts'), results: await n('results'), jobs: await n('jobs') };
}
