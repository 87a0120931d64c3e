import type { RawParams } from '../dmapi/command.ts';
import { DmapiError } from '../dmapi/errors.ts';
import type { DnssecData, DsRecord, KeyRecord } from '../registry/port.ts';
import type { TldInfo } from '../tld/catalogue.ts';

/**
 * domain-modify's DNSSEC parameters (registry-rules §1.8): `dnssec=1` with `ds-1` … `ds-6`, each
 * `keytag:algorithm:digest-type:digest` for DS-data TLDs, or key data for .de-style TLDs,
 * `protocol:algorithm:flags:publickey` (the documented order; the DNSKEY record order
 * `flags:protocol:algorithm:publickey` is recognised too). Whitespace inside the key material
 * is dropped, as clients paste it wrapped. `dnssec=0` removes DNSSEC.
 */
export const MAX_DS = 6;

/** Algorithms accepted (8, 10, 13, 14, 15, 16; the legacy 5 and 7 and the unsafe 1, 3, 6, 12 are refused). */
const algorithms = new Set([8, 10, 13, 14, 15, 16]);
/** Digest type → hex digits: SHA-1, SHA-256, SHA-384 (GOST, 3, is deprecated). */
const digestLength: Record<number, number> = { 1: 40, 2: 64, 4: 96 };

const num = (field: string, text: string, what: string, max: number): number => {
  if (!/^\d{1,5}$/.test(text)) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (${what} ${JSON.stringify(text)} is not a number)`);
  const n = Number(text);
  if (n > max) throw new DmapiError('PARAM_RANGE', `invalid '${field}' (${what} ${n} is above ${max})`);
  return n;
};

function algorithm(field: string, text: string): number {
  const a = num(field, text, 'algorithm', 255);
  if (!algorithms.has(a)) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (algorithm ${a} is not accepted; use 8, 10, 13, 14, 15 or 16)`);
  return a;
}

function parseDs(field: string, value: string): DsRecord {
  const parts = value.split(':');
  if (parts.length !== 4) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (expected keytag:algorithm:digest-type:digest)`);
  const [tag, alg, type, digest] = parts.map((p) => p.replace(/\s+/g, '')) as [string, string, string, string];
  const keyTag = num(field, tag, 'key tag', 65535);
  const algo = algorithm(field, alg);
  const digestType = num(field, type, 'digest type', 255);
  const len = digestLength[digestType];
  if (len === undefined) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (digest type ${digestType} is not accepted; use 1 for SHA-1, 2 for SHA-256 or 4 for SHA-384)`);
  if (!/^[0-9a-fA-F]+$/.test(digest)) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (the digest is not hexadecimal)`);
  if (digest.length !== len) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (a digest of type ${digestType} has ${len} hex digits, not ${digest.length})`);
  return { keyTag, algorithm: algo, digestType, digest: digest.toUpperCase() };
}

function parseKey(field: string, value: string): KeyRecord {
  const parts = value.split(':');
  if (parts.length !== 4) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (expected protocol:algorithm:flags:publickey)`);
  const [a, b, c, key] = parts.map((p) => p.replace(/\s+/g, '')) as [string, string, string, string];
  // Documented order protocol:alg:flags; a client following the DNSKEY record writes flags:protocol:alg.
  const recordOrder = /^25[67]$/.test(a) && b === '3';
  const [protocolText, algText, flagsText] = recordOrder ? [b, c, a] : [a, b, c];
  const protocol = num(field, protocolText, 'protocol', 255);
  if (protocol !== 3) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (protocol must be 3 for DNSSEC, not ${protocol})`);
  const algo = algorithm(field, algText);
  const flags = num(field, flagsText, 'flags', 65535);
  if (flags !== 256 && flags !== 257) throw new DmapiError('PARAM_POLICY', `invalid '${field}' (flags must be 256 for a ZSK or 257 for a KSK, not ${flags})`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' (the public key is not base64)`);
  return { flags, protocol, algorithm: algo, publicKey: key };
}

/**
 * The DNSSEC change a request asks for: undefined (no change), null (remove), or the new data.
 * Checks the TLD's support, its format and record limit.
 */
export function parseDnssec(raw: RawParams, tld: TldInfo): DnssecData | null | undefined {
  const flag = raw['dnssec']?.trim();
  const given: Array<[string, string]> = [];
  for (let i = 1; i <= MAX_DS; i++) {
    const v = raw[`ds-${i}`]?.trim();
    if (v) given.push([`ds-${i}`, v]);
  }
  const extra = Object.keys(raw).filter((k) => /^ds-\d+$/.test(k) && Number(k.slice(3)) > MAX_DS && raw[k]?.trim());
  if (extra.length) throw new DmapiError('PARAM_RANGE', `invalid '${extra[0]}' (at most ${MAX_DS} DNSSEC records, ds-1 to ds-${MAX_DS})`);
  if (flag === undefined || flag === '') {
    if (given.length) throw new DmapiError('PARAM_MISSING', `missing parameter 'dnssec' (send dnssec=1 together with ${given[0]![0]})`);
    return undefined;
  }
  if (flag !== '0' && flag !== '1') throw new DmapiError('PARAM_SYNTAX', "invalid 'dnssec' (must be 0 to remove DNSSEC or 1 to set the ds-N records)");
  if (flag === '0') {
    if (given.length) throw new DmapiError('PARAM_SYNTAX', `invalid '${given[0]![0]}' (dnssec=0 removes DNSSEC and takes no records)`);
    return null;
  }
  if (!tld.dnssec.supported) throw new DmapiError('PARAM_POLICY', `invalid 'dnssec' (.${tld.tld} does not support DNSSEC)`);
  if (given.length === 0) throw new DmapiError('PARAM_MISSING', "missing parameter 'ds-1' (dnssec=1 needs at least one DNSSEC record)");
  if (given.length > tld.dnssec.maxRecords) throw new DmapiError('PARAM_POLICY', `invalid 'dnssec' (.${tld.tld} takes at most ${tld.dnssec.maxRecords} DNSSEC records)`);
  if (tld.dnssec.format === 'keydata') return { kind: 'key', records: given.map(([f, v]) => parseKey(f, v)) };
  return { kind: 'ds', records: given.map(([f, v]) => parseDs(f, v)) };
}

/** The ds-N text of stored DNSSEC data (query-whois shows it back in the request's format). */
export function formatDnssecRecord(r: DsRecord | KeyRecord): string {
  return 'digest' in r ? `${r.keyTag}:${r.algorithm}:${r.digestType}:${r.digest}` : `${r.protocol}:${r.algorithm}:${r.flags}:${r.publicKey}`;
}
