import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../obs/logger.ts';
import { buildQuery } from '../client.ts';
import { MemoryZoneSource } from '../memory-zone-source.ts';
import { nsec3Hash, RFC9276 } from '../dnssec/nsec3.ts';
import { signZone } from '../dnssec/sign.ts';
import { testKeys } from '../dnssec/test-keys.ts';
import { decodeMessage } from '../wire/message.ts';
import { RCODE, TYPE, type Message, type WireRecord } from '../wire/types.ts';
import { compileTransferAcl } from './acl.ts';
import { QueryHandler } from './handler.ts';
import { exampleZone } from './test-zone.ts';
import { ZoneCache } from './zone-cache.ts';

const T0 = 1_800_000_000;

function serve(denial: 'nsec' | 'nsec3') {
  const source = new MemoryZoneSource();
  const zone = exampleZone();
  zone.records.push({ name: 'nods.example.test', ttl: 3600, data: { type: 'NS', host: 'ns.example.net' } });
  source.put(signZone(zone, { keys: testKeys(), inception: T0, expiration: T0 + 14 * 86400, denial, nsec3: RFC9276, dnskeyTtl: 3600 }));
  const handler = new QueryHandler({ cache: new ZoneCache(source), transferAcl: compileTransferAcl(['127.0.0.0/8']), udpSize: 1232, log: createLogger('silent') });
  return async (name: string, type: number, dnssecOk = true, tcp = false): Promise<Message[]> =>
    (await handler.handle(buildQuery(name, type, { dnssecOk }), tcp ? 'tcp' : 'udp', '127.0.0.1')).map((b) => decodeMessage(b));
}

const typesOf = (rrs: WireRecord[]) => rrs.map((r) => (r.data.type === 'RRSIG' ? `RRSIG(${r.data.typeCovered})` : r.data.type));
const hashLabel = (r: WireRecord) => r.name.split('.')[0]!;

/** Whether the NSEC3 record covers (strictly, in hash order, wrapping at the end) the hash `h`. */
function covers(r: WireRecord, h: string): boolean {
  const own = hashLabel(r);
  const next = r.data.type === 'NSEC3' ? r.data.next : '';
  return own < next ? own < h && h < next : h > own || h < next;
}

