import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { RData } from '../zone-source.ts';
import { canonicalName, canonicalRdata } from './canonical.ts';

/** The signing algorithms we make keys for (RFC 8624 §3.1: both MUST-implement for validators). */
export const ALGORITHM = { ECDSAP256SHA256: 13, ED25519: 15 } as const;
export type Algorithm = (typeof ALGORITHM)[keyof typeof ALGORITHM];

export const KSK_FLAGS = 257; // zone key + secure entry point
export const ZSK_FLAGS = 256;

/** DNSKEY or CDNSKEY data. */
export type Dnskey = Extract<RData, { publicKey: string }>;
export type DsData = Extract<RData, { digest: string }>;

/** A zone's signing key in memory: the private half stays a KeyObject, never a string. */
export interface SigningKey {
  algorithm: Algorithm;
  flags: number;
  /** The DNSKEY public key field (RFC 6605 §4: x|y for P-256; RFC 8080 §3: the 32 raw bytes of Ed25519). */
  publicKey: Buffer;
  keyTag: number;
  privateKey: KeyObject;
}

export const dnskeyOf = (k: Pick<SigningKey, 'flags' | 'algorithm' | 'publicKey'>): Dnskey => ({ type: 'DNSKEY', flags: k.flags, protocol: 3, algorithm: k.algorithm, publicKey: k.publicKey.toString('base64') });

/** The key tag of a DNSKEY (RFC 4034 Appendix B): a 16-bit ones'-complement-style sum of its rdata. */
export function keyTag(d: Dnskey): number {
  const rdata = canonicalRdata(d);
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/** The DS of a key (RFC 4034 §5.1.4; SHA-256 is digest type 2, RFC 4509, SHA-1 type 1 for the old vectors). */
export function dsOf(owner: string, d: Dnskey, digestType: 1 | 2 = 2): DsData {
  const digest = createHash(digestType === 2 ? 'sha256' : 'sha1')
    .update(canonicalName(owner))
    .update(canonicalRdata(d))
    .digest('hex')
    .toUpperCase();
  return { type: 'DS', keyTag: keyTag(d), algorithm: d.algorithm, digestType, digest };
}

function publicKeyField(algorithm: Algorithm, pub: KeyObject): Buffer {
  const jwk = pub.export({ format: 'jwk' });
  if (algorithm === ALGORITHM.ED25519) return Buffer.from(jwk.x!, 'base64url');
  return Buffer.concat([Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

function withTag(algorithm: Algorithm, flags: number, privateKey: KeyObject): SigningKey {
  const publicKey = publicKeyField(algorithm, createPublicKey(privateKey));
  return { algorithm, flags, publicKey, privateKey, keyTag: keyTag(dnskeyOf({ flags, algorithm, publicKey })) };
}

export function generateKey(algorithm: Algorithm, flags: number): SigningKey {
  const { privateKey } = algorithm === ALGORITHM.ED25519 ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return withTag(algorithm, flags, privateKey);
}

/** The private key as PKCS#8 DER (what key-store.ts encrypts). */
export const exportPrivate = (k: SigningKey): Buffer => k.privateKey.export({ format: 'der', type: 'pkcs8' });

export const importKey = (algorithm: Algorithm, flags: number, pkcs8: Buffer): SigningKey => withTag(algorithm, flags, createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));

/** A signature in the DNSKEY algorithm's wire form (RFC 6605 §4: r|s, 64 bytes; RFC 8080: 64 bytes). */
export function signWith(k: SigningKey, data: Uint8Array): Buffer {
  if (k.algorithm === ALGORITHM.ED25519) return sign(null, data, k.privateKey);
  return sign('sha256', data, { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
}

/** Verifies a signature against a DNSKEY's public key field (tests, and a check after signing). */
export function verifyWith(d: Dnskey, data: Uint8Array, signature: Buffer): boolean {
  const raw = Buffer.from(d.publicKey, 'base64');
  if (d.algorithm === ALGORITHM.ED25519) {
    return verify(null, data, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' }), signature);
  }
  if (d.algorithm !== ALGORITHM.ECDSAP256SHA256 || raw.length !== 64) return false;
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(0, 32).toString('base64url'), y: raw.subarray(32).toString('base64url') }, format: 'jwk' });
  return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
}
