import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { decodeMessage, encodeMessage } from '../wire/message.ts';
import { formatRecord } from '../wire/present.ts';
import { emptyMessage, TYPE, type WireRecord } from '../wire/types.ts';

const rr = (name: string, data: WireRecord['data']): WireRecord => ({ name, class: 1, ttl: 300, data });
const records: WireRecord[] = [
  rr('example.test', { type: 'DNSKEY', flags: 257, protocol: 3, algorithm: 13, publicKey: Buffer.alloc(64, 7).toString('base64') }),
  rr('example.test', { type: 'CDNSKEY', flags: 257, protocol: 3, algorithm: 15, publicKey: Buffer.alloc(32, 9).toString('base64') }),
  rr('example.test', { type: 'CDS', keyTag: 4711, algorithm: 13, digestType: 2, digest: 'AB'.repeat(32) }),
  rr('www.example.test', { type: 'RRSIG', typeCovered: TYPE.A, algorithm: 13, labels: 3, originalTtl: 3600, expiration: 1_800_000_000, inception: 1_790_000_000, keyTag: 4711, signer: 'example.test', signature: Buffer.alloc(64, 1).toString('base64') }),
  rr('www.example.test', { type: 'NSEC', next: 'zz.example.test', types: [TYPE.A, TYPE.RRSIG, TYPE.NSEC, TYPE.CAA] }),
  rr('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.test', { type: 'NSEC3', hashAlgorithm: 1, flags: 0, iterations: 0, salt: '', next: '2t7b4g4vsa5smi47k61mv5bv1a22bojr', types: [TYPE.NS, TYPE.SOA, TYPE.RRSIG, TYPE.DNSKEY, TYPE.NSEC3PARAM] }),
  rr('example.test', { type: 'NSEC3PARAM', hashAlgorithm: 1, flags: 0, iterations: 12, salt: 'AABBCCDD' }),
];

describe('DNS wire codec: DNSSEC record types', () => {
  const bytes = encodeMessage({ ...emptyMessage(1), qr: true, answers: records });

  it('decodes what it encodes', () => {
    assert.deepEqual(decodeMessage(bytes).answers, records);
  });

  it('dns-packet reads the same fields (independent decoder)', () => {
    const theirs = dnsPacket.decode(Buffer.from(bytes)).answers as any[];
    assert.equal(theirs[0].data.flags, 257);
    assert.equal(Buffer.from(theirs[0].data.key).toString('base64'), Buffer.alloc(64, 7).toString('base64'));
    assert.deepEqual({ ...theirs[3].data, signature: undefined }, { typeCovered: 'A', algorithm: 13, labels: 3, originalTTL: 3600, expiration: 1_800_000_000, inception: 1_790_000_000, keyTag: 4711, signersName: 'example.test', signature: undefined });
    assert.deepEqual(theirs[4].data, { nextDomain: 'zz.example.test', rrtypes: ['A', 'RRSIG', 'NSEC', 'CAA'] });
    assert.equal(theirs[5].data.iterations, 0);
    assert.deepEqual(theirs[5].data.rrtypes.sort(), ['DNSKEY', 'NS', 'NSEC3PARAM', 'RRSIG', 'SOA']);
  });

  it('presents them as zone files do', () => {
    assert.equal(formatRecord(records[3]!), `www.example.test. 300 IN RRSIG A 13 3 3600 20270115080000 20260921141320 4711 example.test. ${Buffer.alloc(64, 1).toString('base64')}`);
    assert.equal(formatRecord(records[5]!), '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.test. 300 IN NSEC3 1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA RRSIG DNSKEY NSEC3PARAM');
    assert.equal(formatRecord(records[6]!), 'example.test. 300 IN NSEC3PARAM 1 0 12 AABBCCDD');
  });
});
