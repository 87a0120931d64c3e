import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { createLogger } from '../../obs/logger.ts';
import { buildQuery, query, tcpExchange, transferComplete, udpExchange, type QueryOptions } from '../client.ts';
import { MemoryZoneSource, withoutFindOrigin } from '../memory-zone-source.ts';
import { decodeMessage, encodeMessage } from '../wire/message.ts';
import { formatRecord } from '../wire/present.ts';
import { CLASS, emptyMessage, OPCODE, RCODE, TYPE, type Message, type WireRecord } from '../wire/types.ts';
import type { ZoneSource } from '../zone-source.ts';
import { compileTransferAcl } from './acl.ts';
import { QueryHandler, type Transport } from './handler.ts';
import { DnsServer } from './server.ts';
import { exampleZone } from './test-zone.ts';
import { serialBefore } from './transfer.ts';
import { ZoneCache } from './zone-cache.ts';
import { frame } from '../wire/tcp-framing.ts';
import { endAll, trickle, within } from '../../../test/helpers/sockets.ts';

const log = createLogger('silent');

function setup(source: ZoneSource, acl = ['127.0.0.0/8', '::1']) {
  const cache = new ZoneCache(source);
  const handler = new QueryHandler({ cache, transferAcl: compileTransferAcl(acl), udpSize: 1232, log });
  const ask = async (name: string, type: number, o: QueryOptions & { transport?: Transport; remote?: string } = {}): Promise<Message[]> => {
    const out = await handler.handle(buildQuery(name, type, o), o.transport ?? 'udp', o.remote ?? '127.0.0.1');
    return out.map((b) => decodeMessage(b));
  };
  const one = async (name: string, type: number, o: QueryOptions & { transport?: Transport; remote?: string } = {}) => {
    const out = await ask(name, type, o);
    assert.equal(out.length, 1);
    return out[0]!;
  };
  return { cache, handler, ask, one };
}

const lines = (rrs: WireRecord[]) => rrs.map(formatRecord);
const SOA_NEG = 'example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026011501 10800 3600 1209600 300';

