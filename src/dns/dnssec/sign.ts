import { createHash } from 'node:crypto';
import { isAtOrBelow, labelCount, nameKey, parentName, splitName } from '../wire/name.ts';
import { CLASS, TYPE, rdataTypeCode, type WireRecord } from '../wire/types.ts';
import type { RData, ResourceRecord, ZoneSnapshot } from '../zone-source.ts';
import { compareNames, signedData, type RrsigFields } from './canonical.ts';
import { dnskeyOf, dsOf, KSK_FLAGS, signWith, type SigningKey } from './keys.ts';
import { NSEC3_SHA1, nsec3Hash, type Nsec3Params } from './nsec3.ts';

/** A key of the zone and what it does in this version (see rollover.ts for how keys move between these). */
export interface ZoneKey {
  key: SigningKey;
  /** Makes signatures (a ZSK: every RRset but DNSKEY/CDS/CDNSKEY; a KSK: those). Unset: only published in DNSKEY. */
  signs: boolean;
  /** A KSK the parent should hold a DS for: it goes into CDS/CDNSKEY (RFC 7344). */
  cds?: boolean;
}

/**
 * Signatures already made, by what they sign: a new version of a zone signed with the same keys
 * and validity window re-signs only the RRsets that changed (and the SOA and the denial records
 * around the change). Bounded; the oldest entries go first.
 */
export class SignatureCache {
  private readonly entries = new Map<string, string>();
  hits = 0;
  misses = 0;
  private readonly capacity: number;
  constructor(capacity = 200_000) {
    this.capacity = capacity;
  }

  /** The signature of `data` by `key`, made by `make` when not cached. */
  signature(key: SigningKey, data: Uint8Array, make: () => string): string {
    const id = createHash('sha256').update(key.publicKey).update(data).digest('base64');
    const found = this.entries.get(id);
    if (found !== undefined) {
      this.hits++;
      return found;
    }
    this.misses++;
    const sig = make();
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, sig);
    return sig;
  }
}

export interface SignOptions {
  keys: readonly ZoneKey[];
  /** Reuses signatures of unchanged RRsets across versions. */
  cache?: SignatureCache;
  /** Unix seconds. */
  inception: number;
  expiration: number;
  denial: 'nsec' | 'nsec3';
  nsec3: Nsec3Params;
  dnskeyTtl: number;
}

