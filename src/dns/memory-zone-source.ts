import { isAtOrBelow, nameKey } from './wire/name.ts';
import { snapshotDelta } from './zone-delta.ts';
import type { ResourceRecord, ZoneDelta, ZoneSnapshot, ZoneSource } from './zone-source.ts';

/** Older versions kept per zone for IXFR. */
const HISTORY = 20;

/**
 * A ZoneSource over zones held in memory: for tests, benchmarks and serving a few static zones.
 * put() replaces a zone and bumps its serial, as a database-backed source does on every change.
 */
export class MemoryZoneSource implements ZoneSource {
  private readonly zones = new Map<string, ZoneSnapshot>();
  /** Earlier versions of each zone, oldest first (for incremental transfers). */
  private readonly history = new Map<string, ZoneSnapshot[]>();
  /** How many times findZone ran (tests check the server's cache with it). */
  loads = 0;

  put(zone: ZoneSnapshot): void {
    const origin = nameKey(zone.origin);
    const old = this.zones.get(origin);
    const serial = old && zone.soa.serial <= old.soa.serial ? (old.soa.serial + 1) >>> 0 : zone.soa.serial;
    if (old) this.history.set(origin, [...(this.history.get(origin) ?? []), old].slice(-HISTORY));
    this.zones.set(origin, { ...zone, origin, soa: { ...zone.soa, serial }, records: zone.records.map((r) => ({ ...r })) });
  }

  /** Replaces the records of an existing zone and increments its serial; returns the new serial. */
  update(origin: string, records: ResourceRecord[]): number {
    const zone = this.zones.get(nameKey(origin));
    if (!zone) throw new Error(`no zone ${origin}`);
    this.put({ ...zone, records });
    return this.zones.get(nameKey(origin))!.soa.serial;
  }

  delete(origin: string): void {
    this.zones.delete(nameKey(origin));
    this.history.delete(nameKey(origin));
  }

  async changes(origin: string, from: number, to: number): Promise<ZoneDelta | undefined> {
    const current = this.zones.get(nameKey(origin));
    const older = this.history.get(nameKey(origin))?.find((z) => z.soa.serial === from);
    return current && older && current.soa.serial === to ? snapshotDelta(older, current) : undefined;
  }

  get(origin: string): ZoneSnapshot | undefined {
    return this.zones.get(nameKey(origin));
  }

  async findOrigin(qname: string): Promise<{ origin: string; serial: number } | undefined> {
    const q = nameKey(qname);
    let best: ZoneSnapshot | undefined;
    for (const z of this.zones.values()) {
      if (isAtOrBelow(q, z.origin) && (!best || z.origin.length > best.origin.length)) best = z;
    }
    return best && { origin: best.origin, serial: best.soa.serial };
  }

  async findZone(qname: string): Promise<ZoneSnapshot | undefined> {
    const found = await this.findOrigin(qname);
    if (!found) return undefined;
    this.loads++;
    const z = this.zones.get(found.origin)!;
    return { ...z, soa: { ...z.soa }, records: z.records.map((r) => ({ ...r })) };
  }

  async serial(origin: string): Promise<number | undefined> {
    return this.zones.get(nameKey(origin))?.soa.serial;
  }
}

/** Wraps a source and hides its optional findOrigin and changes (to test the fallbacks). */
export function withoutFindOrigin(source: ZoneSource): ZoneSource {
  return { findZone: (q) => source.findZone(q), serial: (o) => source.serial(o) };
}
