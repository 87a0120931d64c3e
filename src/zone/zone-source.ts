import type { Clock } from '../core/clock.ts';
import type { Config } from '../config/config.ts';
import type { Executor } from '../db/database.ts';
import type { ZoneSnapshot, ZoneSource } from '../dns/zone-source.ts';
import { zoneForName, zoneSerial } from './store.ts';
import { dnsSettings, toSnapshot } from './to-dns.ts';

/**
 * The DNS server's view of the hosted zones, read from the database on every call (no cache
 * here: the server caches snapshots keyed by `serial`). Names are lowercase, without trailing dot.
 */
export function createZoneSource(deps: { db: Executor; clock: Clock; config: Config }): ZoneSource {
  const settings = dnsSettings(deps.config);
  return {
    async findZone(qname: string): Promise<ZoneSnapshot | undefined> {
      const zone = await zoneForName(deps.db, qname);
      if (!zone) return undefined;
      const now = deps.clock.now();
      return toSnapshot(zone.name, zoneSerial(zone, now), zone.data, settings, now);
    },
    async serial(origin: string): Promise<number | undefined> {
      const name = origin.toLowerCase().replace(/\.$/, '');
      const row = await deps.db.selectFrom('zones').select(['serial', 'validity_bounds']).where('name', '=', name).executeTakeFirst();
      if (!row) return undefined;
      return zoneSerial({ baseSerial: row.serial, bounds: JSON.parse(row.validity_bounds) as number[] }, deps.clock.now());
    },
  };
}
