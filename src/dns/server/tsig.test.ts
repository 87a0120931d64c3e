import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/clock.ts';
import { createLogger } from '../../obs/logger.ts';
import { buildQuery, signQuery } from '../client.ts';
import { MemoryZoneSource } from '../memory-zone-source.ts';
import { decodeMessage } from '../wire/message.ts';
import { parseTsigKeys, TSIG_ERROR, unixSeconds, verifyTsig, type TsigKey } from '../wire/tsig.ts';
import { RCODE, TYPE, type Message } from '../wire/types.ts';
import { compileTransferAcl, parseHostPorts } from './acl.ts';
import { QueryHandler, type Transport } from './handler.ts';
import { exampleZone } from './test-zone.ts';
import { ZoneCache } from './zone-cache.ts';

const [knot, nsd, other] = parseTsigKeys('knot-key:hmac-sha256:a25vdC1zZWNyZXQta25vdC1zZWNyZXQ=,nsd.key.:HMAC-SHA512:bnNkLXNlY3JldA==,other:hmac-sha256:b3RoZXI=') as [TsigKey, TsigKey, TsigKey];
const clock = new ManualClock('2026-01-15T12:00:00Z');

function setup(acl: string[], keys: TsigKey[] = [knot, nsd]) {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  const handler = new QueryHandler({ cache: new ZoneCache(source), transferAcl: compileTransferAcl(acl), tsigKeys: new Map(keys.map((k) => [k.name, k])), clock, udpSize: 1232, log: createLogger('silent') });
  /** Sends a query signed with `key` (at `at`, default the clock's now); returns the answers and what verifying them gave. */
  const ask = async (name: string, type: number, key: TsigKey | undefined, o: { transport?: Transport; remote?: string; at?: number } = {}) => {
    const q = buildQuery(name, type, { edns: false });
    const signed = key && signQuery(q, key, o.at ?? clock.now());
    const out = await handler.handle(signed?.bytes ?? q, o.transport ?? 'tcp', o.remote ?? '127.0.0.1');
    const messages = out.map((b) => decodeMessage(b));
    const errors = signed ? out.map((b, i) => signed.verifier.verify(b, messages[i]!, unixSeconds(clock.now()))) : [];
    return { messages, errors, handler };
  };
  return { ask, handler };
}

const tsigError = (m: Message) => m.tsig?.data.error;