describe('DNS answers (authoritative lookup)', () => {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  source.put({ ...exampleZone('deep.example.test', 7), records: [{ name: 'www.deep.example.test', ttl: 60, data: { type: 'A', address: '192.0.2.77' } }] });
  const { one } = setup(source);

  it('answers an exact match with AA, the question echoed, nothing in authority', async () => {
    const m = await one('example.test', TYPE.A, { id: 4242, rd: true });
    assert.equal(m.id, 4242);
    assert.ok(m.qr && m.aa && m.rd && !m.ra && !m.tc);
    assert.equal(m.rcode, RCODE.NOERROR);
    assert.deepEqual(m.questions, [{ name: 'example.test', type: TYPE.A, class: CLASS.IN }]);
    assert.deepEqual(lines(m.answers), ['example.test. 3600 IN A 192.0.2.1']);
    assert.deepEqual(m.authorities, []);
  });

  it('answers every record type', async () => {
    const cases: Array<[string, number, string[]]> = [
      ['example.test', TYPE.AAAA, ['example.test. 3600 IN AAAA 2001:db8::1']],
      ['example.test', TYPE.NS, ['example.test. 86400 IN NS ns1.example.test.', 'example.test. 86400 IN NS ns2.example.net.']],
      ['example.test', TYPE.SOA, ['example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 2026011501 10800 3600 1209600 300']],
      ['example.test', TYPE.MX, ['example.test. 3600 IN MX 10 mail.example.test.']],
      ['txt.example.test', TYPE.TXT, ['txt.example.test. 300 IN TXT "v=spf1 -all"', 'txt.example.test. 300 IN TXT "two" "strings"']],
      ['_sip._tcp.example.test', TYPE.SRV, ['_sip._tcp.example.test. 3600 IN SRV 10 60 5060 sip.example.test.']],
      ['caa.example.test', TYPE.CAA, ['caa.example.test. 3600 IN CAA 0 issue "letsencrypt.org"']],
      ['naptr.example.test', TYPE.NAPTR, ['naptr.example.test. 3600 IN NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.test!" .']],
      ['ptr.example.test', TYPE.PTR, ['ptr.example.test. 3600 IN PTR www.example.test.']],
      ['www.example.test', TYPE.CNAME, ['www.example.test. 3600 IN CNAME example.test.']],
      ['sub.example.test', TYPE.DS, ['sub.example.test. 3600 IN DS 12345 13 2 E2D3C916F6DEEAC73294E8268FB5885044A833FC5459588F4A9184CFC41A5766']],
    ];
    for (const [name, type, expected] of cases) {
      const m = await one(name, type);
      assert.equal(m.rcode, RCODE.NOERROR, name);
      assert.ok(m.aa, name);
      assert.deepEqual(lines(m.answers), expected, `${name} ${type}`);
    }
  });

  it('adds the addresses of in-zone MX, SRV and NS targets as additional data', async () => {
    assert.deepEqual(lines((await one('example.test', TYPE.MX)).additionals), ['mail.example.test. 3600 IN A 192.0.2.25', 'mail.example.test. 3600 IN AAAA 2001:db8::25']);
    assert.deepEqual(lines((await one('_sip._tcp.example.test', TYPE.SRV)).additionals), ['sip.example.test. 3600 IN A 192.0.2.60']);
    assert.deepEqual(lines((await one('example.test', TYPE.NS)).additionals), ['ns1.example.test. 3600 IN A 192.0.2.53']);
  });

  it('follows CNAME chains inside the zone and stops at the zone edge and at loops', async () => {
    assert.deepEqual(lines((await one('alias.example.test', TYPE.A)).answers), [
      'alias.example.test. 3600 IN CNAME www.example.test.',
      'www.example.test. 3600 IN CNAME example.test.',
      'example.test. 3600 IN A 192.0.2.1',
    ]);
    const ext = await one('ext.example.test', TYPE.A);
    assert.equal(ext.rcode, RCODE.NOERROR);
    assert.deepEqual(lines(ext.answers), ['ext.example.test. 3600 IN CNAME target.example.org.']);
    const loop = await one('loop1.example.test', TYPE.A);
    assert.equal(loop.rcode, RCODE.NOERROR);
    assert.deepEqual(lines(loop.answers), ['loop1.example.test. 3600 IN CNAME loop2.example.test.', 'loop2.example.test. 3600 IN CNAME loop1.example.test.']);
    // The rcode is that of the last link (RFC 6604): a dangling CNAME answers NXDOMAIN with the CNAME.
    const dangling = await one('dangling.example.test', TYPE.A);
    assert.equal(dangling.rcode, RCODE.NXDOMAIN);
    assert.ok(dangling.aa);
    assert.deepEqual(lines(dangling.answers), ['dangling.example.test. 3600 IN CNAME nothere.example.test.']);
    assert.deepEqual(lines(dangling.authorities), [SOA_NEG]);
    // A CNAME target whose type is missing: the chain, then NODATA.
    const nodata = await one('www.example.test', TYPE.TXT);
    assert.equal(nodata.rcode, RCODE.NOERROR);
    assert.deepEqual(lines(nodata.answers), ['www.example.test. 3600 IN CNAME example.test.']);
    assert.deepEqual(lines(nodata.authorities), [SOA_NEG]);
  });

  it('NODATA: NOERROR, empty answer, the SOA with the negative TTL min(SOA TTL, MINIMUM)', async () => {
    const m = await one('example.test', TYPE.TXT);
    assert.equal(m.rcode, RCODE.NOERROR);
    assert.ok(m.aa);
    assert.deepEqual(m.answers, []);
    assert.deepEqual(lines(m.authorities), [SOA_NEG]);
    // Empty non-terminals exist: NODATA, not NXDOMAIN.
    for (const ent of ['c.example.test', 'b.c.example.test', '_tcp.example.test']) {
      const e = await one(ent, TYPE.A);
      assert.equal(e.rcode, RCODE.NOERROR, ent);
      assert.deepEqual(lines(e.authorities), [SOA_NEG], ent);
    }
  });

  it('NXDOMAIN with the SOA for names that do not exist', async () => {
    for (const name of ['nope.example.test', 'x.a.b.c.example.test', 'deeper.mail.example.test']) {
      const m = await one(name, TYPE.A);
      assert.equal(m.rcode, RCODE.NXDOMAIN, name);
      assert.ok(m.aa);
      assert.deepEqual(m.answers, []);
      assert.deepEqual(lines(m.authorities), [SOA_NEG]);
    }
  });

  it('wildcards synthesize under the closest encloser (RFC 4592), explicit names win', async () => {
    assert.deepEqual(lines((await one('x.wild.example.test', TYPE.A)).answers), ['x.wild.example.test. 600 IN A 192.0.2.99']);
    assert.deepEqual(lines((await one('y.x.wild.example.test', TYPE.TXT)).answers), ['y.x.wild.example.test. 600 IN TXT "wild"']);
    const nodata = await one('x.wild.example.test', TYPE.AAAA);
    assert.equal(nodata.rcode, RCODE.NOERROR);
    assert.deepEqual(lines(nodata.authorities), [SOA_NEG]);
    // host.wild exists, so the wildcard does not cover it (and not below it either).
    assert.deepEqual(lines((await one('host.wild.example.test', TYPE.A)).answers), ['host.wild.example.test. 600 IN A 192.0.2.98']);
    assert.equal((await one('host.wild.example.test', TYPE.TXT)).answers.length, 0);
    assert.equal((await one('a.host.wild.example.test', TYPE.A)).rcode, RCODE.NXDOMAIN);
    // wild.example.test itself is an empty non-terminal, not matched by *.wild.
    assert.equal((await one('wild.example.test', TYPE.A)).rcode, RCODE.NOERROR);
    assert.equal((await one('wild.example.test', TYPE.A)).answers.length, 0);
    // A wildcard CNAME is synthesized and followed.
    assert.deepEqual(lines((await one('foo.cw.example.test', TYPE.A)).answers), [
      'foo.cw.example.test. 600 IN CNAME www.example.test.',
      'www.example.test. 3600 IN CNAME example.test.',
      'example.test. 3600 IN A 192.0.2.1',
    ]);
  });

  it('refers below a delegation without AA, with the NS set and in-bailiwick glue; DS is answered here', async () => {
    for (const [name, type] of [['host.sub.example.test', TYPE.A], ['sub.example.test', TYPE.NS], ['sub.example.test', TYPE.A], ['ns.sub.example.test', TYPE.A]] as const) {
      const m = await one(name, type);
      assert.equal(m.rcode, RCODE.NOERROR);
      assert.equal(m.aa, false, name);
      assert.deepEqual(m.answers, []);
      assert.deepEqual(lines(m.authorities), ['sub.example.test. 3600 IN NS ns.sub.example.test.', 'sub.example.test. 3600 IN NS ns.other.example.net.']);
      assert.deepEqual(lines(m.additionals), ['ns.sub.example.test. 3600 IN A 192.0.2.200']);
    }
    const ds = await one('sub.example.test', TYPE.DS);
    assert.ok(ds.aa);
    assert.equal(ds.answers.length, 1);
  });

  it('answers ANY with every RRset of the name', async () => {
    const m = await one('mail.example.test', TYPE.ANY);
    assert.deepEqual(lines(m.answers), ['mail.example.test. 3600 IN A 192.0.2.25', 'mail.example.test. 3600 IN AAAA 2001:db8::25']);
  });

  it('serves each RRset once, with one TTL (the lowest)', async () => {
    assert.deepEqual(lines((await one('dup.example.test', TYPE.A)).answers), ['dup.example.test. 300 IN A 192.0.2.7', 'dup.example.test. 300 IN A 192.0.2.8']);
  });

  it('picks the longest hosted origin: a child zone answers for its names', async () => {
    const m = await one('www.deep.example.test', TYPE.A);
    assert.deepEqual(lines(m.answers), ['www.deep.example.test. 60 IN A 192.0.2.77']);
    assert.equal((await one('deep.example.test', TYPE.SOA)).answers[0]!.data.type, 'SOA');
    assert.equal((await one('other.deep.example.test', TYPE.A)).authorities[0]!.name, 'deep.example.test');
  });

  it('keeps the client’s spelling of the question; answers are compressed against it', async () => {
    const q = buildQuery('ExAmPlE.TeSt', TYPE.A, { id: 1 });
    const { handler } = setup(source);
    const [bytes] = await handler.handle(q, 'udp', '127.0.0.1');
    const m = decodeMessage(bytes!);
    assert.equal(m.questions[0]!.name, 'ExAmPlE.TeSt');
    assert.equal(m.answers[0]!.name, 'ExAmPlE.TeSt');
    // header 12 + question 18 + OPT 11 + one A record behind a 2-byte pointer (16).
    assert.equal(bytes!.length, 12 + 18 + 16 + 11);
  });

  it('REFUSED without AA outside the hosted zones and for other classes', async () => {
    for (const [name, klass] of [['example.org', CLASS.IN], ['test', CLASS.IN], ['', CLASS.IN], ['example.test', CLASS.CH]] as const) {
      const m = await one(name, TYPE.A, { class: klass });
      assert.equal(m.rcode, RCODE.REFUSED, name);
      assert.equal(m.aa, false);
      assert.equal(m.answers.length + m.authorities.length, 0);
    }
    // Class ANY is served like IN.
    assert.equal((await one('example.test', TYPE.A, { class: CLASS.ANY })).answers.length, 1);
  });

  it('EDNS: our payload size, the DO bit copied; BADVERS for versions above 0; no OPT without EDNS', async () => {
    const m = await one('example.test', TYPE.A, { edns: 4096, dnssecOk: true });
    assert.deepEqual(m.edns, { udpSize: 1232, version: 0, dnssecOk: true, options: [] });
    const plain = await one('example.test', TYPE.A, { edns: false });
    assert.equal(plain.edns, undefined);
    const bad = await one('example.test', TYPE.A, { ednsVersion: 1 });
    assert.equal(bad.rcode, RCODE.BADVERS);
    assert.equal(bad.edns?.version, 0);
    assert.equal(bad.answers.length, 0);
  });

  it('truncates over UDP to the client size (512 without EDNS, capped at ours) and answers in full over TCP', async () => {
    const big = 'long.example.test';
    const classic = await one(big, TYPE.TXT, { edns: false });
    assert.ok(classic.tc);
    assert.ok(classic.aa);
    assert.deepEqual(classic.answers, []);
    assert.deepEqual(classic.questions[0]!.name, big);
    // 8 × 200 bytes do not fit 1232 even when the client offers 4096.
    assert.ok((await one(big, TYPE.TXT, { edns: 4096 })).tc);
    const tcp = await one(big, TYPE.TXT, { transport: 'tcp' });
    assert.equal(tcp.tc, false);
    assert.equal((tcp.answers[0]!.data as { strings: string[] }).strings.length, 8);
    // Small answers fit 512 bytes as they are.
    assert.equal((await one('example.test', TYPE.MX, { edns: false })).tc, false);
  });

  it('leaves out optional additional data that does not fit instead of truncating', async () => {
    const src = new MemoryZoneSource();
    const z = exampleZone('mx.test');
    const hosts = Array.from({ length: 12 }, (_, i) => `mx${i}.mx.test`);
    src.put({
      ...z,
      records: [
        ...hosts.map((h, i) => ({ name: 'mx.test', ttl: 60, data: { type: 'MX' as const, preference: i, exchange: h } })),
        ...hosts.flatMap((h) => [1, 2, 3].map((k) => ({ name: h, ttl: 60, data: { type: 'AAAA' as const, address: `2001:db8::${k}` } }))),
      ],
    });
    const m = await setup(src).one('mx.test', TYPE.MX, { edns: false });
    assert.equal(m.tc, false);
    assert.equal(m.answers.length, 12);
    assert.ok(m.additionals.length > 0 && m.additionals.length < 36);
    assert.ok(encodeMessage(m).length <= 512);
  });

  it('FORMERR for malformed queries and for more or fewer than one question; NOTIMP for other opcodes', async () => {
    const { handler } = setup(source);
    const good = buildQuery('example.test', TYPE.A, { id: 77, edns: false });
    const garbage = Buffer.concat([Buffer.from(good.subarray(0, 12)), Buffer.from([0xc0, 0x20, 0, 1])]);
    const [f] = await handler.handle(garbage, 'udp', '127.0.0.1');
    const fm = decodeMessage(f!);
    assert.equal(fm.rcode, RCODE.FORMERR);
    assert.equal(fm.id, 77);
    const two = encodeMessage({ ...emptyMessage(5), questions: [{ name: 'example.test', type: 1, class: 1 }, { name: 'www.example.test', type: 1, class: 1 }] });
    assert.equal(decodeMessage((await handler.handle(two, 'udp', '127.0.0.1'))[0]!).rcode, RCODE.FORMERR);
    const none = encodeMessage(emptyMessage(6));
    assert.equal(decodeMessage((await handler.handle(none, 'udp', '127.0.0.1'))[0]!).rcode, RCODE.FORMERR);
    for (const opcode of [OPCODE.IQUERY, OPCODE.STATUS, OPCODE.NOTIFY, OPCODE.UPDATE]) {
      assert.equal((await one('example.test', TYPE.SOA, { opcode })).rcode, RCODE.NOTIMP);
    }
    assert.equal((await one('example.test', TYPE.MAILB)).rcode, RCODE.NOTIMP);
    // Responses and runts are never answered.
    assert.deepEqual(await handler.handle(encodeMessage({ ...emptyMessage(9), qr: true }), 'udp', '127.0.0.1'), []);
    assert.deepEqual(await handler.handle(new Uint8Array(5), 'udp', '127.0.0.1'), []);
  });

  it('SERVFAIL, logged, when the zone source fails', async () => {
    const broken: ZoneSource = { findZone: async () => Promise.reject(new Error('database down')), serial: async () => 1, findOrigin: async () => ({ origin: 'example.test', serial: 1 }) };
    const m = await setup(broken).one('example.test', TYPE.A);
    assert.equal(m.rcode, RCODE.SERVFAIL);
    assert.equal(m.questions[0]!.name, 'example.test');
  });

  it('caches a zone per serial: unchanged zones are not re-read, a change is seen by the next query', async () => {
    const src = new MemoryZoneSource();
    src.put(exampleZone());
    const { one: ask, cache: c } = setup(src);
    for (let i = 0; i < 5; i++) await ask('example.test', TYPE.A);
    assert.equal(c.loads, 1);
    const records = exampleZone().records.map((r) => (r.name === 'example.test' && r.data.type === 'A' ? { ...r, data: { type: 'A' as const, address: '192.0.2.111' } } : r));
    const serial = src.update('example.test', records);
    assert.equal(serial, 2026011502);
    assert.deepEqual(lines((await ask('example.test', TYPE.A)).answers), ['example.test. 3600 IN A 192.0.2.111']);
    assert.equal(c.loads, 2);
    assert.equal((await ask('example.test', TYPE.SOA)).answers[0]!.data.type === 'SOA' && ((await ask('example.test', TYPE.SOA)).answers[0]!.data as { serial: number }).serial, 2026011502);
    src.delete('example.test');
    assert.equal((await ask('example.test', TYPE.A)).rcode, RCODE.REFUSED);
  });

  it('without findOrigin the zone is found by asking serial() for each suffix, with the same answers', async () => {
    const { one: ask } = setup(withoutFindOrigin(source));
    assert.deepEqual(lines((await ask('www.deep.example.test', TYPE.A)).answers), ['www.deep.example.test. 60 IN A 192.0.2.77']);
    assert.deepEqual(lines((await ask('alias.example.test', TYPE.A)).answers).length, 3);
    assert.equal((await ask('example.org', TYPE.A)).rcode, RCODE.REFUSED);
  });

});

