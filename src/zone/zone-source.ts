import type { Clock } from '../core/clock.ts';
import type { Config } from '../config/config.ts';
import type { Executor } from '../db/database.ts';
import { snapshotDelta } from '../dns/zone-delta.ts';
import type { ZoneDelta, ZoneSnapshot, ZoneSource } from '../dns/zone-source.ts';
import { zoneAt } from './journal.ts';
import { enclosingNames, zoneByName, zoneForName, zoneSerial } from './store.ts';
import { dnsSettings, toSnapshot } from './to-dns.ts';
import { RFC9276 } from '../dns/dnssec/nsec3.ts';
import { SignatureCache, signZone } from '../dns/dnssec/sign.ts';
import { signingKeys, zoneKeyRows } from './dnssec-keys.ts';
import { signingTimes } from './dnssec.ts';
import type { StoredZone } from './store.ts';

/** TTL of the DNSKEY, CDS and CDNSKEY RRsets. */
export const DNSKEY_TTL = 3600;

/**
 * The DNS server's view of the hosted zones, read from the database on every call (no cache
 * here: the server caches snapshots keyed by `serial`). Names are lowercase, without trailing dot.
 */
export function createZoneSource(deps: { db: Executor; clock: Clock; config: Config; dnssecKek?: Buffer }): ZoneSource {
  const settings = dnsSettings(deps.config);
  /**
   * A zone with a dnssec_zones row (signing, or unwinding after `$dnssec=no`) is signed here, once
   * per served version: the DNS server caches the result by serial. Signature times follow the
   * zone's signing epoch, so every process makes the same validity window for one serial, and
   * the signatures of RRsets a change left alone are taken from the cache.
   */
  const signatures = new SignatureCache();
  const sign = async (zone: StoredZone, snapshot: ZoneSnapshot): Promise<ZoneSnapshot> => {
    if (!deps.dnssecKek) return snapshot;
    const signing = await deps.db.selectFrom('dnssec_zones').select(['status', 'signed_at']).where('zone_id', '=', zone.id).executeTakeFirst();
    if (!signing) return snapshot;
    const keys = signingKeys(deps.dnssecKek, await zoneKeyRows(deps.db, zone.id));
    const { inception, expiration } = signingTimes(Number(signing.signed_at), deps.config.dnssecSignatureValidity);
    return signZone(snapshot, { keys, inception, expiration, denial: deps.config.dnssecDenial, nsec3: RFC9276, dnskeyTtl: DNSKEY_TTL, cache: signatures });
  };
  const served = (row: { serial: number; validity_bounds: string }) =>
    zoneSerial({ baseSerial: row.serial, bounds: JSON.parse(row.validity_bounds) as number[] }, deps.clock.now());
  return {
    async findZone(qname: string): Promise<ZoneSnapshot | undefined> {
      const zone = await zoneForName(deps.db, qname);
      if (!zone) return undefined;
      const now = deps.clock.now();
      return sign(zone, toSnapshot(zone.name, zoneSerial(zone, now), zone.data, settings, now));
    },
    async serial(origin: string): Promise<number | undefined> {
      const name = origin.toLowerCase().replace(/\.$/, '');
      const row = await deps.db.selectFrom('zones').select(['serial', 'validity_bounds']).where('name', '=', name).executeTakeFirst();
      return row ? served(row) : undefined;
    },
    /** One query for every suffix of the name; the longest hosted one wins. */
    async findOrigin(qname: string): Promise<{ origin: string; serial: number } | undefined> {
      const names = enclosingNames(qname);
      if (names.length === 0) return undefined;
      const rows = await deps.db.selectFrom('zones').select(['name', 'serial', 'validity_bounds']).where('name', 'in', names).execute();
      const best = rows.sort((a, b) => b.name.length - a.name.length)[0];
      return best ? { origin: best.name, serial: served(best) } : undefined;
    },
    /** Rebuilds the version served with `from` from the journal and compares it with the current one. */
    async changes(origin: string, from: number, to: number): Promise<ZoneDelta | undefined> {
      const zone = await zoneByName(deps.db, origin.toLowerCase().replace(/\.$/, ''));
      const now = deps.clock.now();
      if (!zone || zoneSerial(zone, now) !== to) return undefined;
      const older = await zoneAt(deps.db, zone, from, now);
      if (!older) return undefined;
      return snapshotDelta(toSnapshot(zone.name, from, older.data, settings, older.at), toSnapshot(zone.name, to, zone.data, settings, now));
    },
  };
}
