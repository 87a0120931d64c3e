import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import dnsPacket from 'dns-packet';
import { decodeMessage, encodeMessage, MessageBuilder } from './message.ts';
import { formatLabel, nameKey, nameToLabels } from './name.ts';
import { formatIPv6, parseIPv6 } from './rdata.ts';
import { FrameReader, frame } from './tcp-framing.ts';
import { CLASS, DecodeError, EncodeError, emptyMessage, TYPE, type AnyRData, type Message, type WireRecord } from './types.ts';
import type { RData } from '../zone-source.ts';

// ---- arbitraries -------------------------------------------------------------------------

/** Any label bytes (the codec must carry dots, backslashes and binary inside labels). */
const anyLabel = fc.uint8Array({ minLength: 1, maxLength: 63 }).map((b) => formatLabel(b));
/** Host-name-like labels in mixed case, the stuff of real zones. */
const hostLabel = fc.stringMatching(/^[A-Za-z0-9_]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?$/);

function nameOf(label: fc.Arbitrary<string>, maxLabels = 6): fc.Arbitrary<string> {
  return fc
    .array(label, { minLength: 0, maxLength: maxLabels })
    .filter((ls) => ls.reduce((n, l) => n + Buffer.from(formatted(l)).length, 1) <= 255)
    .map((ls) => ls.join('.'));
}
// Wire length of a label in presentation form.
function formatted(l: string): Uint8Array {
  return nameToLabels(l)[0] ?? new Uint8Array(0);
}

const anyName = nameOf(anyLabel, 4);
const hostName = nameOf(hostLabel, 5).filter((n) => n !== '');
/** Names drawn from a small pool so that suffixes repeat and compression has work to do. */
const pooledName = fc.constantFrom('example.com', 'www.example.com', 'mail.example.com', 'Example.COM', 'a.b.example.org', 'example.org', 'x.y');

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const ipv4 = fc.ipV4();
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(formatIPv6);
const text = fc.string({ unit: 'grapheme', maxLength: 80 }).filter((s) => Buffer.byteLength(s) <= 255);

function rdata(name: fc.Arbitrary<string>): fc.Arbitrary<AnyRData> {
  return fc.oneof(
    ipv4.map((address): RData => ({ type: 'A', address })),
    ipv6.map((address): RData => ({ type: 'AAAA', address })),
    name.map((host): RData => ({ type: 'NS', host })),
    name.map((target): RData => ({ type: 'CNAME', target })),
    name.map((target): RData => ({ type: 'PTR', target })),
    fc.record({ preference: u16, exchange: name }).map((d): RData => ({ type: 'MX', ...d })),
    fc.array(text, { minLength: 1, maxLength: 4 }).map((strings): RData => ({ type: 'TXT', strings })),
    fc.record({ priority: u16, weight: u16, port: u16, target: name }).map((d): RData => ({ type: 'SRV', ...d })),
    fc.record({ flags: fc.integer({ min: 0, max: 255 }), tag: fc.stringMatching(/^[a-z0-9]{1,15}$/), value: text }).map((d): RData => ({ type: 'CAA', ...d })),
    fc
      .record({ order: u16, preference: u16, flags: fc.stringMatching(/^[A-Z]{0,2}$/), service: text, regexp: text, replacement: name })
      .map((d): RData => ({ type: 'NAPTR', ...d })),
    fc
      .record({ mname: name, rname: name, serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 })
      .map((d): RData => ({ type: 'SOA', ...d })),
    fc
      .record({ keyTag: u16, algorithm: fc.integer({ min: 0, max: 255 }), digestType: fc.integer({ min: 0, max: 255 }), digest: fc.uint8Array({ maxLength: 48 }) })
      .map((d): RData => ({ type: 'DS', ...d, digest: Buffer.from(d.digest).toString('hex').toUpperCase() })),
    fc
      .record({ code: fc.integer({ min: 256, max: 0xfeff }).filter((c) => c !== TYPE.CAA), data: fc.uint8Array({ maxLength: 40 }) })
      .map((d): AnyRData => ({ type: 'UNKNOWN', ...d })),
  );
}

