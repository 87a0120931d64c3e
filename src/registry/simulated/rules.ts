import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { checkDomainName, registrableDomain } from '../../core/domain-name.ts';
import type { TldCatalogue, TldInfo } from '../../tld/catalogue.ts';
import { RegistryError, type DnssecData } from '../port.ts';

/** Registry-side policy checks that do not touch the database. */

export type NameClass =
  | { ok: true; name: string; unicode: string; tld: TldInfo; label: string }
  | { ok: false; code: 2005 | 2306; reason: string };

/** A name this registry could register: valid IDNA, exactly one label under a served TLD, in the TLD's IDN scripts. */
export function classifyDomain(tlds: TldCatalogue, input: string): NameClass {
  const n = checkDomainName(input);
  if (!n.ok) return { ok: false, code: 2005, reason: n.reason };
  const split = registrableDomain(n.ascii, tlds.names());
  if (!split) return { ok: false, code: 2306, reason: `${n.ascii} is not under a TLD this registry serves` };
  if (split.below !== '') return { ok: false, code: 2306, reason: `${n.ascii} is not registrable; register ${split.domain}, exactly one label under ${split.tld}` };
  const tld = tlds.get(split.tld)!;
  const script = scriptProblem(tld, n.unicode.slice(0, n.unicode.length - (tld.unicode ?? tld.tld).length - 1), split.label);
  if (script) return { ok: false, code: 2306, reason: script };
  return { ok: true, name: n.ascii, unicode: n.unicode, tld, label: split.label };
}

/**
 * IDN policy: a label with non-ASCII characters needs an IDN table of the TLD, and all its
 * non-ASCII characters must come from one script of that table (no mixed-script labels).
 */
function scriptProblem(tld: TldInfo, ulabel: string, alabel: string): string | undefined {
  if (ulabel === alabel) return undefined;
  if (tld.idn.length === 0) return `.${tld.tld} takes no internationalised names`;
  const scripts = [...new Set(tld.idn.map((t) => t.script))];
  // ASCII letters count as Latin: a Cyrillic label may not borrow them (homographs).
  const chars = [...ulabel].filter((c) => !/[0-9-]/.test(c));
  const fits = scripts.find((s) => chars.every((c) => new RegExp(`^\\p{Script=${s}}$`, 'u').test(c)));
  if (!fits) return `${ulabel} has characters outside the scripts .${tld.tld} offers (${scripts.join(', ')}), or scripts mixed in one label`;
  return undefined;
}

// RFC 9154: at least 128 bits of entropy; these 22 characters of a 70-symbol alphabet carry ~134.
const authAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.+!=#%@';
export function newAuthCode(): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < 22; i++) s += authAlphabet[randomInt(authAlphabet.length)];
    // Registries often demand every character class; draw again in the rare case one is missing.
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s) && /[^A-Za-z0-9]/.test(s)) return s;
  }
}
export const authHash = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex');
export function authMatches(hash: string | null, code: string): boolean {
  if (!hash) return false;
  const a = Buffer.from(hash, 'hex');
  const b = Buffer.from(authHash(code), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const dsAlgorithms = new Set([8, 10, 13, 14, 15, 16]);
const digestLength: Record<number, number> = { 1: 40, 2: 64, 4: 96 };

/** secDNS-1.1 data checks (registry-rules §1.8): the TLD's interface, counts, algorithms, digest lengths. */
export function checkDnssec(tld: TldInfo, data: DnssecData): void {
  if (!tld.dnssec.supported) throw new RegistryError(2306, `.${tld.tld} does not support DNSSEC`);
  const wanted = tld.dnssec.format === 'keydata' ? 'key' : 'ds';
  if (data.kind !== wanted) throw new RegistryError(2306, `.${tld.tld} takes ${tld.dnssec.format === 'keydata' ? 'DNSKEY data' : 'DS records'}, not ${data.kind === 'ds' ? 'DS records' : 'DNSKEY data'}`);
  if (data.records.length === 0) throw new RegistryError(2003, 'no DNSSEC records given');
  if (data.records.length > tld.dnssec.maxRecords) throw new RegistryError(2306, `at most ${tld.dnssec.maxRecords} DNSSEC records for .${tld.tld}`);
  data.records.forEach((r, i) => {
    const at = `DNSSEC record ${i + 1}`;
    if (!dsAlgorithms.has(r.algorithm)) throw new RegistryError(2306, `${at} has algorithm ${r.algorithm}, which is not accepted (8, 10, 13, 14, 15, 16)`);
    if ('digest' in r) {
      if (!Number.isInteger(r.keyTag) || r.keyTag < 0 || r.keyTag > 65535) throw new RegistryError(2306, `${at} has key tag ${r.keyTag}, which is not 0-65535`);
      const len = digestLength[r.digestType];
      if (len === undefined) throw new RegistryError(2306, `${at} has digest type ${r.digestType}, which is not accepted (1, 2, 4)`);
      if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(r.digest)) throw new RegistryError(2306, `${at} needs a digest of ${len} hex digits for type ${r.digestType}`);
    } else {
      if (r.flags !== 256 && r.flags !== 257) throw new RegistryError(2306, `${at} must have flags 256 (ZSK) or 257 (KSK)`);
      if (r.protocol !== 3) throw new RegistryError(2306, `${at} must have protocol 3`);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(r.publicKey) || r.publicKey.length % 4 !== 0) throw new RegistryError(2306, `${at} has a public key that is not base64`);
    }
  });
}