describe('TSIG (RFC 8945)', () => {
  it('parses key lists and refuses bad entries with the reason', () => {
    assert.deepEqual([knot.name, knot.algorithm, nsd.name, nsd.algorithm], ['knot-key', 'hmac-sha256', 'nsd.key', 'hmac-sha512']);
    assert.equal(Buffer.from(nsd.secret).toString(), 'nsd-secret');
    assert.throws(() => parseTsigKeys('k:hmac-md5:AAAA'), /unknown algorithm/);
    assert.throws(() => parseTsigKeys('k:hmac-sha256:not base64!'), /not base64/);
    assert.throws(() => parseTsigKeys('k:hmac-sha256'), /name:algorithm:base64-secret/);
    assert.throws(() => parseTsigKeys('k:hmac-sha256:AAAA,K:hmac-sha1:AAAA'), /defined twice/);
    assert.deepEqual(parseHostPorts('192.0.2.7:5300 key knot-key, [::1]:53'), [{ host: '192.0.2.7', port: 5300, key: 'knot-key' }, { host: '::1', port: 53 }]);
  });

  it('signs every message of a multi-message AXFR, each verifying in a chain', async () => {
    const source = new MemoryZoneSource();
    const records = Array.from({ length: 3000 }, (_, i) => ({ name: `h${i}.big.test`, ttl: 300, data: { type: 'A' as const, address: `10.0.${i >> 8}.${i & 255}` } }));
    source.put({ ...exampleZone('big.test'), records });
    const handler = new QueryHandler({ cache: new ZoneCache(source), transferAcl: compileTransferAcl(['127.0.0.1 key knot-key']), tsigKeys: new Map([[knot.name, knot]]), clock, udpSize: 1232, log: createLogger('silent') });
    const signed = signQuery(buildQuery('big.test', TYPE.AXFR, { edns: false }), knot, clock.now());
    const out = await handler.handle(signed.bytes, 'tcp', '127.0.0.1');
    assert.ok(out.length > 3, `${out.length} messages`);
    const messages = out.map((b) => decodeMessage(b));
    assert.ok(out.every((b) => b.length <= 16_000));
    assert.deepEqual(out.map((b, i) => signed.verifier.verify(b, messages[i]!, unixSeconds(clock.now()))), out.map(() => 0));
    assert.equal(messages.reduce((n, m) => n + m.answers.length, 0), records.length + 2, "every record and the SOA twice");
    // Each MAC covers the one before: the second message alone does not verify as a first one.
    const fresh = signQuery(buildQuery('big.test', TYPE.AXFR, { edns: false }), knot, clock.now()).verifier;
    assert.equal(fresh.verify(out[1]!, messages[1]!, unixSeconds(clock.now())), TSIG_ERROR.BADSIG);
  });

  it('a keyed ACL entry admits the key and refuses unsigned or other-key requests with NOTAUTH', async () => {
    const { ask } = setup(['127.0.0.1 key knot-key', '192.0.2.0/24']);
    const good = await ask('example.test', TYPE.AXFR, knot);
    assert.equal(good.messages[0]!.rcode, RCODE.NOERROR);
    assert.ok(good.messages.length >= 1 && good.errors.every((e) => e === 0));
    const unsigned = await ask('example.test', TYPE.AXFR, undefined);
    assert.deepEqual(unsigned.messages.map((m) => [m.rcode, m.answers.length, m.tsig]), [[RCODE.NOTAUTH, 0, undefined]]);
    const wrongKey = await ask('example.test', TYPE.AXFR, nsd);
    assert.equal(wrongKey.messages[0]!.rcode, RCODE.NOTAUTH);
    assert.deepEqual(wrongKey.errors, [0], 'a refusal to a good signature is signed');
    // An address entry without a key still admits unsigned transfers; any other address is REFUSED.
    assert.equal((await ask('example.test', TYPE.AXFR, undefined, { remote: '192.0.2.7' })).messages[0]!.rcode, RCODE.NOERROR);
    assert.equal((await ask('example.test', TYPE.AXFR, knot, { remote: '198.51.100.1' })).messages[0]!.rcode, RCODE.REFUSED);
    // `key NAME` alone admits that key from anywhere.
    assert.equal((await setup(['key nsd.key']).ask('example.test', TYPE.AXFR, nsd, { remote: '198.51.100.1' })).messages[0]!.rcode, RCODE.NOERROR);
  });

  it('an unknown key is BADKEY and a wrong secret BADSIG: NOTAUTH, answered unsigned', async () => {
    const { ask, handler } = setup(['127.0.0.1 key knot-key']);
    const unknown = await ask('example.test', TYPE.AXFR, other);
    assert.deepEqual(unknown.messages.map((m) => [m.rcode, tsigError(m), m.tsig?.data.mac.length, m.tsig?.keyName]), [[RCODE.NOTAUTH, TSIG_ERROR.BADKEY, 0, 'other']]);
    const forged = { ...knot, secret: Buffer.from('not the secret') };
    const bad = await ask('example.test', TYPE.AXFR, forged);
    assert.deepEqual(bad.messages.map((m) => [m.rcode, tsigError(m), m.tsig?.data.mac.length, m.answers.length]), [[RCODE.NOTAUTH, TSIG_ERROR.BADSIG, 0, 0]]);
    // The same key name with another algorithm is not the key.
    assert.equal(tsigError((await ask('example.test', TYPE.SOA, { ...knot, algorithm: 'hmac-sha512' })).messages[0]!), TSIG_ERROR.BADKEY);
    assert.equal(handler.stats.tsigErrors, 3);
  });

  it('a time outside the fudge is BADTIME, signed, with our time in other data', async () => {
    const { ask } = setup(['127.0.0.1 key knot-key']);
    const late = await ask('example.test', TYPE.AXFR, knot, { at: clock.now() - 301_000 });
    const m = late.messages[0]!;
    assert.deepEqual([m.rcode, tsigError(m), late.errors], [RCODE.NOTAUTH, TSIG_ERROR.BADTIME, [TSIG_ERROR.BADTIME]]);
    assert.equal(Buffer.from(m.tsig!.data.other).readUIntBE(0, 6), unixSeconds(clock.now()));
    assert.equal(m.tsig!.data.mac.length, 32);
    // Within the fudge (300 s, either way) is fine.
    assert.equal((await ask('example.test', TYPE.AXFR, knot, { at: clock.now() + 299_000 })).messages[0]!.rcode, RCODE.NOERROR);
  });

  it('signs the answer to any signed query; a tampered request is BADSIG; a too-short MAC is FORMERR', async () => {
    const { ask, handler } = setup(['127.0.0.1']);
    const a = await ask('www.example.test', TYPE.A, nsd, { transport: 'udp' });
    assert.deepEqual([a.messages[0]!.rcode, a.errors], [RCODE.NOERROR, [0]]);
    const signed = signQuery(buildQuery('example.test', TYPE.SOA, { edns: false, id: 7 }), knot, clock.now());
    const tampered = new Uint8Array(signed.bytes);
    tampered[2]! ^= 0x01; // the RD bit
    assert.equal(tsigError(decodeMessage((await handler.handle(tampered, 'udp', '127.0.0.1'))[0]!)), TSIG_ERROR.BADSIG);
    // A MAC of 8 bytes is below the 10-byte floor of RFC 8945 §5.2.2.1; 16 of 32 is a truncation we refuse.
    const m = decodeMessage(signed.bytes);
    const check = verifyTsig(signed.bytes, { ...m.tsig!, data: { ...m.tsig!.data, mac: m.tsig!.data.mac.subarray(0, 8) } }, new Map([[knot.name, knot]]), unixSeconds(clock.now()));
    assert.deepEqual([check.formerr, check.error], [true, TSIG_ERROR.BADSIG]);
    const truncated = verifyTsig(signed.bytes, { ...m.tsig!, data: { ...m.tsig!.data, mac: m.tsig!.data.mac.subarray(0, 16) } }, new Map([[knot.name, knot]]), unixSeconds(clock.now()));
    assert.equal(truncated.error, TSIG_ERROR.BADTRUNC);
  });
});