function record(name: fc.Arbitrary<string>): fc.Arbitrary<WireRecord> {
  return fc.record({ name, class: fc.constant<number>(CLASS.IN), ttl: u32, data: rdata(name) });
}

function message(name: fc.Arbitrary<string>): fc.Arbitrary<Message> {
  return fc.record({
    id: u16,
    qr: fc.boolean(),
    opcode: fc.constantFrom(0, 1, 2, 4, 5),
    aa: fc.boolean(),
    tc: fc.boolean(),
    rd: fc.boolean(),
    ra: fc.boolean(),
    ad: fc.boolean(),
    cd: fc.boolean(),
    rcode: fc.integer({ min: 0, max: 15 }),
    questions: fc.array(fc.record({ name, type: u16.filter((t) => t !== TYPE.OPT), class: fc.constantFrom(1, 3, 255) }), { maxLength: 2 }),
    answers: fc.array(record(name), { maxLength: 6 }),
    authorities: fc.array(record(name), { maxLength: 3 }),
    additionals: fc.array(record(name), { maxLength: 3 }),
  });
}

const withEdns = fc.record({
  udpSize: fc.integer({ min: 512, max: 65535 }),
  version: fc.integer({ min: 0, max: 255 }),
  dnssecOk: fc.boolean(),
  options: fc.array(fc.record({ code: u16, data: fc.uint8Array({ maxLength: 20 }) }), { maxLength: 3 }),
});

// ---- helpers -----------------------------------------------------------------------------

/** Names compare case-insensitively (compression may reuse an earlier spelling); AAAA and TXT need canonical forms. */
function canonical(m: Message): unknown {
  const fixName = (n: string) => nameKey(n);
  const fixData = (d: AnyRData): unknown => {
    switch (d.type) {
      case 'NS':
        return { ...d, host: fixName(d.host) };
      case 'CNAME':
      case 'PTR':
        return { ...d, target: fixName(d.target) };
      case 'MX':
        return { ...d, exchange: fixName(d.exchange) };
      case 'SRV':
        return { ...d, target: fixName(d.target) };
      case 'NAPTR':
        return { ...d, replacement: fixName(d.replacement) };
      case 'SOA':
        return { ...d, mname: fixName(d.mname), rname: fixName(d.rname) };
      case 'AAAA':
        return { ...d, address: formatIPv6(parseIPv6(d.address)) };
      case 'UNKNOWN':
        return { ...d, data: Buffer.from(d.data).toString('hex') };
      default:
        return d;
    }
  };
  const fixRr = (rr: WireRecord) => ({ ...rr, name: fixName(rr.name), data: fixData(rr.data) });
  return {
    ...m,
    questions: m.questions.map((q) => ({ ...q, name: fixName(q.name) })),
    answers: m.answers.map(fixRr),
    authorities: m.authorities.map(fixRr),
    additionals: m.additionals.map(fixRr),
    ...(m.edns ? { edns: { ...m.edns, options: m.edns.options.map((o) => ({ code: o.code, data: Buffer.from(o.data).toString('hex') })) } } : {}),
  };
}

function pointers(buf: Uint8Array): Array<[number, number]> {
  const seen: Array<[number, number]> = [];
  decodeMessage(buf, (at, target) => seen.push([at, target]));
  return seen;
}

// ---- properties --------------------------------------------------------------------------

