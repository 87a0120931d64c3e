import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, type AddressInfo } from 'node:net';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { addDomain, notifyJobs } from '../../test/helpers/zones.ts';
import { createZoneSource } from '../zone/zone-source.ts';
import { updateDynRecords } from './nic-update.ts';

const run = promisify(execFile);
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function update(t: TestApp, query: Record<string, string>, o: { auth?: string; ip?: string; method?: 'GET' | 'POST' } = {}) {
  const qs = new URLSearchParams(query).toString();
  const res = await t.app.http.inject({
    method: o.method ?? 'GET',
    url: o.method === 'POST' ? '/nic/update' : `/nic/update?${qs}`,
    headers: { ...(o.auth ? { authorization: o.auth } : {}), ...(o.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(o.method === 'POST' ? { payload: qs } : {}),
    remoteAddress: o.ip ?? '127.0.0.1',
  });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}

async function zoneText(t: TestApp, sid: string, domain: string): Promise<string> {
  return (await t.call('dns-zone-get', { 'auth-sid': sid, domain })).body;
}

forEachDatabase('DynDNS /nic/update (dyndns2)', (t) => {
  let n = 0;
  /** A reseller with a domain whose zone has DynDNS on (user `u<n>`, password `pw-<n>`). */
  async function setup(zone: string, enabled = true) {
    n++;
    const r = await t().reseller(`dyn-${n}`);
    const domain = `dyn${n}.com`;
    await addDomain(t(), r.account.id, domain);
    const put = await t().call('dns-zone-put', { 'auth-sid': r.sid, domain, zone: `$dyndns=${enabled ? 'yes' : 'no'}:u${n}:pw-${n}\n${zone}` });
    assert.equal(put.code, 0, put.raw);
    return { r, domain, auth: basic(`u${n}`, `pw-${n}`), user: `u${n}`, password: `pw-${n}` };
  }

  it('rewrites the DYNA record: good <ip>, a new serial, a NOTIFY job, and DNS answers the new address', async () => {
    const s = await setup('home DYNA 0 192.0.2.1 60\nwww A 0 192.0.2.80 300');
    const source = createZoneSource(t().app.deps);
    const before = (await source.serial(s.domain))!;
    const jobs = (await notifyJobs(t())).length;
    const res = await update(t(), { hostname: `home.${s.domain}`, myip: '198.51.100.5' }, { auth: s.auth });
    assert.equal(res.status, 200);
    assert.equal(res.body, 'good 198.51.100.5');
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(await zoneText(t(), s.r.sid, s.domain), `$dnssec=no\n$dyndns=yes:${s.user}:********\nhome DYNA 0 198.51.100.5 60\nwww A 0 192.0.2.80 300\n`);
    const after = (await source.serial(s.domain))!;
    assert.equal(after, before + 1);
    assert.deepEqual((await notifyJobs(t())).slice(jobs).map((j) => [j.origin, j.serial]), [[s.domain, after]]);
    const snap = (await source.findZone(`home.${s.domain}`))!;
    assert.deepEqual(snap.records.filter((x) => x.name === `home.${s.domain}`).map((x) => x.data), [{ type: 'A', address: '198.51.100.5' }]);
  });

  it('answers nochg when the address is already set, without a new serial', async () => {
    const s = await setup('home DYNA 0 198.51.100.9 60');
    const source = createZoneSource(t().app.deps);
    const before = await source.serial(s.domain);
    const res = await update(t(), { hostname: `home.${s.domain}`, myip: '198.51.100.9' }, { auth: s.auth });
    assert.equal(res.body, 'nochg 198.51.100.9');
    assert.equal(await source.serial(s.domain), before);
  });

  it('takes the client address without myip, IPv6 into DYNAAAA, both families at once, and the apex', async () => {
    const s = await setup('@ DYNA 0 192.0.2.1 60\nboth DYNA 0 192.0.2.2 60\nboth DYNAAAA 0 2001:db8::2 60\nsix DYNAAAA 0 2001:db8::3 60');
    assert.equal((await update(t(), { hostname: s.domain }, { auth: s.auth, ip: '203.0.113.7' })).body, 'good 203.0.113.7');
    assert.equal((await update(t(), { hostname: s.domain }, { auth: s.auth, ip: '::ffff:203.0.113.8' })).body, 'good 203.0.113.8');
    assert.equal((await update(t(), { hostname: `six.${s.domain}`, myip: '2001:DB8:0::99' }, { auth: s.auth })).body, 'good 2001:db8::99');
    assert.equal((await update(t(), { hostname: `both.${s.domain}`, myip: '198.51.100.1,2001:db8::1' }, { auth: s.auth })).body, 'good 198.51.100.1,2001:db8::1');
    // IPv6 for a name with only DYNA records: nothing to update.
    assert.equal((await update(t(), { hostname: s.domain, myip: '2001:db8::5' }, { auth: s.auth })).body, 'nohost');
    assert.equal(
      await zoneText(t(), s.r.sid, s.domain),
      `$dnssec=no\n$dyndns=yes:${s.user}:********\n@ DYNA 0 203.0.113.8 60\nboth DYNA 0 198.51.100.1 60\nboth DYNAAAA 0 2001:db8::1 60\nsix DYNAAAA 0 2001:db8::99 60\n`,
    );
  });

  it('collapses several DYNA records of one name into the updated one (a DynDNS name has one address)', async () => {
    const s = await setup('h DYNA 0 192.0.2.1 60\nx TXT 0 "keep" 60\nh DYNA 0 192.0.2.2 60');
    assert.equal((await update(t(), { hostname: `h.${s.domain}`, myip: '192.0.2.1' }, { auth: s.auth })).body, 'good 192.0.2.1');
    assert.equal(await zoneText(t(), s.r.sid, s.domain), `$dnssec=no\n$dyndns=yes:${s.user}:********\nh DYNA 0 192.0.2.1 60\nx TXT 0  "keep " 60\n`);
  });

  it('answers one line per host name, and takes Joker-style username/password parameters and POST', async () => {
    const s = await setup('a DYNA 0 192.0.2.1 60\nb DYNA 0 192.0.2.2 60');
    const res = await update(t(), { hostname: `a.${s.domain},b.${s.domain}.,c.${s.domain},nodot`, myip: '192.0.2.2', username: s.user, password: s.password });
    assert.equal(res.body, 'good 192.0.2.2\nnochg 192.0.2.2\nnohost\nnotfqdn');
    const post = await update(t(), { hostname: `a.${s.domain}`, myip: '192.0.2.3' }, { auth: s.auth, method: 'POST' });
    assert.equal(post.body, 'good 192.0.2.3');
  });

  it('answers badauth for a wrong password, for a zone with DynDNS off, and 401 with a challenge without credentials', async () => {
    const s = await setup('home DYNA 0 192.0.2.1 60');
    assert.equal((await update(t(), { hostname: `home.${s.domain}`, myip: '192.0.2.9' }, { auth: basic(s.user, 'wrong'), ip: '198.51.100.200' })).body, 'badauth');
    const off = await setup('home DYNA 0 192.0.2.1 60', false);
    assert.equal((await update(t(), { hostname: `home.${off.domain}`, myip: '192.0.2.9' }, { auth: off.auth, ip: '198.51.100.200' })).body, 'badauth');
    const none = await update(t(), { hostname: `home.${s.domain}` });
    assert.equal(none.status, 401);
    assert.equal(none.body, 'badauth');
    assert.equal(none.headers['www-authenticate'], 'Basic realm="dmapid DynDNS"');
    // Another zone's credentials do not open this one.
    assert.equal((await update(t(), { hostname: `home.${s.domain}`, myip: '192.0.2.9' }, { auth: off.auth, ip: '198.51.100.200' })).body, 'badauth');
    assert.equal(await zoneText(t(), s.r.sid, s.domain), `$dnssec=no\n$dyndns=yes:${s.user}:********\nhome DYNA 0 192.0.2.1 60\n`);
  });

  it('answers nohost, notfqdn, numhost and dnserr', async () => {
    const s = await setup('home DYNA 0 192.0.2.1 60\nwww A 0 192.0.2.2 60');
    assert.equal((await update(t(), { hostname: `www.${s.domain}`, myip: '192.0.2.5' }, { auth: s.auth })).body, 'nohost');
    assert.equal((await update(t(), { hostname: 'home.not-hosted.org', myip: '192.0.2.5' }, { auth: s.auth })).body, 'nohost');
    assert.equal((await update(t(), { myip: '192.0.2.5' }, { auth: s.auth })).body, 'notfqdn');
    const many = Array.from({ length: 21 }, (_, i) => `h${i}.${s.domain}`).join(',');
    assert.equal((await update(t(), { hostname: many }, { auth: s.auth })).body, 'numhost');
    for (const myip of ['300.1.1.1', '1.2', 'fe80::1%eth0', 'me']) assert.equal((await update(t(), { hostname: `home.${s.domain}`, myip }, { auth: s.auth })).body, 'dnserr', myip);
  });

  it('answers abuse to an address after too many failed logins, until the window passes', async () => {
    const s = await setup('home DYNA 0 192.0.2.1 60');
    const ip = '198.51.100.66';
    for (let i = 0; i < 10; i++) assert.equal((await update(t(), { hostname: `home.${s.domain}` }, { auth: basic(s.user, `bad-${i}`), ip })).body, 'badauth');
    assert.equal((await update(t(), { hostname: `home.${s.domain}`, myip: '192.0.2.7' }, { auth: s.auth, ip })).body, 'abuse');
    assert.equal((await update(t(), { hostname: `home.${s.domain}`, myip: '192.0.2.7' }, { auth: s.auth, ip: '198.51.100.67' })).body, 'good 192.0.2.7');
    t().clock.advance(15 * 60_000 + 1);
    assert.equal((await update(t(), { hostname: `home.${s.domain}`, myip: '192.0.2.8' }, { auth: s.auth, ip })).body, 'good 192.0.2.8');
  });

  it("ignores the junk first key of Joker's ddclient recipe (`/nic/update?/nic/update?system=…`) and always sends Content-Length", async () => {
    const s = await setup('gw DYNA 0 192.0.2.1 60');
    const { http } = await listen(t());
    // ddclient's socket mode, as its dyndns2 code writes the request: no chunked decoding on its side.
    const path = `/nic/update?/nic/update?system=dyndns&hostname=gw.${s.domain}&myip=198.51.100.31`;
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = createConnection({ host: '127.0.0.1', port: http }, () => {
        sock.write(`GET ${path} HTTP/1.1\r\nHost: svc.joker.com\r\nAuthorization: ${s.auth}\r\nUser-Agent: ddclient/3.10.0\r\nConnection: close\r\n\r\n`);
      });
      let out = '';
      sock.on('data', (d) => (out += d.toString()));
      sock.on('end', () => resolve(out));
      sock.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 200 /);
    assert.match(head!, /\r\ncontent-length: 18\r\n/i);
    assert.doesNotMatch(head!, /transfer-encoding/i);
    assert.equal(body, 'good 198.51.100.31');
  });

  it("Debian's ddclient updates a DYNA record over HTTP, and dig sees the new address", async (ctx) => {
    const tools = ['ddclient', 'dig'].filter((tool) => spawnSync('which', [tool]).status !== 0);
    if (tools.length) {
      if (process.env.CI === 'true') assert.fail(`${tools.join(', ')} not installed (CI=true requires them; .ci/run installs them)`);
      return ctx.skip(`${tools.join(', ')} not installed`);
    }
    const s = await setup('gw DYNA 0 192.0.2.1 60');
    const listening = await listen(t());
    const dir = mkdtempSync(join(tmpdir(), 'dmapid-ddclient-'));
    try {
      writeFileSync(
        join(dir, 'ddclient.conf'),
        [
          'daemon=0',
          'ssl=no',
          'syslog=no',
          'protocol=dyndns2',
          `server=127.0.0.1:${listening.http}`,
          `login=${s.user}`,
          `password='${s.password}'`,
          'use=ip, ip=198.51.100.123',
          `gw.${s.domain}`,
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      // ddclient runs asynchronously: the server it talks to lives in this process.
      const out = await run('ddclient', ['-daemon=0', '-foreground', '-verbose', '-noquiet', '-file', join(dir, 'ddclient.conf'), '-cache', join(dir, 'ddclient.cache')], { timeout: 30_000 });
      const log = out.stdout + out.stderr;
      assert.match(log, /SUCCESS/, log);
      assert.match(await zoneText(t(), s.r.sid, s.domain), /gw DYNA 0 198\.51\.100\.123 60/);
      await t().work(); // the NOTIFY job (no secondaries configured: nothing to send)
      const dig = await run('dig', ['@127.0.0.1', '-p', String(listening.dns), `gw.${s.domain}`, 'A', '+short', '+time=2', '+tries=1']);
      assert.equal(dig.stdout.trim(), '198.51.100.123');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}, { dnsPort: 0 });

/** Binds the test app's DMAPI listener (with /nic/update) and its DNS server on free loopback ports. */
async function listen(t: TestApp): Promise<{ http: number; dns: number }> {
  if (!t.app.http.server.listening) await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  if (!t.app.dns) throw new Error('the test app has no DNS server');
  if (t.app.dns.addresses().length === 0) await t.app.dns.listen();
  return { http: (t.app.http.server.address() as AddressInfo).port, dns: t.app.dns.port };
}

it('updateDynRecords keeps other records and their order', () => {
  const base = { ttl: 60, validFrom: 0, validTo: 0 };
  const records = [
    { ...base, label: 'a', type: 'TXT' as const, text: 'x' },
    { ...base, label: 'H', type: 'DYNA' as const, address: '192.0.2.1' },
    { ...base, label: 'h', type: 'DYNAAAA' as const, address: '2001:db8::1' },
  ];
  const out = updateDynRecords(records, 'h', new Map([['v4', '192.0.2.9']]));
  assert.deepEqual(out, { changed: true, set: ['192.0.2.9'], records: [records[0], { ...records[1], address: '192.0.2.9' }, records[2]] });
  assert.equal(updateDynRecords(records, 'other', new Map([['v4', '192.0.2.9']])), undefined);
});