describe('zone transfers (AXFR, IXFR)', () => {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  const { ask, one } = setup(source);
  const soaSerial = (rr: WireRecord) => (rr.data.type === 'SOA' ? rr.data.serial : -1);

  it('AXFR over TCP: SOA first and last, every record once', async () => {
    const msgs = await ask('example.test', TYPE.AXFR, { transport: 'tcp' });
    assert.equal(msgs.length, 1);
    const m = msgs[0]!;
    assert.ok(m.aa);
    const all = m.answers;
    assert.equal(all[0]!.data.type, 'SOA');
    assert.equal(all.at(-1)!.data.type, 'SOA');
    assert.equal(all.filter((r) => r.data.type === 'SOA').length, 2);
    assert.deepEqual(lines(all.slice(1, 3)), ['example.test. 86400 IN NS ns1.example.test.', 'example.test. 86400 IN NS ns2.example.net.']);
    // Every distinct record of the zone (dup's two copies are one).
    assert.equal(all.length - 2, exampleZone().records.length - 1);
  });

  it('splits a large zone over several messages, each within 16 KiB, SOA only at both ends', async () => {
    const src = new MemoryZoneSource();
    const z = exampleZone('big.test');
    const records = Array.from({ length: 3000 }, (_, i) => ({ name: `host${i}.big.test`, ttl: 300, data: { type: 'A' as const, address: `10.${(i >> 8) & 255}.${i & 255}.1` } }));
    src.put({ ...z, records: [...z.records, ...records] });
    const msgs = await setup(src).ask('big.test', TYPE.AXFR, { transport: 'tcp' });
    assert.ok(msgs.length > 3, `${msgs.length} messages`);
    const all = msgs.flatMap((m) => m.answers);
    assert.equal(all.length, 3000 + z.records.length - 1 + 2);
    assert.equal(all[0]!.data.type, 'SOA');
    assert.equal(all.at(-1)!.data.type, 'SOA');
    assert.equal(all.filter((r) => r.data.type === 'SOA').length, 2);
    assert.equal(msgs[0]!.questions.length, 1);
    assert.ok(msgs.slice(1).every((m) => m.questions.length === 0 && m.aa && m.rcode === 0));
    for (const m of msgs) assert.ok(encodeMessage(m).length <= 16_100);
  });

  it('refuses transfers to addresses outside the ACL, over UDP, and of names that are no zone apex', async () => {
    assert.equal((await one('example.test', TYPE.AXFR, { transport: 'tcp', remote: '192.0.2.9' })).rcode, RCODE.REFUSED);
    assert.equal((await one('example.test', TYPE.IXFR, { transport: 'tcp', remote: '2001:db8::9', authorities: [] })).rcode, RCODE.REFUSED);
    assert.equal((await one('example.test', TYPE.AXFR, { transport: 'tcp', remote: '::ffff:127.0.0.1' })).rcode, RCODE.NOERROR);
    assert.equal((await one('example.test', TYPE.AXFR, { transport: 'udp' })).rcode, RCODE.NOTIMP);
    assert.equal((await one('www.example.test', TYPE.AXFR, { transport: 'tcp' })).rcode, RCODE.NOTAUTH);
    assert.equal((await one('example.org', TYPE.AXFR, { transport: 'tcp' })).rcode, RCODE.NOTAUTH);
    const open = setup(source, ['0.0.0.0/0']);
    assert.equal((await open.one('example.test', TYPE.AXFR, { transport: 'tcp', remote: '192.0.2.9' })).rcode, RCODE.NOERROR);
  });

  it('IXFR: the lone SOA when the client is current (or over UDP), else the whole zone in AXFR form', async () => {
    const soa = (serial: number): WireRecord => ({ name: 'example.test', class: 1, ttl: 0, data: { ...exampleZone().soa, serial } });
    const current = await one('example.test', TYPE.IXFR, { transport: 'tcp', authorities: [soa(2026011501)] });
    assert.deepEqual(current.answers.map(soaSerial), [2026011501]);
    const older = await ask('example.test', TYPE.IXFR, { transport: 'tcp', authorities: [soa(2026011400)] });
    const answers = older.flatMap((m) => m.answers);
    assert.equal(answers[0]!.data.type, 'SOA');
    assert.equal(answers.at(-1)!.data.type, 'SOA');
    assert.ok(answers.length > 10);
    const udp = await one('example.test', TYPE.IXFR, { transport: 'udp', authorities: [soa(2026011400)] });
    assert.deepEqual(udp.answers.map(soaSerial), [2026011501]);
    assert.equal((await one('example.test', TYPE.IXFR, { transport: 'tcp' })).rcode, RCODE.FORMERR);
    // Serial arithmetic (RFC 1982) wraps around.
    assert.ok(serialBefore(0xfffffff0, 5));
    assert.ok(!serialBefore(5, 0xfffffff0));
    assert.ok(!serialBefore(7, 7));
  });

  it('IXFR from a serial in the history: the condensed difference (old SOA, removed, new SOA, added); older serials get the whole zone', async () => {
    const src = new MemoryZoneSource();
    src.put(exampleZone());
    const { ask: askSrc, handler } = setup(src);
    const base = exampleZone().records;
    const s1 = src.update('example.test', [...base, { name: 'new.example.test', ttl: 60, data: { type: 'A', address: '192.0.2.60' } }]);
    const s2 = src.update('example.test', [...base.filter((r) => r.name !== 'caa.example.test'), { name: 'new.example.test', ttl: 120, data: { type: 'A', address: '192.0.2.60' } }]);
    const soa = (serial: number): WireRecord => ({ name: 'example.test', class: 1, ttl: 0, data: { ...exampleZone().soa, serial } });
    const diff = (await askSrc('example.test', TYPE.IXFR, { transport: 'tcp', authorities: [soa(2026011501)] })).flatMap((m) => m.answers);
    assert.deepEqual(diff.map(soaSerial).filter((s) => s !== -1), [s2, 2026011501, s2, s2]);
    assert.deepEqual(lines(diff.slice(2, -1).filter((r) => r.data.type !== 'SOA')).sort(), [
      'caa.example.test. 3600 IN CAA 0 issue "letsencrypt.org"',
      'new.example.test. 120 IN A 192.0.2.60',
    ].sort());
    const removedAt = diff.findIndex((r, i) => i > 1 && r.data.type === 'SOA');
    assert.deepEqual(lines(diff.slice(2, removedAt)), ['caa.example.test. 3600 IN CAA 0 issue "letsencrypt.org"']);
    assert.deepEqual(lines(diff.slice(removedAt + 1, -1)), ['new.example.test. 120 IN A 192.0.2.60']);
    // From s1 only the TTL changed (a removal and an addition) and caa went.
    const fromS1 = (await askSrc('example.test', TYPE.IXFR, { transport: 'tcp', authorities: [soa(s1)] })).flatMap((m) => m.answers);
    assert.equal(fromS1.length, 4 + 3);
    assert.equal(handler.stats.incremental, 2);
    // A serial the history never had: the whole zone.
    const whole = (await askSrc('example.test', TYPE.IXFR, { transport: 'tcp', authorities: [soa(2026011400)] })).flatMap((m) => m.answers);
    assert.equal(whole.filter((r) => r.data.type === 'SOA').length, 2);
    assert.equal(handler.stats.incremental, 2);
    // A source without history (changes() absent) answers the whole zone too.
    const plain = setup(withoutFindOrigin(src));
    assert.equal((await plain.ask('example.test', TYPE.IXFR, { transport: 'tcp', authorities: [soa(s1)] })).flatMap((m) => m.answers).filter((r) => r.data.type === 'SOA').length, 2);
  });
});