describe('DNS wire codec: round trips', () => {
  it('decode(encode(m)) equals m for random messages with arbitrary label bytes', () => {
    fc.assert(
      fc.property(message(anyName), (m) => {
        assert.deepEqual(canonical(decodeMessage(encodeMessage(m))), canonical(m));
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips EDNS (payload size, version, DO bit, options, extended rcode)', () => {
    fc.assert(
      fc.property(message(pooledName), withEdns, fc.integer({ min: 0, max: 4095 }), (m, edns, rcode) => {
        const full = { ...m, edns, rcode };
        assert.deepEqual(canonical(decodeMessage(encodeMessage(full))), canonical(full));
      }),
      { numRuns: 200 },
    );
  });

  it('compression pointers only point backwards, and repeated names are compressed', () => {
    fc.assert(
      fc.property(message(pooledName), (m) => {
        const buf = encodeMessage(m);
        for (const [at, target] of pointers(buf)) assert.ok(target < at, `pointer at ${at} points to ${target}`);
        // Every occurrence of a name after its first one is a pointer, so the message is never
        // larger than the sum of the distinct names written out plus fixed fields.
        const names = [...m.questions.map((q) => q.name), ...[...m.answers, ...m.authorities, ...m.additionals].map((r) => r.name)];
        const distinct = new Set(names.map(nameKey));
        if (names.length > distinct.size) assert.ok(pointers(buf).length > 0, 'a repeated owner name must be compressed');
      }),
      { numRuns: 300 },
    );
  });

  it('names of random label sets survive encode → decode exactly (escapes included)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 63 }), { maxLength: 4 }), (labels) => {
        const name = labels.map(formatLabel).join('.');
        const m = { ...emptyMessage(7), questions: [{ name, type: TYPE.A, class: CLASS.IN }] };
        const back = decodeMessage(encodeMessage(m)).questions[0]!.name;
        assert.equal(back, name);
        assert.deepEqual(nameToLabels(back).map((l) => Buffer.from(l).toString('hex')), labels.map((l) => Buffer.from(l).toString('hex')));
      }),
      { numRuns: 300 },
    );
  });

  it('IPv6 text is RFC 5952 canonical and parses back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const t = formatIPv6(b);
        assert.deepEqual([...parseIPv6(t)], [...b]);
        assert.equal(new URL(`http://[${t}]/`).hostname, `[${t}]`);
      }),
    );
    assert.deepEqual([...parseIPv6('::ffff:192.0.2.1')].slice(10), [0xff, 0xff, 192, 0, 2, 1]);
    assert.equal(formatIPv6(parseIPv6('2001:0db8:0:0:1:0:0:1')), '2001:db8::1:0:0:1');
    assert.equal(formatIPv6(parseIPv6('2001:db8:0:1:1:1:1:1')), '2001:db8:0:1:1:1:1:1');
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7', 'g::1', '1.2.3.4']) assert.throws(() => parseIPv6(bad), EncodeError);
  });
});

