import { compareNames } from '../dnssec/canonical.ts';
import { nsec3Hash, type Nsec3Params } from '../dnssec/nsec3.ts';
import { isAtOrBelow, nameKey, parentName } from '../wire/name.ts';
import { CLASS, TYPE, rdataTypeCode, type WireRecord } from '../wire/types.ts';
import type { ZoneSnapshot } from '../zone-source.ts';

/** The records of one owner name, by type code; each RRset shares one TTL (the lowest, RFC 2181 §5.2). */
export type Node = Map<number, WireRecord[]>;

/**
 * One zone prepared for answering: records grouped by owner and type, every existing name
 * (empty non-terminals included, for NODATA vs NXDOMAIN), the delegation points below the apex,
 * and the transfer order. Immutable; built once per serial.
 */
export class IndexedZone {
  readonly origin: string;
  readonly serial: number;
  readonly soa: WireRecord;
  /** The SOA as it goes into negative answers: TTL = min(SOA TTL, MINIMUM) (RFC 2308 §3). */
  readonly negativeSoa: WireRecord;
  private readonly nodes = new Map<string, Node>();
  private readonly existing = new Set<string>();
  private readonly cuts = new Set<string>();
  /** Signed zones: how the zone denies existence; undefined for an unsigned zone. */
  readonly denial: 'nsec' | 'nsec3' | undefined;
  private readonly nsec3Params: Nsec3Params | undefined;
  /** RRSIGs by owner and covered type (kept out of the nodes: they answer alongside their RRset). */
  private readonly sigs = new Map<string, WireRecord[]>();
  /** NSEC3 records by hashed label, and the hashes in order (they are not names of the zone's tree). */
  private readonly nsec3 = new Map<string, WireRecord>();
  private nsec3Order: string[] = [];
  /** Owners of NSEC records in canonical order, for the NSEC covering a name. */
  private nsecOrder: string[] = [];
  /** RRSIG and NSEC3 records in zone order, for transfers. */
  private readonly dnssecRecords: WireRecord[] = [];
  private readonly hashes = new Map<string, string>();

  constructor(snapshot: ZoneSnapshot) {
    const origin = nameKey(snapshot.origin);
    this.origin = origin;
    this.serial = snapshot.soa.serial;
    this.soa = { name: origin, class: CLASS.IN, ttl: snapshot.soaTtl, data: snapshot.soa };
    this.negativeSoa = { ...this.soa, ttl: Math.min(snapshot.soaTtl, snapshot.soa.minimum) };
    this.nodes.set(origin, new Map([[TYPE.SOA, [this.soa]]]));
    this.existing.add(origin);

    this.denial = snapshot.signed?.denial;
    this.nsec3Params = snapshot.signed?.denial === 'nsec3' ? { iterations: snapshot.signed.iterations, salt: snapshot.signed.salt } : undefined;
    const seen = new Set<string>();
    for (const rr of snapshot.records) {
      const name = nameKey(rr.name);
      if (rr.data.type === 'SOA' || !isAtOrBelow(name, origin)) continue;
      const type = rdataTypeCode[rr.data.type];
      const identity = `${name}\u0000${type}\u0000${JSON.stringify(rr.data)}`;
      if (seen.has(identity)) continue; // RFC 2181 §5: an RRset holds no duplicates
      seen.add(identity);
      if (rr.data.type === 'RRSIG' || rr.data.type === 'NSEC3') {
        const wire: WireRecord = { name, class: CLASS.IN, ttl: rr.ttl, data: rr.data };
        this.dnssecRecords.push(wire);
        if (rr.data.type === 'NSEC3') this.nsec3.set(name.slice(0, name.indexOf('.')), wire);
        else {
          const key = `${name}\u0000${rr.data.typeCovered}`;
          const list = this.sigs.get(key);
          if (list) list.push(wire);
          else this.sigs.set(key, [wire]);
        }
        continue;
      }
      if (rr.data.type === 'NSEC') this.nsecOrder.push(name);
      let node = this.nodes.get(name);
      if (!node) {
        node = new Map();
        this.nodes.set(name, node);
        for (let n = name; n !== origin && !this.existing.has(n); n = parentName(n)) this.existing.add(n);
      }
      const set = node.get(type);
      const wire: WireRecord = { name, class: CLASS.IN, ttl: rr.ttl, data: rr.data };
      if (set) set.push(wire);
      else node.set(type, [wire]);
      if (type === TYPE.NS && name !== origin) this.cuts.add(name);
    }
    for (const node of this.nodes.values()) {
      for (const [type, set] of node) {
        const ttl = Math.min(...set.map((r) => r.ttl));
        if (set.some((r) => r.ttl !== ttl)) node.set(type, set.map((r) => ({ ...r, ttl })));
      }
    }
    this.nsec3Order = [...this.nsec3.keys()].sort();
    this.nsecOrder.sort(compareNames);
  }

