import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleZone } from '../server/test-zone.ts';
import { formatRecord } from '../wire/present.ts';
import { CLASS, TYPE, rdataTypeCode, type WireRecord } from '../wire/types.ts';
import type { ResourceRecord, ZoneSnapshot } from '../zone-source.ts';
import { canonicalOrder, compareNames, signedData } from './canonical.ts';
import { ALGORITHM, dnskeyOf, dsOf, keyTag, verifyWith, type Algorithm } from './keys.ts';
import { nsec3Hash, RFC9276 } from './nsec3.ts';
import { SignatureCache, signZone, type SignOptions } from './sign.ts';
import { testKeys } from './test-keys.ts';

// dnssec-verify checks the validity window against the real time.
const T0 = Math.floor(Date.now() / 1000);
const options = (algorithm: Algorithm = ALGORITHM.ECDSAP256SHA256, denial: 'nsec' | 'nsec3' = 'nsec3'): SignOptions => ({ keys: testKeys(algorithm), inception: T0 - 3600, expiration: T0 + 14 * 86400, denial, nsec3: RFC9276, dnskeyTtl: 3600 });

/** Checks every RRSIG of a signed snapshot with node:crypto against the zone's DNSKEYs; returns how many. */
function verifyAll(z: ZoneSnapshot): number {
  const all: ResourceRecord[] = [{ name: z.origin, ttl: z.soaTtl, data: z.soa }, ...z.records];
  const keys = all.filter((r) => r.data.type === 'DNSKEY').map((r) => r.data as Parameters<typeof verifyWith>[0]);
  let n = 0;
  for (const sig of all) {
    if (sig.data.type !== 'RRSIG') continue;
    const d = sig.data;
    const set: WireRecord[] = all.filter((r) => r.name === sig.name && rdataTypeCode[r.data.type] === d.typeCovered).map((r) => ({ name: r.name, class: CLASS.IN, ttl: r.ttl, data: r.data }));
    assert.ok(set.length > 0, `RRSIG ${sig.name} covers an RRset that exists`);
    const key = keys.find((k) => keyTag(k) === d.keyTag)!;
    const { type: _t, signature, ...fields } = d;
    assert.ok(verifyWith(key, signedData(fields, sig.name, set), Buffer.from(signature, 'base64')), `signature over ${sig.name} type ${d.typeCovered}`);
    n++;
  }
  return n;
}

describe('DNSSEC: keys', () => {
  // RFC 4034 §5.4 and RFC 4509 §2.3: an RSA/SHA-1 key (the tag and the digests do not depend on the algorithm).
  const rfcKey = { type: 'DNSKEY' as const, flags: 256, protocol: 3, algorithm: 5, publicKey: 'AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==' };
  it('computes the key tag and the DS digests of the RFC examples', () => {
    assert.equal(keyTag(rfcKey), 60485);
    assert.deepEqual(dsOf('dskey.example.com', rfcKey, 1), { type: 'DS', keyTag: 60485, algorithm: 5, digestType: 1, digest: '2BB183AF5F22588179A53B0A98631FAD1A292118' });
    assert.equal(dsOf('DSKEY.example.com.', rfcKey).digest, 'D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A');
  });

  for (const alg of [ALGORITHM.ECDSAP256SHA256, ALGORITHM.ED25519]) {
    it(`algorithm ${alg}: keys have the DNSKEY sizes of RFC 6605 / RFC 8080 and signatures verify`, () => {
      const [ksk, zsk] = testKeys(alg);
      assert.equal(ksk!.key.publicKey.length, alg === 13 ? 64 : 32);
      assert.equal(dnskeyOf(ksk!.key).flags, 257);
      assert.equal(dnskeyOf(zsk!.key).flags, 256);
      assert.equal(keyTag(dnskeyOf(zsk!.key)), zsk!.key.keyTag);
    });
  }
});

describe('DNSSEC: canonical form (RFC 4034 §6)', () => {
  it('orders names label by label from the right, case-insensitively (the §6.1 example)', () => {
    const expected = ['example', 'a.example', 'yljkjljk.a.example', 'Z.a.example', 'zABC.a.EXAMPLE', 'z.example', '\\001.z.example', '*.z.example', '\\200.z.example'];
    const shuffled = [...expected].reverse();
    assert.deepEqual(shuffled.sort(compareNames), expected);
  });

  it('orders an RRset by rdata octets, drops duplicates and lowercases names in rdata', () => {
    const rr = (data: WireRecord['data']): WireRecord => ({ name: 'x', class: 1, ttl: 1, data });
    const order = canonicalOrder([rr({ type: 'MX', preference: 20, exchange: 'B.example' }), rr({ type: 'MX', preference: 10, exchange: 'z.example' }), rr({ type: 'MX', preference: 20, exchange: 'b.example' })]);
    assert.equal(order.length, 2);
    assert.deepEqual(order.map((o) => Buffer.from(o.rdata).toString('hex')), ['000a017a076578616d706c6500', '0014016207' + '6578616d706c6500']);
  });
});

const tool = ['/usr/bin/dnssec-verify', '/usr/sbin/dnssec-verify'].find(existsSync);
if (!tool && process.env.CI === 'true') throw new Error('dnssec-verify missing under CI (.ci/run installs bind9-utils)');