describe('DNS wire codec: robustness', () => {
  it('random bytes either decode or fail with DecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeMessage(bytes);
        } catch (err) {
          assert.ok(err instanceof DecodeError, String(err));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated and truncated valid messages fail only with DecodeError', () => {
    fc.assert(
      fc.property(message(pooledName), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), (m, flips, cut) => {
        const buf = Buffer.from(encodeMessage(m));
        for (const [at, v] of flips) buf[at % buf.length] = v;
        for (const b of [buf, buf.subarray(0, cut % (buf.length + 1))]) {
          try {
            decodeMessage(b);
          } catch (err) {
            assert.ok(err instanceof DecodeError, String(err));
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects forward and self pointers, pointer loops and over-long names', () => {
    const header = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    const q = (name: number[]) => Uint8Array.from([...header, ...name, 0, 1, 0, 1]);
    assert.throws(() => decodeMessage(q([0xc0, 12])), /points forward/); // points at itself
    assert.throws(() => decodeMessage(q([0xc0, 20])), /points forward/);
    assert.throws(() => decodeMessage(q([1, 0x61, 0xc0, 12])), /loops back/); // 'a' then back to 'a': a loop
    const long: number[] = [];
    for (let i = 0; i < 5; i++) long.push(63, ...new Array(63).fill(0x61));
    assert.throws(() => decodeMessage(q([...long, 0])), /longer than 255/);
    assert.throws(() => decodeMessage(q([0x40, 0])), /unsupported label type/);
  });

  it('rejects OPT records in the wrong place, twice, or not at the root', () => {
    const opt = { name: '', class: 1232, ttl: 0, data: { type: 'UNKNOWN', code: TYPE.OPT, data: new Uint8Array(0) } } as const;
    const base = emptyMessage(1);
    assert.throws(() => decodeMessage(encodeMessage({ ...base, answers: [opt] })), /outside the additional section/);
    assert.throws(() => decodeMessage(encodeMessage({ ...base, additionals: [opt, opt] })), /more than one OPT/);
    assert.throws(() => decodeMessage(encodeMessage({ ...base, additionals: [{ ...opt, name: 'x' }] })), /owned by the root/);
  });

  it('refuses to encode what the wire cannot carry', () => {
    const rr = (data: AnyRData, name = 'x'): Message => ({ ...emptyMessage(), answers: [{ name, class: 1, ttl: 1, data }] });
    assert.throws(() => encodeMessage(rr({ type: 'A', address: '1.2.3.256' })), EncodeError);
    assert.throws(() => encodeMessage(rr({ type: 'A', address: '1.2.3.4' }, `${'a'.repeat(64)}.com`)), /at most 63/);
    assert.throws(() => encodeMessage(rr({ type: 'A', address: '1.2.3.4' }, 'a..com')), /empty label/);
    assert.throws(() => encodeMessage(rr({ type: 'NAPTR', order: 1, preference: 1, flags: 'x'.repeat(256), service: '', regexp: '', replacement: '' })), /at most 255/);
    assert.throws(() => encodeMessage(rr({ type: 'MX', preference: 70000, exchange: 'x' })), /16-bit/);
    assert.throws(() => encodeMessage({ ...emptyMessage(), rcode: 16 }), /needs EDNS/);
  });

  it('splits TXT strings longer than 255 bytes into character-strings', () => {
    const long = 'x'.repeat(600);
    const back = decodeMessage(encodeMessage({ ...emptyMessage(), answers: [{ name: 't', class: 1, ttl: 60, data: { type: 'TXT', strings: [long, ''] } }] }));
    assert.deepEqual(back.answers[0]!.data, { type: 'TXT', strings: ['x'.repeat(255), 'x'.repeat(255), 'x'.repeat(90), ''] });
  });
});

describe('DNS wire codec: compression and size limits', () => {
  it('compresses a 5-record answer to 109 bytes (dns-packet, which never compresses, needs 164)', () => {
    const answers = [1, 2, 3, 4, 5].map((i): WireRecord => ({ name: 'example.com', class: 1, ttl: 300, data: { type: 'A', address: `192.0.2.${i}` } }));
    const m: Message = { ...emptyMessage(0x1234), qr: true, aa: true, questions: [{ name: 'example.com', type: TYPE.A, class: CLASS.IN }], answers };
    const ours = encodeMessage(m);
    assert.equal(ours.length, 12 + 17 + 5 * 16);
    const theirs = dnsPacket.encode({ id: 0x1234, type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: [{ name: 'example.com', type: 'A' }], answers: answers.map((a) => ({ name: a.name, type: 'A' as const, ttl: 300, data: (a.data as { address: string }).address })) });
    assert.equal(theirs.length, 12 + 17 + 5 * (13 + 14));
    assert.deepEqual(dnsPacket.decode(Buffer.from(ours)).answers!.map((a) => (a as { data: string }).data), answers.map((a) => (a.data as { address: string }).address));
  });

  it('never compresses names inside SRV and NAPTR data (RFC 3597 §4), but does inside MX and SOA', () => {
    const base: Message = { ...emptyMessage(), questions: [{ name: 'target.example.com', type: TYPE.A, class: 1 }] };
    const srv = encodeMessage({ ...base, answers: [{ name: 'a', class: 1, ttl: 1, data: { type: 'SRV', priority: 1, weight: 2, port: 3, target: 'target.example.com' } }] });
    assert.ok(Buffer.from(srv).includes(Buffer.from('\x06target\x07example\x03com\x00', 'latin1'), 40));
    const mx = encodeMessage({ ...base, answers: [{ name: 'a', class: 1, ttl: 1, data: { type: 'MX', preference: 1, exchange: 'target.example.com' } }] });
    assert.equal(mx.length, 12 + 24 + (3 + 10 + 2 + 2));
  });

  it('MessageBuilder rolls back a record that does not fit, together with its compression targets', () => {
    const b = new MessageBuilder({ ...emptyMessage(1), qr: true }, 60);
    assert.ok(b.question({ name: 'example.com', type: TYPE.TXT, class: 1 }));
    const big: WireRecord = { name: 'other.example.net', class: 1, ttl: 1, data: { type: 'TXT', strings: ['y'.repeat(100)] } };
    assert.equal(b.add('answers', big), false);
    // 'example.net' was not kept as a target: the next record writes it in full and decodes.
    assert.ok(b.add('answers', { name: 'example.net', class: 1, ttl: 1, data: { type: 'A', address: '192.0.2.1' } }));
    const out = decodeMessage(b.finish());
    assert.equal(out.answers.length, 1);
    assert.equal(out.answers[0]!.name, 'example.net');
  });

  it('frames TCP messages and reassembles them from arbitrary chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1 }), (msgs, cuts) => {
        const stream = Buffer.concat(msgs.map(frame));
        const r = new FrameReader();
        const got: Buffer[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...r.push(stream.subarray(at, at + n)));
          at += n;
        }
        assert.deepEqual(got.map((b) => b.toString('hex')), msgs.map((b) => Buffer.from(b).toString('hex')));
        assert.equal(r.buffered, 0);
      }),
    );
  });
});

