import { it } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../core/password.ts';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addDomain, addGrant, notifyJobs } from '../../../test/helpers/zones.ts';

const DAY = 86_400_000;

forEachDatabase('dns-zone-put', (t) => {
  it('replaces the zone at once, answers a Proc-ID with an empty body, and acks the result', async () => {
    const { call } = t();
    const r = await t().reseller('zp-alice');
    await addDomain(t(), r.account.id, 'alice-zone.com');
    const zone = '$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.10 3600\n@ MX 10 mail.alice-zone.com. 86400';
    const put = await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'alice-zone.com', zone });
    assert.equal(put.code, 0, put.raw);
    assert.equal(put.get('Status-Text'), 'Command completed successfully');
    assert.match(put.get('Proc-ID')!, /^\d+$/);
    assert.equal(put.body, '');
    assert.ok(put.raw.endsWith('\n\n'));
    assert.equal(put.all('Error').length, 0);

    const get = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'alice-zone.com' });
    assert.equal(get.body, '$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.10 3600\n@ MX 10 mail.alice-zone.com. 86400\n');

    const result = await call('result-retrieve', { 'auth-sid': r.sid, 'Proc-ID': put.get('Proc-ID')! });
    assert.equal(result.code, 0, result.raw);
    assert.match(result.body, /Completion-Status: ack/);
    const row = await t().app.deps.db.selectFrom('results').selectAll().where('id', '=', Number(put.get('Proc-ID'))).executeTakeFirstOrThrow();
    assert.equal(row.status, 'ack');
    assert.equal(row.request_type, 'dns-zone-put');
    assert.equal(row.object_name, 'alice-zone.com');
  });

  it('raises the serial on every change (YYYYMMDDnn) and queues dns-notify with it in the same transaction', async () => {
    const { call, clock } = t();
    const r = await t().reseller('zp-bob');
    await addDomain(t(), r.account.id, 'bob-zone.net');
    const before = (await notifyJobs(t())).length;
    const date = new Date(clock.now()).toISOString().slice(0, 10).replace(/-/g, '');
    for (const ip of ['192.0.2.1', '192.0.2.2']) {
      assert.equal((await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'bob-zone.net', zone: `www A 0 ${ip} 300` })).code, 0);
    }
    clock.advance(DAY);
    const sid = await r.session('full'); // the first session timed out during the day
    assert.equal((await call('dns-zone-put', { 'auth-sid': sid, domain: 'bob-zone.net', zone: 'www A 0 192.0.2.3 300' })).code, 0);
    const jobs = (await notifyJobs(t())).slice(before);
    const nextDate = new Date(clock.now()).toISOString().slice(0, 10).replace(/-/g, '');
    assert.deepEqual(
      jobs.map((j) => [j.origin, j.serial]),
      [
        ['bob-zone.net', Number(`${date}00`)],
        ['bob-zone.net', Number(`${date}01`)],
        ['bob-zone.net', Number(`${nextDate}00`)],
      ],
    );
  });

  it('gives concurrent puts of one zone distinct, increasing serials (the zone row is locked)', async () => {
    const { call } = t();
    const r = await t().reseller('zp-par');
    await addDomain(t(), r.account.id, 'par-zone.com');
    const before = (await notifyJobs(t())).length;
    const puts = await Promise.all(Array.from({ length: 8 }, (_, i) => call('dns-zone-put', { 'auth-sid': r.sid, domain: 'par-zone.com', zone: `www A 0 192.0.2.${i + 1} 300` })));
    assert.deepEqual(puts.map((p) => p.code), Array(8).fill(0));
    const serials = (await notifyJobs(t())).slice(before).map((j) => j.serial);
    assert.equal(new Set(serials).size, 8);
    const low = Math.min(...serials);
    assert.deepEqual([...serials].sort((a, b) => a - b), Array.from({ length: 8 }, (_, i) => low + i));
  });

  it('rejects a zone with errors whole: one Error line per bad line, nothing changed, no job, no result', async () => {
    const { call, app } = t();
    const r = await t().reseller('zp-carol');
    await addDomain(t(), r.account.id, 'carol-zone.org');
    assert.equal((await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'carol-zone.org', zone: 'www A 0 192.0.2.1 300' })).code, 0);
    const jobsBefore = (await notifyJobs(t())).length;
    const resultsBefore = await app.deps.db.selectFrom('results').select('id').where('account_id', '=', r.account.id).execute();
    const bad = await call('dns-zone-put', {
      'auth-sid': r.sid,
      domain: 'carol-zone.org',
      zone: '# new zone\nwww A 0 192.0.2.300 300\nmail A 0 192.0.2.2 300\n_acme TXT 0 token 300\nlow A 0 192.0.2.3 30',
    });
    assert.equal(bad.code, 2005);
    assert.equal(bad.get('Status-Text'), 'Parameter value syntax error');
    assert.deepEqual(bad.all('Error'), [
      'line 2 (A target 192.0.2.300 is not an IPv4 address)',
      'line 4 (the TXT value must be quoted, like "v=spf1 -all")',
      'line 5 (ttl 30 is below the minimum of 60 seconds (only NAPTR may go lower))',
    ]);
    assert.equal(bad.get('Proc-ID'), undefined);
    const get = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'carol-zone.org' });
    assert.equal(get.body, '$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.1 300\n');
    assert.equal((await notifyJobs(t())).length, jobsBefore);
    const resultsAfter = await app.deps.db.selectFrom('results').select('id').where('account_id', '=', r.account.id).execute();
    assert.equal(resultsAfter.length, resultsBefore.length);
  });

  it('keeps a directive the text leaves out, and changes it when given', async () => {
    const { call } = t();
    const r = await t().reseller('zp-dave');
    await addDomain(t(), r.account.id, 'dave-zone.com');
    await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dave-zone.com', zone: '$dyndns=yes:dave:s3cret\nhome DYNA 0 192.0.2.7 60' });
    // DNSControl sends records only: DynDNS stays on.
    await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dave-zone.com', zone: 'home DYNA 0 192.0.2.8 60' });
    let get = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'dave-zone.com' });
    assert.equal(get.body, '$dnssec=no\n$dyndns=yes:dave:********\nhome DYNA 0 192.0.2.8 60\n');
    await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dave-zone.com', zone: '$dyndns=no::\n$dnssec=yes' });
    get = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'dave-zone.com' });
    assert.equal(get.body, '$dnssec=yes\n$dyndns=no::\n');
  });

  it('keeps only a hash of the DynDNS password and shows a mask that, sent back, keeps the password', async () => {
    const { app, call } = t();
    const r = await t().reseller('zp-dyn');
    await addDomain(t(), r.account.id, 'dyn-zone.com');
    const refused = await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dyn-zone.com', zone: '$dyndns=yes:dyn:********\nhome DYNA 0 192.0.2.7 60' });
    assert.equal(refused.code, 2005);
    assert.deepEqual(refused.all('Error'), ['$dyndns password ******** keeps the current one, and this zone has none; give the password']);
    assert.equal((await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dyn-zone.com', zone: '$dyndns=yes:dyn:first-pw\nhome DYNA 0 192.0.2.7 60' })).code, 0);
    const stored = async () => (await app.deps.db.selectFrom('zones').select('dyndns_password').where('name', '=', 'dyn-zone.com').executeTakeFirstOrThrow()).dyndns_password;
    const first = await stored();
    assert.match(first, /^\$argon2id\$/);
    assert.equal(await verifyPassword(first, 'first-pw'), true);
    // A client that gets the zone and puts it back (lexicon, WHMCS) keeps the password.
    const get = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'dyn-zone.com' });
    assert.ok(!get.body.includes('first-pw'));
    assert.equal((await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dyn-zone.com', zone: get.body.replace('192.0.2.7', '192.0.2.9') })).code, 0);
    assert.equal(await stored(), first);
    assert.equal((await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dyn-zone.com', zone: '$dyndns=yes:dyn:second-pw' })).code, 0);
    assert.equal(await verifyPassword(await stored(), 'second-pw'), true);
  });

  it('takes an empty zone (all records removed) and a comment-only zone (DNSControl initialisation)', async () => {
    const { call } = t();
    const r = await t().reseller('zp-erin');
    await addDomain(t(), r.account.id, 'erin-zone.com');
    await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'erin-zone.com', zone: 'www A 0 192.0.2.1 300' });
    for (const zone of ['', '# Zone initialized by dnscontrol']) {
      const put = await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'erin-zone.com', zone });
      assert.equal(put.code, 0, put.raw);
      assert.equal((await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'erin-zone.com' })).body, '$dnssec=no\n$dyndns=no::\n');
    }
  });

  it("answers another reseller's domain exactly like a missing one (2303), and leaves it alone", async () => {
    const { call } = t();
    const owner = await t().reseller('zp-frank');
    const other = await t().reseller('zp-gina');
    await addDomain(t(), owner.account.id, 'frank-zone.com');
    await call('dns-zone-put', { 'auth-sid': owner.sid, domain: 'frank-zone.com', zone: 'www A 0 192.0.2.1 300' });
    const foreign = await call('dns-zone-put', { 'auth-sid': other.sid, domain: 'frank-zone.com', zone: 'www A 0 203.0.113.66 300' });
    const missing = await call('dns-zone-put', { 'auth-sid': other.sid, domain: 'nobody-zone.com', zone: 'www A 0 203.0.113.66 300' });
    assert.equal(foreign.code, 2303);
    assert.equal(foreign.get('Status-Text'), 'Object does not exist');
    assert.equal(foreign.get('Error'), 'domain frank-zone.com not found');
    assert.equal(missing.code, 2303);
    assert.equal(missing.get('Error'), 'domain nobody-zone.com not found');
    assert.equal((await call('dns-zone-get', { 'auth-sid': owner.sid, domain: 'frank-zone.com' })).body, '$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.1 300\n');
  });

  it('lets a grantee whose role permits DNS (@tech, @admin) put, refuses @billing (2201)', async () => {
    const { call } = t();
    const holder = await t().reseller('zp-kim');
    const tech = await t().reseller('zp-lou');
    const billing = await t().reseller('zp-max');
    const id = await addDomain(t(), holder.account.id, 'kim-zone.com');
    await addGrant(t(), id, holder.account.id, tech.account.id, '@tech');
    await addGrant(t(), id, holder.account.id, billing.account.id, '@billing');
    const byTech = await call('dns-zone-put', { 'auth-sid': tech.sid, domain: 'kim-zone.com', zone: 'www A 0 192.0.2.44 300' });
    assert.equal(byTech.code, 0, byTech.raw);
    const byBilling = await call('dns-zone-put', { 'auth-sid': billing.sid, domain: 'kim-zone.com', zone: 'www A 0 203.0.113.1 300' });
    assert.equal(byBilling.code, 2201);
    assert.match(byBilling.get('Error')!, /does not permit changing its zone/);
    // Viewing is open to every role.
    assert.equal((await call('dns-zone-get', { 'auth-sid': billing.sid, domain: 'kim-zone.com' })).body, '$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.44 300\n');
    assert.equal((await call('dns-zone-list', { 'auth-sid': billing.sid })).body.split(' ')[0], 'kim-zone.com');
  });

  it('refuses a read-only key (2201) and lets a modify-only key put (no costs)', async () => {
    const { call } = t();
    const r = await t().reseller('zp-hank');
    await addDomain(t(), r.account.id, 'hank-zone.com');
    const ro = await call('dns-zone-put', { 'auth-sid': await r.session('read-only'), domain: 'hank-zone.com', zone: 'www A 0 192.0.2.1 300' });
    assert.equal(ro.code, 2201);
    assert.match(ro.get('Error')!, /read-only API key/);
    const mo = await call('dns-zone-put', { 'auth-sid': await r.session('modify-only'), domain: 'hank-zone.com', zone: 'www A 0 192.0.2.1 300' });
    assert.equal(mo.code, 0, mo.raw);
  });

  it('names missing and malformed parameters', async () => {
    const { call } = t();
    const r = await t().reseller('zp-ivan');
    const noZone = await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'ivan-zone.com' });
    assert.equal(noZone.code, 2003);
    assert.equal(noZone.get('Error'), "missing parameter 'zone'");
    const noDomain = await call('dns-zone-put', { 'auth-sid': r.sid, zone: '' });
    assert.equal(noDomain.code, 2003);
    assert.equal(noDomain.get('Error'), "missing parameter 'domain'");
    const badName = await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'not a domain', zone: '' });
    assert.equal(badName.code, 2005);
    assert.equal(badName.get('Error'), "invalid 'domain' (not a domain is not a domain name)");
  });

  it('accepts what clients really send: tabs (SVCJ), trailing 0 0 (WHMCS), LEGO SRV/TXT, IDN domain names, GET', async () => {
    const { call } = t();
    const r = await t().reseller('zp-jane');
    await addDomain(t(), r.account.id, 'xn--bcher-kva.com');
    const zone = [
      '@\tA\t0\t192.0.2.1\t86400',
      'www CNAME 0 xn--bcher-kva.com. 86400 0 0',
      '_jabber._tcp SRV 20/0 xmpp-server1.l.google.com:5269 300',
      '_acme-challenge TXT 0 "SrqD25Gpm3WtIGKCqhgsLeXWE_FAD5Hv9CRoLAHxlIE" 120',
      'info MAILFW 0 someone@example.net 86400 0 0 1',
    ].join('\n');
    const put = await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'bücher.com', zone }, { method: 'GET' });
    assert.equal(put.code, 0, put.raw);
    const get = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'xn--bcher-kva.com' });
    assert.equal(
      get.body,
      [
        '$dnssec=no',
        '$dyndns=no::',
        '@ A 0 192.0.2.1 86400',
        'www CNAME 0 xn--bcher-kva.com. 86400',
        '_jabber._tcp SRV 20/0 xmpp-server1.l.google.com:5269 300',
        '_acme-challenge TXT 0  "SrqD25Gpm3WtIGKCqhgsLeXWE_FAD5Hv9CRoLAHxlIE " 120',
        'info MAILFW 0 someone@example.net 86400 0 0 1',
        '',
      ].join('\n'),
    );
  });
});
