import { ALGORITHM, generateKey, KSK_FLAGS, ZSK_FLAGS, type Algorithm } from './keys.ts';
import type { ZoneKey } from './sign.ts';

/** A fresh active KSK and ZSK (for tests and the benchmark). */
export function testKeys(algorithm: Algorithm = ALGORITHM.ECDSAP256SHA256): ZoneKey[] {
  return [
    { key: generateKey(algorithm, KSK_FLAGS), signs: true, cds: true },
    { key: generateKey(algorithm, ZSK_FLAGS), signs: true },
  ];
}
