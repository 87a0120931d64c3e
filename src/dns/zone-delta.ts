import { nameKey } from './wire/name.ts';
import type { ResourceRecord, ZoneDelta, ZoneSnapshot } from './zone-source.ts';

/**
 * The records of a snapshot as the server serves them (see IndexedZone): SOA left out, names
 * canonical, each RRset once per data with its lowest TTL; keyed by name, TTL and data.
 */
function served(z: ZoneSnapshot): Map<string, ResourceRecord> {
  const ttls = new Map<string, number>();
  const records = z.records.filter((r) => r.data.type !== 'SOA').map((r) => ({ ...r, name: nameKey(r.name) }));
  for (const r of records) {
    const set = `${r.name}\u0000${r.data.type}`;
    ttls.set(set, Math.min(ttls.get(set) ?? r.ttl, r.ttl));
  }
  const out = new Map<string, ResourceRecord>();
  for (const r of records) {
    const ttl = ttls.get(`${r.name}\u0000${r.data.type}`)!;
    out.set(`${r.name}\u0000${ttl}\u0000${JSON.stringify(r.data)}`, { ...r, ttl });
  }
  return out;
}

/**
 * The records `older` has and `newer` lacks, and the other way round: what an IXFR sends (a
 * changed TTL is a removal and an addition, RFC 1995 §2). The SOA is not part of it.
 */
export function snapshotDelta(older: ZoneSnapshot, newer: ZoneSnapshot): ZoneDelta {
  const before = served(older);
  const added: ResourceRecord[] = [];
  for (const [k, r] of served(newer)) {
    if (before.has(k)) before.delete(k);
    else added.push(r);
  }
  return { removed: [...before.values()], added };
}
