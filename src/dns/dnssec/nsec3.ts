import { createHash } from 'node:crypto';
import { base32hex } from '../wire/base32.ts';
import { canonicalName } from './canonical.ts';

/** NSEC3 parameters; RFC 9276 §3.1 asks for 0 extra iterations and no salt. */
export interface Nsec3Params {
  iterations: number;
  /** Hex, '' for none. */
  salt: string;
}

export const RFC9276: Nsec3Params = { iterations: 0, salt: '' };

/** SHA-1, the only NSEC3 hash algorithm (RFC 5155 §11). */
export const NSEC3_SHA1 = 1;

/** The hashed owner name of `name` (RFC 5155 §5): IH(salt, x, k), base32hex, lowercase. */
export function nsec3Hash(name: string, p: Nsec3Params): string {
  const salt = Buffer.from(p.salt, 'hex');
  let digest = createHash('sha1').update(canonicalName(name)).update(salt).digest();
  for (let i = 0; i < p.iterations; i++) digest = createHash('sha1').update(digest).update(salt).digest();
  return base32hex(digest);
}
