import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32hex, fromBase32hex } from '../wire/base32.ts';
import { nsec3Hash, RFC9276 } from './nsec3.ts';

describe('NSEC3 hashing (RFC 5155 §5)', () => {
  it('matches the hashed owner names of RFC 5155 Appendix A (salt aabbccdd, 12 iterations)', () => {
    const p = { iterations: 12, salt: 'aabbccdd' };
    const expected: Record<string, string> = {
      example: '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom',
      'a.example': '35mthgpgcu1qg68fab165klnsnk3dpvl',
      'ai.example': 'gjeqe526plbf1g8mklp59enfd789njgi',
      'ns1.example': '2t7b4g4vsa5smi47k61mv5bv1a22bojr',
      'ns2.example': 'q04jkcevqvmu85r014c7dkba38o0ji5r',
      'w.example': 'k8udemvp1j2f7eg6jebps17vp3n8i58h',
      '*.w.example': 'r53bq7cc2uvmubfu5ocmm6pers9tk9en',
      'x.w.example': 'b4um86eghhds6nea196smvmlo4ors995',
      'y.w.example': 'ji6neoaepv8b5o6k4ev33abha8ht9fgc',
      'x.y.w.example': '2vptu5timamqttgl4luu9kg21e0aor3s',
      'xx.example': 't644ebqk9bibcna874givr6joj62mlhv',
    };
    for (const [name, hash] of Object.entries(expected)) assert.equal(nsec3Hash(name, p), hash, name);
  });

  it('hashes case-insensitively (the owner is canonicalised first)', () => {
    assert.equal(nsec3Hash('WwW.Example', RFC9276), nsec3Hash('www.example', RFC9276));
    assert.notEqual(nsec3Hash('www.example', RFC9276), nsec3Hash('www.example', { iterations: 1, salt: '' }));
  });

  it('base32hex round-trips and uses the extended hex alphabet (RFC 4648 §10 vectors)', () => {
    // RFC 4648 §10 (base32hex, padding dropped as NSEC3 does).
    const vectors: Array<[string, string]> = [['f', 'co'], ['fo', 'cpng'], ['foo', 'cpnmu'], ['foob', 'cpnmuog'], ['fooba', 'cpnmuoj1'], ['foobar', 'cpnmuoj1e8']];
    for (const [plain, coded] of vectors) {
      assert.equal(base32hex(Buffer.from(plain)), coded);
      assert.equal(Buffer.from(fromBase32hex(coded.toUpperCase())).toString(), plain);
    }
    assert.throws(() => fromBase32hex('xyz'), /not base32hex/);
  });
});
