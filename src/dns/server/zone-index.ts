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

  constructor(snapshot: ZoneSnapshot) {
    const origin = nameKey(snapshot.origin);
    this.origin = origin;
    this.serial = snapshot.soa.serial;
    this.soa = { name: origin, class: CLASS.IN, ttl: snapshot.soaTtl, data: snapshot.soa };
    this.negativeSoa = { ...this.soa, ttl: Math.min(snapshot.soaTtl, snapshot.soa.minimum) };
    this.nodes.set(origin, new Map([[TYPE.SOA, [this.soa]]]));
    this.existing.add(origin);

    const seen = new Set<string>();
    for (const rr of snapshot.records) {
      const name = nameKey(rr.name);
      if (rr.data.type === 'SOA' || !isAtOrBelow(name, origin)) continue;
      const type = rdataTypeCode[rr.data.type];
      const identity = `${name}\u0000${type}\u0000${JSON.stringify(rr.data)}`;
      if (seen.has(identity)) continue; // RFC 2181 §5: an RRset holds no duplicates
      seen.add(identity);
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
  }

  private counted: number | undefined;

  /** How many records the zone serves (SOA included). */
  get size(): number {
    if (this.counted === undefined) {
      let n = 0;
      for (const node of this.nodes.values()) for (const set of node.values()) n += set.length;
      this.counted = n;
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
   * first), then the other names in the order they first appear in the zone.
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
    return out;
  }
}