  /** Every RRSIG owned by `name` (a query for type RRSIG). */
  allSigsAt(name: string): WireRecord[] {
    return this.dnssecRecords.filter((r) => r.name === name && r.data.type === 'RRSIG');
  }

  /** The RRSIGs over the RRset of `type` at `name` (none in an unsigned zone). */
  sigsFor(name: string, type: number): WireRecord[] {
    return this.sigs.get(`${name}\u0000${type}`) ?? [];
  }

  /** The NSEC3 hash of a name in this zone's parameters (cached: proofs hash the same names again and again). */
  private hashOf(name: string): string {
    let h = this.hashes.get(name);
    if (h === undefined) {
      h = nsec3Hash(name, this.nsec3Params!);
      if (this.hashes.size >= 10_000) this.hashes.clear();
      this.hashes.set(name, h);
    }
    return h;
  }

  /** The NSEC3 record whose owner is the hash of `name`, with its RRSIGs. */
  nsec3Matching(name: string): WireRecord[] | undefined {
    const rr = this.nsec3.get(this.hashOf(name));
    return rr && [rr, ...this.sigsFor(rr.name, TYPE.NSEC3)];
  }

  /** The NSEC3 record whose interval covers (or matches) the hash of `name` (RFC 5155 §7.2.1), with its RRSIGs. */
  nsec3Covering(name: string): WireRecord[] | undefined {
    const order = this.nsec3Order;
    if (order.length === 0) return undefined;
    const h = this.hashOf(name);
    // The last hash at or before h; before the first, the chain's last record wraps around to cover it.
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order[mid]! <= h) lo = mid + 1;
      else hi = mid;
    }
    const rr = this.nsec3.get(order[(lo - 1 + order.length) % order.length]!)!;
    return [rr, ...this.sigsFor(rr.name, TYPE.NSEC3)];
  }

  /** The NSEC record at `name` or the one before it in canonical order (it covers the name), with its RRSIGs. */
  nsecCovering(name: string): WireRecord[] | undefined {
    const order = this.nsecOrder;
    if (order.length === 0) return undefined;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareNames(order[mid]!, name) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const owner = order[(lo - 1 + order.length) % order.length]!;
    return [...this.rrset(owner, TYPE.NSEC)!, ...this.sigsFor(owner, TYPE.NSEC)];
  }

  private counted: number | undefined;

  /** How many records the zone serves (SOA included). */
  get size(): number {
    if (this.counted === undefined) {
      let n = 0;
      for (const node of this.nodes.values()) for (const set of node.values()) n += set.length;
      this.counted = n + this.dnssecRecords.length;
    }
    return this.counted;
  }

  node(name: string): Node | undefined {
    return this.nodes.get(name);
  }

  /** Whether the name owns records or has descendants that do (an empty non-terminal). */
  exists(name: string): boolean {
    return this.existing.has(name);
  }

  rrset(name: string, type: number): WireRecord[] | undefined {
    return this.nodes.get(name)?.get(type);
  }

  /** The highest delegation point between the apex (exclusive) and `name` (inclusive), if any. */
  cutAt(name: string): string | undefined {
    if (this.cuts.size === 0) return undefined;
    let found: string | undefined;
    for (let n = name; n !== this.origin && n !== ''; n = parentName(n)) if (this.cuts.has(n)) found = n;
    return found;
  }

  /** The closest existing ancestor of a name that does not exist itself (RFC 4592 closest encloser). */
  closestEncloser(name: string): string {
    let n = parentName(name);
    while (n !== this.origin && !this.existing.has(n)) n = parentName(n);
    return n;
  }

  /**
   * Every record in transfer order, without the closing SOA: the SOA, the apex RRsets (NS
   * first), then the other names in the order they first appear in the zone; in a signed zone
   * the RRSIGs and NSEC3 records follow.
   */
  transferRecords(): WireRecord[] {
    const out: WireRecord[] = [this.soa];
    const apex = this.nodes.get(this.origin)!;
    const ns = apex.get(TYPE.NS);
    if (ns) out.push(...ns);
    for (const [type, set] of apex) if (type !== TYPE.SOA && type !== TYPE.NS) out.push(...set);
    for (const [name, node] of this.nodes) {
      if (name === this.origin) continue;
      for (const set of node.values()) out.push(...set);
    }
    out.push(...this.dnssecRecords);
    return out;
  }
}