// ---- dns-packet as an independent oracle -------------------------------------------------

type PacketAnswer = dnsPacket.Answer;

/** Our record as dns-packet spells it. */
function toPacket(rr: WireRecord): PacketAnswer {
  const d = rr.data;
  const base = { name: rr.name === '' ? '.' : rr.name, ttl: rr.ttl, class: 'IN' as const };
  const n = (x: string) => (x === '' ? '.' : x);
  switch (d.type) {
    case 'A':
    case 'AAAA':
      return { ...base, type: d.type, data: d.address };
    case 'NS':
      return { ...base, type: 'NS', data: n(d.host) };
    case 'CNAME':
    case 'PTR':
      return { ...base, type: d.type, data: n(d.target) };
    case 'MX':
      return { ...base, type: 'MX', data: { preference: d.preference, exchange: n(d.exchange) } };
    case 'TXT':
      return { ...base, type: 'TXT', data: d.strings.map((s) => Buffer.from(s)) };
    case 'SRV':
      return { ...base, type: 'SRV', data: { priority: d.priority, weight: d.weight, port: d.port, target: n(d.target) } };
    case 'CAA':
      return { ...base, type: 'CAA', data: { flags: d.flags, tag: d.tag as 'issue', value: d.value } };
    case 'NAPTR':
      return { ...base, type: 'NAPTR', data: { order: d.order, preference: d.preference, flags: d.flags, services: d.service, regexp: d.regexp, replacement: n(d.replacement) } } as unknown as PacketAnswer;
    case 'SOA': {
      const { type: _type, ...soa } = d;
      return { ...base, type: 'SOA', data: { ...soa, mname: n(d.mname), rname: n(d.rname) } };
    }
    case 'DS':
      return { ...base, type: 'DS', data: { keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, digest: Buffer.from(d.digest, 'hex') } };
    case 'UNKNOWN':
      throw new Error('dns-packet cannot name unknown types');
    default:
      // The DNSSEC types are cross-checked in src/dns/dnssec/rdata.test.ts.
      throw new Error(`not generated here: ${d.type}`);
  }
}

const known = (name: fc.Arbitrary<string>) =>
  record(name).filter((r) => r.data.type !== 'UNKNOWN' && !(r.data.type === 'TXT' && r.data.strings.some((s) => Buffer.byteLength(s) === 0)));

