import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { addDomain, notifyJobs } from '../../test/helpers/zones.ts';
import type { ResourceRecord } from '../dns/zone-source.ts';
import { createZoneSource } from './zone-source.ts';
import { createDefaultZone } from './store.ts';
import { txtStrings } from './to-dns.ts';

const rr = (records: ResourceRecord[], name: string, type?: string) => records.filter((r) => r.name === name && (type === undefined || r.data.type === type));

forEachDatabase(
  'zone source (DNS view of hosted zones)',
  (t) => {
    it('serves every record type in DNS terms, with the platform SOA and apex NS', async () => {
      const { call, app, clock } = t();
      const r = await t().reseller('zs-alice');
      await addDomain(t(), r.account.id, 'alice-dns.com');
      const zone = [
        '$dyndns=yes:alice:pw',
        '@ A 0 192.0.2.1 3600',
        'WWW AAAA 0 2001:DB8:0:0::1 3600',
        'alias CNAME 0 Target.Example.NET. 300',
        'rel CNAME 0 www 300',
        'apex CNAME 0 @ 300',
        '@ MX 10 mail.alice-dns.com. 86400',
        'txt TXT 0 "hello world" 300',
        '_sip._tcp SRV 10/60 sip.alice-dns.com:5060 300',
        'nosip._tcp SRV 0/0 .:0 300'.replace('nosip', '_nosip'),
        'e164 NAPTR 100/10 . 0 0 0 "u" "E2U+sip" "!^.*$!sip:info@alice-dns.com!"',
        'naptr NAPTR 10/100 _sip._udp.alice-dns.com. 60 0 0 "S" "SIP+D2U" ""',
        '@ CAA 128 issue "letsencrypt.org" 3600',
        'go URL 0 https://example.org/landing 300 0 0 301',
        'frame FRAME 0 http://example.org/ 300',
        'info MAILFW 0 someone@example.net 600 0 0 1',
        'home DYNA 0 198.51.100.7 60',
        'home DYNAAAA 0 2001:db8::7 60',
        'sub NS 0 ns1.sub.alice-dns.com. 3600',
        'ns1.sub A 0 192.0.2.53 3600',
      ].join('\n');
      const put = await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'alice-dns.com', zone });
      assert.equal(put.code, 0, put.raw);
      const source = createZoneSource(app.deps);
      const snap = (await source.findZone('www.alice-dns.com'))!;
      const serial = Number(new Date(clock.now()).toISOString().slice(0, 10).replace(/-/g, '') + '00');
      assert.equal(snap.origin, 'alice-dns.com');
      assert.deepEqual(snap.soa, { type: 'SOA', mname: 'a.ns.dmapid.test', rname: 'hostmaster.dmapid.test', serial, refresh: 10800, retry: 3600, expire: 1209600, minimum: 300 });
      assert.equal(snap.soaTtl, 3600);
      assert.equal(await source.serial('alice-dns.com'), serial);
      const o = 'alice-dns.com';
      const recs = snap.records;
      assert.deepEqual(rr(recs, o, 'NS').map((x) => [x.data, x.ttl]), [[{ type: 'NS', host: 'a.ns.dmapid.test' }, 86400], [{ type: 'NS', host: 'b.ns.dmapid.test' }, 86400]]);
      assert.deepEqual(rr(recs, o, 'A').map((x) => x.data), [{ type: 'A', address: '192.0.2.1' }]);
      assert.deepEqual(rr(recs, `www.${o}`).map((x) => x.data), [{ type: 'AAAA', address: '2001:db8::1' }]);
      assert.deepEqual(rr(recs, `alias.${o}`).map((x) => x.data), [{ type: 'CNAME', target: 'target.example.net' }]);
      assert.deepEqual(rr(recs, `rel.${o}`).map((x) => x.data), [{ type: 'CNAME', target: `www.${o}` }]);
      assert.deepEqual(rr(recs, `apex.${o}`).map((x) => x.data), [{ type: 'CNAME', target: o }]);
      // The zone's own MX wins over the mail-forwarding MX.
      assert.deepEqual(rr(recs, o, 'MX').map((x) => x.data), [{ type: 'MX', preference: 10, exchange: `mail.${o}` }]);
      assert.deepEqual(rr(recs, `txt.${o}`).map((x) => x.data), [{ type: 'TXT', strings: ['hello world'] }]);
      assert.deepEqual(rr(recs, `_sip._tcp.${o}`).map((x) => x.data), [{ type: 'SRV', priority: 10, weight: 60, port: 5060, target: `sip.${o}` }]);
      assert.deepEqual(rr(recs, `_nosip._tcp.${o}`).map((x) => x.data), [{ type: 'SRV', priority: 0, weight: 0, port: 0, target: '' }]);
      assert.deepEqual(rr(recs, `e164.${o}`).map((x) => [x.data, x.ttl]), [
        [{ type: 'NAPTR', order: 100, preference: 10, flags: 'u', service: 'E2U+sip', regexp: '!^.*$!sip:info@alice-dns.com!', replacement: '' }, 0],
      ]);
      assert.deepEqual(rr(recs, `naptr.${o}`).map((x) => x.data), [{ type: 'NAPTR', order: 10, preference: 100, flags: 'S', service: 'SIP+D2U', regexp: '', replacement: `_sip._udp.${o}` }]);
      assert.deepEqual(rr(recs, o, 'CAA').map((x) => x.data), [{ type: 'CAA', flags: 128, tag: 'issue', value: 'letsencrypt.org' }]);
      assert.deepEqual(rr(recs, `go.${o}`).map((x) => x.data), [{ type: 'A', address: '127.0.0.1' }, { type: 'AAAA', address: '2001:db8::80' }]);
      assert.deepEqual(rr(recs, `frame.${o}`).map((x) => x.data), [{ type: 'A', address: '127.0.0.1' }, { type: 'AAAA', address: '2001:db8::80' }]);
      assert.deepEqual(rr(recs, `home.${o}`).map((x) => x.data), [{ type: 'A', address: '198.51.100.7' }, { type: 'AAAA', address: '2001:db8::7' }]);
      assert.deepEqual(rr(recs, `sub.${o}`).map((x) => x.data), [{ type: 'NS', host: `ns1.sub.${o}` }]);
      assert.deepEqual(rr(recs, `ns1.sub.${o}`).map((x) => x.data), [{ type: 'A', address: '192.0.2.53' }]);
      // MAILFW is not a DNS name of its own.
      assert.equal(recs.filter((x) => x.name.startsWith('info.')).length, 0);
    });

    it('finds the zone for any name inside it (case and trailing dot ignored), none outside', async () => {
      const { call, app } = t();
      const r = await t().reseller('zs-bob');
      await addDomain(t(), r.account.id, 'bob-dns.net');
      await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'bob-dns.net', zone: '' });
      const source = createZoneSource(app.deps);
      for (const q of ['bob-dns.net', 'BOB-DNS.NET.', 'a.b.c.bob-dns.net']) assert.equal((await source.findZone(q))?.origin, 'bob-dns.net', q);
      for (const q of ['net', 'xbob-dns.net', 'bob-dns.net.example', '']) assert.equal(await source.findZone(q), undefined, q);
      assert.equal(await source.serial('nothing.example'), undefined);
      const serial = await source.serial('bob-dns.net');
      assert.deepEqual(await source.findOrigin!('x.y.BOB-DNS.net.'), { origin: 'bob-dns.net', serial });
      assert.equal(await source.findOrigin!('bob-dns.org'), undefined);
      // An empty zone is served with its SOA and NS only.
      assert.deepEqual((await source.findZone('bob-dns.net'))!.records.map((x) => x.data.type), ['NS', 'NS']);
    });

    it('serves DYNA/DYNAAAA only while $dyndns=yes, and MAILFW as an apex MX when the zone has none', async () => {
      const { call, app } = t();
      const r = await t().reseller('zs-carol');
      await addDomain(t(), r.account.id, 'carol-dns.org');
      await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'carol-dns.org', zone: '$dyndns=no::\nhome DYNA 0 198.51.100.9 60\nfred MAILFW 0 fred@example.net 300 0 0 0\nbarney MAILFW 0 b@example.net 300' });
      const source = createZoneSource(app.deps);
      let snap = (await source.findZone('carol-dns.org'))!;
      assert.deepEqual(rr(snap.records, 'home.carol-dns.org'), []);
      assert.deepEqual(rr(snap.records, 'carol-dns.org', 'MX').map((x) => [x.data, x.ttl]), [[{ type: 'MX', preference: 10, exchange: 'mx.dmapid.test' }, 300]]);
      await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'carol-dns.org', zone: '$dyndns=yes:c:pw\nhome DYNA 0 198.51.100.9 60' });
      snap = (await source.findZone('carol-dns.org'))!;
      assert.deepEqual(rr(snap.records, 'home.carol-dns.org').map((x) => x.data), [{ type: 'A', address: '198.51.100.9' }]);
      assert.deepEqual(rr(snap.records, 'carol-dns.org', 'MX'), []);
    });

    it('serves one RRset per name and type: duplicates from A+DYNA merge, TTLs take the smallest', async () => {
      const { call, app } = t();
      const r = await t().reseller('zs-dave');
      await addDomain(t(), r.account.id, 'dave-dns.com');
      await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dave-dns.com', zone: '$dyndns=yes:d:pw\nwww A 0 192.0.2.1 600\nwww DYNA 0 192.0.2.1 60\nwww A 0 192.0.2.2 300' });
      const snap = (await createZoneSource(app.deps).findZone('www.dave-dns.com'))!;
      assert.deepEqual(rr(snap.records, 'www.dave-dns.com').map((x) => [x.data, x.ttl]), [
        [{ type: 'A', address: '192.0.2.1' }, 60],
        [{ type: 'A', address: '192.0.2.2' }, 60],
      ]);
    });

    it('honours valid-from/valid-to: the record comes and goes with the clock, the serial grows each time, NOTIFY is scheduled', async () => {
      const { call, app, clock } = t();
      const r = await t().reseller('zs-erin');
      await addDomain(t(), r.account.id, 'erin-dns.com');
      const from = Math.floor(clock.now() / 1000) + 3600;
      const to = from + 7200;
      const before = (await notifyJobs(t())).length;
      await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'erin-dns.com', zone: `sale A 0 192.0.2.99 300 ${from} ${to}\nwww A 0 192.0.2.1 300` });
      const source = createZoneSource(app.deps);
      const s0 = (await source.serial('erin-dns.com'))!;
      assert.deepEqual(rr((await source.findZone('erin-dns.com'))!.records, 'sale.erin-dns.com'), []);
      const jobs = (await notifyJobs(t())).slice(before);
      assert.deepEqual(jobs.map((j) => [j.serial, j.runAt]), [[s0, clock.now()], [s0 + 1, from * 1000], [s0 + 2, (to + 1) * 1000]]);

      clock.set(from * 1000);
      const during = (await source.findZone('erin-dns.com'))!;
      assert.equal(during.soa.serial, s0 + 1);
      assert.deepEqual(rr(during.records, 'sale.erin-dns.com').map((x) => x.data), [{ type: 'A', address: '192.0.2.99' }]);
      clock.set(to * 1000 + 999);
      assert.equal(rr((await source.findZone('erin-dns.com'))!.records, 'sale.erin-dns.com').length, 1);
      clock.set((to + 1) * 1000);
      const afterwards = (await source.findZone('erin-dns.com'))!;
      assert.equal(afterwards.soa.serial, s0 + 2);
      assert.deepEqual(rr(afterwards.records, 'sale.erin-dns.com'), []);

      // A later put still goes up from the served value, never back.
      const sid = await r.session('full');
      await call('dns-zone-put', { 'auth-sid': sid, domain: 'erin-dns.com', zone: 'www A 0 192.0.2.1 300' });
      assert.equal(await source.serial('erin-dns.com'), s0 + 3);
    });

    it('createDefaultZone gives a domain an empty served zone once, and queues its NOTIFY', async () => {
      const { app, clock } = t();
      const r = await t().reseller('zs-frank');
      const id = await addDomain(t(), r.account.id, 'frank-dns.com');
      const before = (await notifyJobs(t())).length;
      const first = await app.deps.db.transaction().execute((trx) => createDefaultZone(trx, id, clock.now()));
      assert.equal(first.created, true);
      const again = await app.deps.db.transaction().execute((trx) => createDefaultZone(trx, id, clock.now()));
      assert.deepEqual(again, { created: false, serial: first.serial });
      assert.deepEqual((await notifyJobs(t())).slice(before).map((j) => [j.origin, j.serial]), [['frank-dns.com', first.serial]]);
      const snap = (await createZoneSource(app.deps).findZone('frank-dns.com'))!;
      assert.equal(snap.soa.serial, first.serial);
      assert.deepEqual(snap.records.map((x) => x.data), [{ type: 'NS', host: 'a.ns.dmapid.test' }, { type: 'NS', host: 'b.ns.dmapid.test' }]);
      await assert.rejects(createDefaultZone(app.deps.db, 999_999, clock.now()), /no domain with id 999999/);
    });

    it('splits long TXT values into 255-byte strings without cutting a character', () => {
      assert.deepEqual(txtStrings('a'.repeat(600)).map((s) => s.length), [255, 255, 90]);
      const utf8 = txtStrings('é'.repeat(200));
      assert.ok(utf8.every((s) => Buffer.byteLength(s) <= 255));
      assert.equal(utf8.join(''), 'é'.repeat(200));
      assert.deepEqual(utf8.map((s) => Buffer.byteLength(s)), [254, 146]);
    });
  },
  { redirectAddress6: '2001:db8::80' },
);
