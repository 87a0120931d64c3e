import { nameKey, parentName } from '../wire/name.ts';
import type { ZoneDelta, ZoneSource } from '../zone-source.ts';
import { IndexedZone } from './zone-index.ts';

/**
 * Indexed zones in memory, keyed by origin and checked against the source's serial on every
 * look-up: the database stays the only source of truth, a changed zone is re-read at once, and
 * an unchanged one costs one serial look-up instead of a full load.
 */
export class ZoneCache {
  private readonly source: ZoneSource;
  private readonly zones = new Map<string, IndexedZone>();
  private readonly loading = new Map<string, Promise<IndexedZone | undefined>>();
  private readonly capacity: number;
  /** Full zone loads performed (for tests and metrics). */
  loads = 0;

  constructor(source: ZoneSource, capacity = 10_000) {
    this.source = source;
    this.capacity = capacity;
  }

  /** The current zone authoritative for `qname`, or undefined when no hosted zone covers it. */
  async forName(qname: string): Promise<IndexedZone | undefined> {
    const found = await this.origin(nameKey(qname));
    return found && this.current(found.origin, found.serial);
  }

  /** The current zone whose apex is exactly `origin` (zone transfers, NOTIFY). */
  async forOrigin(origin: string): Promise<IndexedZone | undefined> {
    const key = nameKey(origin);
    const serial = await this.source.serial(key);
    return serial === undefined ? undefined : this.current(key, serial);
  }

  private async origin(qname: string): Promise<{ origin: string; serial: number } | undefined> {
    if (this.source.findOrigin) return this.source.findOrigin(qname);
    // Longest suffix first: most queries are for a zone's apex or a name just below it, so
    // the first or second look-up hits; names outside every zone cost one per label.
    for (let n = qname; n !== ''; n = parentName(n)) {
      const serial = await this.source.serial(n);
      if (serial !== undefined) return { origin: n, serial };
    }
    return undefined;
  }

  private async current(origin: string, serial: number): Promise<IndexedZone | undefined> {
    const cached = this.zones.get(origin);
    if (cached && cached.serial === serial) {
      // Refresh the LRU position.
      this.zones.delete(origin);
      this.zones.set(origin, cached);
      return cached;
    }
    const key = `${origin}\u0000${serial}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(origin).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(origin: string): Promise<IndexedZone | undefined> {
    const snapshot = await this.source.findZone(origin);
    this.loads++;
    if (!snapshot || nameKey(snapshot.origin) !== origin) {
      this.zones.delete(origin);
      return undefined;
    }
    // The snapshot is at least as new as the serial that sent us here (it may be newer still).
    const zone = new IndexedZone(snapshot);
    this.zones.delete(origin);
    this.zones.set(origin, zone);
    while (this.zones.size > this.capacity) this.zones.delete(this.zones.keys().next().value!);
    return zone;
  }

  /** What changed in `origin` from serial `from` to `to`, when the source keeps that history (IXFR). */
  changes(origin: string, from: number, to: number): Promise<ZoneDelta | undefined> {
    return this.source.changes ? this.source.changes(origin, from, to) : Promise.resolve(undefined);
  }

  /** Drops every cached zone (after a restore, in tests). */
  clear(): void {
    this.zones.clear();
  }
}