describe('DNSSEC answers from a signed zone (NSEC3)', () => {
  const ask = serve('nsec3');

  it('with DO, an answer carries the RRSIGs of its RRsets; without DO it carries none', async () => {
    const [m] = await ask('alias.example.test', TYPE.A);
    assert.deepEqual(typesOf(m!.answers), ['CNAME', 'RRSIG(5)', 'CNAME', 'RRSIG(5)', 'A', 'RRSIG(1)']);
    assert.ok(m!.edns?.dnssecOk, 'the DO bit is echoed');
    const [plain] = await ask('alias.example.test', TYPE.A, false);
    assert.deepEqual(typesOf(plain!.answers), ['CNAME', 'CNAME', 'A']);
  });

  it('a query for type RRSIG gets every signature of the name', async () => {
    const [m] = await ask('mail.example.test', TYPE.RRSIG);
    assert.deepEqual(typesOf(m!.answers).sort(), ['RRSIG(1)', 'RRSIG(28)']);
    const [none] = await ask('c.example.test', TYPE.RRSIG);
    assert.deepEqual(none!.answers, []);
    assert.equal(none!.rcode, RCODE.NOERROR);
  });

  it('DNSKEY, CDS and CDNSKEY are served at the apex, signed by the KSK', async () => {
    const [m] = await ask('example.test', TYPE.DNSKEY);
    assert.deepEqual(typesOf(m!.answers), ['DNSKEY', 'DNSKEY', 'RRSIG(48)']);
    const ksk = m!.answers.find((r) => r.data.type === 'DNSKEY' && r.data.flags === 257)!;
    const sig = m!.answers.find((r) => r.data.type === 'RRSIG')!;
    assert.ok(ksk && sig.data.type === 'RRSIG');
    const [cds] = await ask('example.test', TYPE.CDS);
    assert.deepEqual(typesOf(cds!.answers), ['CDS', 'RRSIG(59)']);
    const [cdnskey] = await ask('example.test', TYPE.CDNSKEY);
    assert.deepEqual(typesOf(cdnskey!.answers), ['CDNSKEY', 'RRSIG(60)']);
  });

  it('NXDOMAIN proves the closest encloser, the next closer name and the wildcard (RFC 5155 §7.2.2)', async () => {
    const [m] = await ask('a.nothere.example.test', TYPE.A);
    assert.equal(m!.rcode, RCODE.NXDOMAIN);
    const nsec3 = m!.authorities.filter((r) => r.data.type === 'NSEC3');
    assert.ok(m!.authorities.some((r) => r.data.type === 'RRSIG' && r.data.typeCovered === TYPE.SOA));
    assert.ok(nsec3.some((r) => hashLabel(r) === nsec3Hash('example.test', RFC9276)), 'matches the closest encloser');
    assert.ok(nsec3.some((r) => covers(r, nsec3Hash('nothere.example.test', RFC9276))), 'covers the next closer name');
    assert.ok(nsec3.some((r) => covers(r, nsec3Hash('*.example.test', RFC9276))), 'covers the wildcard');
    assert.equal(m!.authorities.filter((r) => r.data.type === 'RRSIG' && r.data.typeCovered === TYPE.NSEC3).length, nsec3.length);
  });

  it('NODATA at a name and at an empty non-terminal shows the matching NSEC3 without the type', async () => {
    for (const name of ['mail.example.test', 'c.example.test']) {
      const [m] = await ask(name, TYPE.MX);
      assert.equal(m!.rcode, RCODE.NOERROR);
      assert.deepEqual(m!.answers, []);
      const nsec3 = m!.authorities.filter((r) => r.data.type === 'NSEC3');
      assert.equal(nsec3.length, 1);
      assert.equal(hashLabel(nsec3[0]!), nsec3Hash(name, RFC9276));
      assert.ok(nsec3[0]!.data.type === 'NSEC3' && !nsec3[0]!.data.types.includes(TYPE.MX));
    }
  });

  it('a wildcard answer carries the wildcard signature (labels 3) and proves the name does not exist', async () => {
    const [m] = await ask('x.wild.example.test', TYPE.A);
    const sig = m!.answers.find((r) => r.data.type === 'RRSIG')!;
    assert.equal(sig.name, 'x.wild.example.test');
    assert.ok(sig.data.type === 'RRSIG' && sig.data.labels === 3);
    assert.ok(m!.authorities.some((r) => covers(r, nsec3Hash('x.wild.example.test', RFC9276))));
  });

  it('a referral to an unsigned child proves there is no DS; a signed child gets its DS', async () => {
    const [ds] = await ask('www.sub.example.test', TYPE.A);
    assert.deepEqual(typesOf(ds!.authorities), ['NS', 'NS', 'DS', 'RRSIG(43)']);
    assert.equal(ds!.aa, false);
    const [insecure] = await ask('www.nods.example.test', TYPE.A);
    assert.deepEqual(typesOf(insecure!.authorities), ['NS', 'NSEC3', 'RRSIG(50)']);
    const nsec3 = insecure!.authorities[1]!;
    assert.equal(hashLabel(nsec3), nsec3Hash('nods.example.test', RFC9276));
    assert.ok(nsec3.data.type === 'NSEC3' && nsec3.data.types.join() === String(TYPE.NS), 'NS only: no DS, and nothing signed at the cut');
  });

  it('AXFR carries the signed zone; an IXFR of a signed zone is answered whole', async () => {
    const out = await ask('example.test', TYPE.AXFR, false, true);
    const all = out.flatMap((m) => m.answers);
    assert.ok(all.filter((r) => r.data.type === 'RRSIG').length > 30);
    assert.ok(all.some((r) => r.data.type === 'NSEC3PARAM'));
    assert.ok(all.some((r) => r.data.type === 'NSEC3'));
    assert.ok(all.some((r) => r.data.type === 'DNSKEY'));
  });
});

describe('DNSSEC answers from a signed zone (NSEC)', () => {
  const ask = serve('nsec');
  it('NXDOMAIN shows the NSEC covering the name and the one covering the wildcard', async () => {
    const [m] = await ask('nothere.example.test', TYPE.A);
    assert.equal(m!.rcode, RCODE.NXDOMAIN);
    const nsec = m!.authorities.filter((r) => r.data.type === 'NSEC');
    assert.ok(nsec.length >= 1 && nsec.length <= 2);
    assert.ok(nsec.some((r) => r.name === 'nods.example.test' && r.data.type === 'NSEC' && r.data.next === 'ns1.example.test'), 'nods < nothere < ns1');
  });

  it('a DS query at a delegation answers from the parent side, signed; an unsigned delegation shows the NSEC at the cut', async () => {
    const [m] = await ask('sub.example.test', TYPE.DS);
    assert.deepEqual(typesOf(m!.answers), ['DS', 'RRSIG(43)']);
    const [insecure] = await ask('www.nods.example.test', TYPE.A);
    assert.deepEqual(typesOf(insecure!.authorities), ['NS', 'NSEC', 'RRSIG(47)']);
    const nsec = insecure!.authorities[1]!.data;
    assert.ok(nsec.type === 'NSEC' && nsec.types.includes(TYPE.NS) && !nsec.types.includes(TYPE.DS));
  });
});