const DNSSEC_TYPES = new Set<string>(['DNSKEY', 'CDNSKEY', 'CDS', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM']);
const KSK_SIGNED = new Set<number>([TYPE.DNSKEY, TYPE.CDS, TYPE.CDNSKEY]);

type Sets = Map<string, Map<number, ResourceRecord[]>>;

/**
 * Signs one version of a zone (RFC 4035 §2): DNSKEY (and CDS/CDNSKEY, NSEC3PARAM) at the apex,
 * an RRSIG over every authoritative RRset (not over the NS of a delegation nor glue), and the
 * NSEC or NSEC3 chain (no opt-out: every delegation is in the chain). The input is never changed.
 */
export function signZone(zone: ZoneSnapshot, o: SignOptions): ZoneSnapshot {
  const origin = nameKey(zone.origin);
  const negTtl = Math.min(zone.soaTtl, zone.soa.minimum);
  const sets: Sets = new Map();
  const put = (r: ResourceRecord) => {
    const name = nameKey(r.name);
    let node = sets.get(name);
    if (!node) sets.set(name, (node = new Map()));
    const code = rdataTypeCode[r.data.type];
    const list = node.get(code);
    const key = JSON.stringify(r.data);
    if (!list) node.set(code, [{ ...r, name }]);
    else if (!list.some((x) => JSON.stringify(x.data) === key)) list.push({ ...r, name });
  };
  put({ name: origin, ttl: zone.soaTtl, data: zone.soa });
  for (const r of zone.records) if (r.data.type !== 'SOA' && !DNSSEC_TYPES.has(r.data.type) && isAtOrBelow(nameKey(r.name), origin)) put(r);
  for (const { key } of o.keys) put({ name: origin, ttl: o.dnskeyTtl, data: dnskeyOf(key) });
  for (const { key } of o.keys.filter((k) => k.cds && k.key.flags === KSK_FLAGS)) {
    put({ name: origin, ttl: o.dnskeyTtl, data: { ...dsOf(origin, dnskeyOf(key)), type: 'CDS' } });
    put({ name: origin, ttl: o.dnskeyTtl, data: { ...dnskeyOf(key), type: 'CDNSKEY' } });
  }
  if (o.denial === 'nsec3') put({ name: origin, ttl: 0, data: { type: 'NSEC3PARAM', hashAlgorithm: NSEC3_SHA1, flags: 0, iterations: o.nsec3.iterations, salt: o.nsec3.salt.toUpperCase() } });
  for (const node of sets.values()) {
    for (const [type, list] of node) {
      const ttl = Math.min(...list.map((r) => r.ttl));
      node.set(type, list.map((r) => ({ ...r, ttl })));
    }
  }

  const cuts = new Set([...sets].filter(([n, node]) => n !== origin && node.has(TYPE.NS)).map(([n]) => n));
  const below = (n: string) => {
    for (let p = parentName(n); p !== origin && isAtOrBelow(p, origin) && p !== ''; p = parentName(p)) if (cuts.has(p)) return true;
    return false;
  };
  /** Names that belong in the chain: authoritative names and delegation points, not what lies below a cut. */
  const chained = [...sets.keys()].filter((n) => !below(n));

  const out: ResourceRecord[] = [];
  for (const n of chained) for (const [type, list] of sets.get(n)!) if (type !== TYPE.SOA) out.push(...list);
  for (const n of sets.keys()) if (below(n)) for (const list of sets.get(n)!.values()) out.push(...list);

  const signer = new Signer(origin, o);
  const signable = (n: string, type: number) => !cuts.has(n) || type === TYPE.DS;
  for (const n of chained) for (const [type, list] of sets.get(n)!) if (signable(n, type)) out.push(...signer.sign(n, type, list));

  const types = (n: string): number[] => {
    const node = sets.get(n);
    if (!node) return [];
    const own = [...node.keys()];
    const signed = own.some((t) => signable(n, t));
    return signed ? [...own, TYPE.RRSIG] : own;
  };
  const denial: ResourceRecord[] = [];
  if (o.denial === 'nsec') {
    const names = [...chained].sort(compareNames);
    names.forEach((n, i) => denial.push({ name: n, ttl: negTtl, data: { type: 'NSEC', next: names[(i + 1) % names.length]!, types: [...new Set([...types(n), TYPE.NSEC, TYPE.RRSIG])] } }));
  } else {
    // Empty non-terminals have NSEC3 records too (RFC 5155 §7.1).
    const all = new Set(chained);
    for (const n of chained) for (let p = parentName(n); p !== origin && isAtOrBelow(p, origin) && p !== ''; p = parentName(p)) all.add(p);
    const hashed = [...all].map((n) => ({ n, h: nsec3Hash(n, o.nsec3) })).sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    hashed.forEach(({ n, h }, i) =>
      denial.push({
        name: `${h}.${origin}`,
        ttl: negTtl,
        data: { type: 'NSEC3', hashAlgorithm: NSEC3_SHA1, flags: 0, iterations: o.nsec3.iterations, salt: o.nsec3.salt.toUpperCase(), next: hashed[(i + 1) % hashed.length]!.h, types: types(n) },
      }),
    );
  }
  for (const r of denial) out.push(r, ...signer.sign(r.name, rdataTypeCode[r.data.type], [r]));
  const signed: ZoneSnapshot['signed'] = o.denial === 'nsec' ? { denial: 'nsec' } : { denial: 'nsec3', iterations: o.nsec3.iterations, salt: o.nsec3.salt.toUpperCase() };
  return { ...zone, origin, records: out, signed };
}

class Signer {
  private readonly ksks: SigningKey[];
  private readonly zsks: SigningKey[];
  private readonly origin: string;
  private readonly o: SignOptions;
  constructor(origin: string, o: SignOptions) {
    this.origin = origin;
    this.o = o;
    this.ksks = o.keys.filter((k) => k.signs && k.key.flags === KSK_FLAGS).map((k) => k.key);
    this.zsks = o.keys.filter((k) => k.signs && k.key.flags !== KSK_FLAGS).map((k) => k.key);
    if (this.ksks.length === 0 || this.zsks.length === 0) throw new Error(`zone ${origin}: signing needs an active KSK and an active ZSK`);
  }

  sign(owner: string, type: number, rrs: readonly ResourceRecord[]): ResourceRecord[] {
    const wire: WireRecord[] = rrs.map((r) => ({ name: owner, class: CLASS.IN, ttl: r.ttl, data: r.data }));
    const labels = splitName(owner)[0] === '*' ? labelCount(owner) - 1 : labelCount(owner);
    return (KSK_SIGNED.has(type) ? this.ksks : this.zsks).map((key) => {
      const fields: RrsigFields = { typeCovered: type, algorithm: key.algorithm, labels, originalTtl: rrs[0]!.ttl, expiration: this.o.expiration >>> 0, inception: this.o.inception >>> 0, keyTag: key.keyTag, signer: this.origin };
      const signed = signedData(fields, owner, wire);
      const make = () => signWith(key, signed).toString('base64');
      const data: RData = { type: 'RRSIG', ...fields, signature: this.o.cache ? this.o.cache.signature(key, signed, make) : make() };
      return { name: owner, ttl: rrs[0]!.ttl, data };
    });
  }
}