/** Runs BIND's dnssec-verify on a snapshot written as a zone file; throws with its output when it rejects the zone. */
function dnssecVerify(z: ZoneSnapshot): string {
  const dir = mkdtempSync(join(tmpdir(), 'dmapid-sign-'));
  try {
    const file = join(dir, 'zone');
    writeFileSync(file, [formatRecord({ name: z.origin, class: 1, ttl: z.soaTtl, data: z.soa }), ...z.records.map((r) => formatRecord({ ...r, class: 1 }))].join('\n') + '\n');
    try {
      return execFileSync(tool!, ['-o', z.origin, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`dnssec-verify rejected the zone: ${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('DNSSEC: zone signing', () => {
  for (const alg of [ALGORITHM.ECDSAP256SHA256, ALGORITHM.ED25519]) {
    for (const denial of ['nsec3', 'nsec'] as const) {
      it(`alg ${alg}, ${denial}: every RRSIG verifies with node:crypto${tool ? ' and dnssec-verify accepts the zone' : ''}`, () => {
        const signed = signZone(exampleZone(), options(alg, denial));
        assert.ok(verifyAll(signed) > 30);
        const types = (t: string) => signed.records.filter((r) => r.data.type === t);
        assert.equal(types('DNSKEY').length, 2);
        assert.equal(types('CDS').length, 1);
        assert.equal(types('CDNSKEY').length, 1);
        // No signature over the NS of a delegation nor over glue; the DS of the delegation is signed.
        const sigs = types('RRSIG');
        assert.ok(!sigs.some((r) => r.name === 'sub.example.test' && r.data.type === 'RRSIG' && r.data.typeCovered === TYPE.NS));
        assert.ok(!sigs.some((r) => r.name === 'ns.sub.example.test'));
        assert.ok(sigs.some((r) => r.name === 'sub.example.test' && r.data.type === 'RRSIG' && r.data.typeCovered === TYPE.DS));
        // A wildcard's RRSIG counts the labels without the '*'.
        const wild = sigs.find((r) => r.name === '*.wild.example.test')!.data;
        assert.equal(wild.type === 'RRSIG' && wild.labels, 3);
        if (denial === 'nsec3') {
          // Every authoritative name, every empty non-terminal, the delegation; not the glue below it.
          const owners = new Set(types('NSEC3').map((r) => r.name.split('.')[0]));
          for (const n of ['example.test', 'b.c.example.test', 'c.example.test', 'sub.example.test', '*.wild.example.test', 'wild.example.test']) assert.ok(owners.has(nsec3Hash(n, RFC9276)), n);
          assert.ok(!owners.has(nsec3Hash('ns.sub.example.test', RFC9276)));
          assert.equal(types('NSEC3PARAM').length, 1);
        } else {
          const nsec = types('NSEC');
          assert.ok(!nsec.some((r) => r.name === 'c.example.test'), 'NSEC has no empty non-terminals');
          const apex = nsec.find((r) => r.name === 'example.test')!.data;
          assert.ok(apex.type === 'NSEC' && apex.types.includes(TYPE.DNSKEY) && apex.types.includes(TYPE.NSEC));
        }
        if (tool) assert.match(dnssecVerify(signed), /Zone fully signed/);
      });
    }
  }

  it('a changed record fails verification (the check can fail)', () => {
    const signed = signZone(exampleZone(), options());
    const tampered = { ...signed, records: signed.records.map((r) => (r.name === 'mail.example.test' && r.data.type === 'A' ? { ...r, data: { type: 'A' as const, address: '192.0.2.26' } } : r)) };
    assert.throws(() => verifyAll(tampered), /signature over mail.example.test type 1/);
    if (tool) assert.throws(() => dnssecVerify(tampered), /No correct ECDSAP256SHA256 signature for mail.example.test A/);
  });

  it('with a signature cache, a changed zone re-signs only what changed (same keys and window)', () => {
    const o = options();
    const cache = new SignatureCache();
    const first = signZone(exampleZone(), { ...o, cache });
    const made = cache.misses;
    assert.equal(cache.hits, 0);
    const zone = exampleZone('example.test', 2026011502);
    zone.records = zone.records.map((r) => (r.name === 'mail.example.test' && r.data.type === 'A' ? { ...r, data: { type: 'A', address: '192.0.2.26' } } : r));
    const second = signZone(zone, { ...o, cache });
    verifyAll(second);
    // Signed again: the SOA (new serial) and mail's A; the NSEC3 records did not change (same names, same types).
    assert.equal(cache.misses - made, 2);
    assert.equal(cache.hits, made - 2);
    const sig = (z: ZoneSnapshot, name: string, type: number) => z.records.find((r) => r.name === name && r.data.type === 'RRSIG' && r.data.typeCovered === type)!.data;
    assert.deepEqual(sig(first, 'www.example.test', TYPE.CNAME), sig(second, 'www.example.test', TYPE.CNAME));
    assert.notDeepEqual(sig(first, 'mail.example.test', TYPE.A), sig(second, 'mail.example.test', TYPE.A));
  });

  it('refuses to sign without an active KSK and ZSK', () => {
    const o = options();
    assert.throws(() => signZone(exampleZone(), { ...o, keys: o.keys.filter((k) => k.key.flags === 257) }), /active KSK and an active ZSK/);
  });
});