describe('DNS listeners (UDP and TCP on one port)', () => {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  const server = new DnsServer({ source, hosts: ['127.0.0.1'], port: 0, log });
  let target: { host: string; port: number };
  before(async () => {
    await server.listen();
    target = { host: '127.0.0.1', port: server.port };
  });
  after(() => server.close());

  it('binds UDP and TCP on the same port', () => {
    const a = server.addresses();
    assert.deepEqual(a.map((x) => x.transport).sort(), ['tcp', 'udp']);
    assert.equal(a[0]!.port, a[1]!.port);
  });

  it('answers over UDP and over TCP', async () => {
    assert.deepEqual(lines((await query(target, 'example.test', TYPE.A)).answers), ['example.test. 3600 IN A 192.0.2.1']);
    assert.deepEqual(lines((await query(target, 'example.test', TYPE.A, { tcp: true })).answers), ['example.test. 3600 IN A 192.0.2.1']);
  });

  it('answers pipelined TCP queries in order on one connection', async () => {
    const names = ['example.test', 'mail.example.test', 'ns1.example.test', 'sip.example.test'];
    const answers = await tcpExchange(target, names.map((n, i) => buildQuery(n, TYPE.A, { id: 100 + i })));
    assert.deepEqual(answers.map((a) => decodeMessage(a).id), [100, 101, 102, 103]);
    assert.deepEqual(answers.map((a) => decodeMessage(a).answers[0]!.name), names);
  });

  it('answers a long pipeline (more than the pause threshold) completely and in order', async () => {
    const queries = Array.from({ length: 300 }, (_, i) => buildQuery(i % 2 ? 'mail.example.test' : 'example.test', TYPE.A, { id: i }));
    const answers = await tcpExchange(target, queries);
    assert.deepEqual(answers.map((a) => decodeMessage(a).id), queries.map((_, i) => i));
  });

  it('streams an AXFR over TCP', async () => {
    const answers = await tcpExchange(target, [buildQuery('example.test', TYPE.AXFR)], transferComplete);
    assert.equal(answers.flatMap((a) => decodeMessage(a).answers).filter((r) => r.data.type === 'SOA').length, 2);
  });

  it('a truncated UDP answer is complete over TCP', async () => {
    const udp = decodeMessage(await udpExchange(target, buildQuery('long.example.test', TYPE.TXT, { edns: false })));
    assert.ok(udp.tc);
    const tcp = await query(target, 'long.example.test', TYPE.TXT, { tcp: true, edns: false });
    assert.equal(tcp.answers.length, 1);
  });

  it('drops garbage that has no header and survives a flood of junk', async () => {
    const sock = dgram.createSocket('udp4');
    for (let i = 0; i < 50; i++) sock.send(Buffer.from([i, 1, 2]), target.port, '127.0.0.1');
    sock.close();
    assert.equal((await query(target, 'example.test', TYPE.A)).rcode, RCODE.NOERROR);
  });
});