describe('DNS wire codec: cross-checked with dns-packet', () => {
  it('dns-packet decodes what we encode, field by field, for every type it knows', () => {
    fc.assert(
      fc.property(fc.array(known(hostName), { minLength: 1, maxLength: 6 }), u16, (rrs, id) => {
        const ours = encodeMessage({ ...emptyMessage(id), qr: true, aa: true, questions: [{ name: rrs[0]!.name, type: TYPE.ANY, class: 1 }], answers: rrs });
        const theirs = dnsPacket.decode(Buffer.from(ours));
        assert.equal(theirs.id, id);
        assert.equal(theirs.flag_aa, true);
        assert.equal(theirs.answers!.length, rrs.length);
        theirs.answers!.forEach((a, i) => {
          const expected = toPacket(rrs[i]!) as { name: string; type: string; ttl: number; data: unknown };
          const got = a as unknown as { name: string; type: string; ttl: number; data: any };
          assert.equal(got.type, expected.type);
          assert.equal(nameKey(got.name), nameKey(expected.name));
          assert.equal(got.ttl, expected.ttl);
          const lower = (x: unknown) => (typeof x === 'string' ? nameKey(x) : x);
          const e = expected.data as any;
          switch (got.type) {
            case 'TXT':
              assert.deepEqual(Buffer.concat(got.data).toString(), Buffer.concat(e).toString());
              break;
            case 'NS':
            case 'CNAME':
            case 'PTR':
              assert.equal(nameKey(got.data), nameKey(e));
              break;
            case 'MX':
              assert.equal(got.data.preference, e.preference);
              assert.equal(lower(got.data.exchange), lower(e.exchange));
              break;
            case 'SOA':
              assert.deepEqual({ ...got.data, mname: lower(got.data.mname), rname: lower(got.data.rname) }, { ...e, mname: lower(e.mname), rname: lower(e.rname) });
              break;
            case 'SRV':
              assert.deepEqual({ ...got.data, target: lower(got.data.target) }, { ...e, target: lower(e.target) });
              break;
            case 'NAPTR':
              assert.deepEqual({ ...got.data, replacement: lower(got.data.replacement) }, { ...e, replacement: lower(e.replacement) });
              break;
            case 'CAA':
              assert.deepEqual({ flags: got.data.flags, tag: got.data.tag, value: got.data.value }, e);
              break;
            case 'DS':
              assert.deepEqual({ ...got.data, digest: got.data.digest.toString('hex') }, { ...e, digest: e.digest.toString('hex') });
              break;
            default:
              assert.deepEqual(got.data, e);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('we decode what dns-packet encodes (its uncompressed form), including EDNS', () => {
    fc.assert(
      fc.property(fc.array(known(hostName), { minLength: 1, maxLength: 6 }), u16, fc.boolean(), (rrs, id, dnssecOk) => {
        const bytes = dnsPacket.encode({
          id,
          type: 'response',
          flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED,
          questions: [{ name: rrs[0]!.name, type: 'A' }],
          answers: rrs.map(toPacket),
          additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnssecOk ? dnsPacket.DNSSEC_OK : 0, options: [{ code: 10, data: Buffer.from('0123456789abcdef', 'hex') }] } as unknown as PacketAnswer],
        });
        const m = decodeMessage(bytes);
        assert.equal(m.id, id);
        assert.ok(m.qr && m.aa && m.rd);
        assert.deepEqual(m.edns, { udpSize: 1232, version: 0, dnssecOk, options: [{ code: 10, data: Uint8Array.from(Buffer.from('0123456789abcdef', 'hex')) }] });
        const norm = (rr: WireRecord) => canonical({ ...emptyMessage(), answers: [rr] });
        assert.deepEqual(m.answers.map(norm), rrs.map(norm));
      }),
      { numRuns: 300 },
    );
  });

  it('question-only queries are byte-identical to dns-packet (nothing to compress)', () => {
    fc.assert(
      fc.property(hostName, u16, fc.constantFrom<dnsPacket.RecordType>('A', 'AAAA', 'MX', 'TXT', 'SOA', 'NS', 'SRV', 'CAA', 'NAPTR', 'DS', 'AXFR', 'IXFR'), (name, id, type) => {
        const theirs = dnsPacket.encode({ id, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] });
        const code = (TYPE as Record<string, number>)[type]!;
        const ours = encodeMessage({ ...emptyMessage(id), rd: true, questions: [{ name, type: code, class: CLASS.IN }] });
        assert.equal(Buffer.from(ours).toString('hex'), Buffer.from(theirs).toString('hex'));
      }),
    );
  });
});