describe('DNS over TCP: deadlines and connection caps (RFC 7766 §6.2)', () => {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  const quick = new DnsServer({ source, hosts: ['127.0.0.1'], port: 0, log, tcp: { idleMs: 300, messageMs: 300 } });
  const capped = new DnsServer({ source, hosts: ['127.0.0.1'], port: 0, log, tcp: { idleMs: 30_000, messageMs: 30_000, maxConnections: 8, maxPerAddress: 2 } });
  const defaults = new DnsServer({ source, hosts: ['127.0.0.1'], port: 0, log });
  before(() => Promise.all([quick.listen(), capped.listen(), defaults.listen()]));
  after(() => Promise.all([quick.close(), capped.close(), defaults.close()]));
  afterEach(endAll);
  // A length prefix announcing 64 bytes, then one byte at a time: each byte is activity, the message never completes.
  const slowMessage = (port: number, from?: string, everyMs = 50) =>
    trickle(port, { start: Buffer.from([0, 64]), drip: Buffer.from([0]), everyMs, ...(from ? { from } : {}) });

  it('closes a connection whose message trickles in, although bytes keep coming', async () => {
    const c = await slowMessage(quick.port);
    await within(c.closed, 2000, 'closing the trickling connection');
  });

  it('closes a connection that sends nothing, and one that stays idle after its answer', async () => {
    const silent = await trickle(quick.port);
    await within(silent.closed, 2000, 'closing the silent connection');
    const asked = await trickle(quick.port, { start: frame(buildQuery('example.test', TYPE.A, { id: 7 })) });
    await within(asked.closed, 2000, 'closing the idle connection');
    assert.equal(decodeMessage(Buffer.from(asked.received(), 'latin1').subarray(2)).id, 7, 'answered before closing');
  });

  it('refuses a third connection from one address; others still get answers', async () => {
    const held = [await slowMessage(capped.port, '127.0.0.60', 200), await slowMessage(capped.port, '127.0.0.60', 200)];
    const third = await slowMessage(capped.port, '127.0.0.60', 200);
    await within(third.closed, 2000, 'refusing the third connection');
    const m = await query({ host: '127.0.0.1', port: capped.port }, 'example.test', TYPE.A, { tcp: true });
    assert.equal(m.rcode, RCODE.NOERROR);
    assert.ok(held.every((c) => c.isOpen()));
    for (const c of held) c.end();
  });

  it('with the default caps, 512 connections trickling a length prefix leave room for an AXFR and a TCP fallback query', async () => {
    const slow = [];
    // 32 addresses × 16 (the per-address cap) = 512 (the total cap).
    for (let i = 0; i < 512; i++) slow.push(await slowMessage(defaults.port, `127.0.1.${1 + (i % 32)}`, 1000));
    try {
      const target = { host: '127.0.0.1', port: defaults.port };
      const axfr = await tcpExchange(target, [buildQuery('example.test', TYPE.AXFR)], transferComplete);
      assert.equal(axfr.flatMap((a) => decodeMessage(a).answers).filter((r) => r.data.type === 'SOA').length, 2);
      const tcp = await query(target, 'long.example.test', TYPE.TXT, { tcp: true, edns: false });
      assert.equal(tcp.answers.length, 1);
      await within(slow[0]!.closed, 2000, 'closing the oldest trickling connection');
      assert.ok(slow.slice(2).every((c) => c.isOpen()), 'only the oldest made room');
    } finally {
      for (const c of slow) c.end();
    }
  });
});
