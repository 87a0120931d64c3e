import type { Executor } from '../db/database.ts';
import { validityBounds, type ZoneData, type ZoneRecord } from './records.ts';
import { servedSerial } from './serial.ts';
import type { StoredZone } from './store.ts';

/**
 * The change journal of hosted zones, for incremental zone transfers (IXFR, RFC 1995). Each
 * change writes, in its own transaction, what it removed and added (DMAPI records) and what the
 * zone was before; walking the journal back from the current zone rebuilds any version still
 * covered, and the DNS side answers the difference between that version and the current one.
 *
 * Bounded: JOURNAL_DEPTH changes per zone; a change as big as the zone itself is not journaled
 * and empties the journal (a full transfer then costs no more than the difference would).
 */
export const JOURNAL_DEPTH = 100;

/** The identity of a record, whatever the order its fields were written in. */
function recordKey(r: ZoneRecord): string {
  return JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `before` minus `after` and `after` minus `before`, as multisets. */
export function recordDiff(before: readonly ZoneRecord[], after: readonly ZoneRecord[]): { removed: ZoneRecord[]; added: ZoneRecord[] } {
  const pending = new Map<string, ZoneRecord[]>();
  for (const r of before) {
    const k = recordKey(r);
    const list = pending.get(k);
    if (list) list.push(r);
    else pending.set(k, [r]);
  }
  const added: ZoneRecord[] = [];
  for (const r of after) {
    const list = pending.get(recordKey(r));
    if (list && list.length > 0) list.pop();
    else added.push(r);
  }
  return { removed: [...pending.values()].flat(), added };
}

/** `records` with the change undone: `added` taken out (each once), `removed` put back; undefined when `added` is not all there. */
function undo(records: readonly ZoneRecord[], removed: readonly ZoneRecord[], added: readonly ZoneRecord[]): ZoneRecord[] | undefined {
  const { removed: gone, added: extra } = recordDiff(records, added);
  // Every added record must be found in the newer version.
  if (extra.length > 0) return undefined;
  return [...gone, ...removed];
}

/**
 * Journals the change of `before` (served with `serialFrom` until now) into a version served
 * with `serialTo` holding `records`, in the caller's transaction.
 */
export async function journalChange(db: Executor, before: StoredZone, serialFrom: number, serialTo: number, records: readonly ZoneRecord[], now: number): Promise<void> {
  const { removed, added } = recordDiff(before.data.records, records);
  if (removed.length + added.length > Math.max(records.length, before.data.records.length, 16)) {
    await db.deleteFrom('zone_changes').where('zone_id', '=', before.id).execute();
    return;
  }
  await db
    .insertInto('zone_changes')
    .values({ zone_id: before.id, serial_from: serialFrom, serial_to: serialTo, old_base: before.baseSerial, old_dyndns: before.data.dyndns.enabled ? 1 : 0, removed: JSON.stringify(removed), added: JSON.stringify(added), changed_at: now })
    .execute();
  const oldest = await db.selectFrom('zone_changes').select('id').where('zone_id', '=', before.id).orderBy('id', 'desc').offset(JOURNAL_DEPTH).limit(1).executeTakeFirst();
  if (oldest) await db.deleteFrom('zone_changes').where('zone_id', '=', before.id).where('id', '<=', oldest.id).execute();
}

/**
 * The zone as it was when it was served with `serial`, and an instant within that time (for
 * the records' validity windows), rebuilt from `zone` and the journal; undefined when the
 * journal does not reach back that far, or the serial was never served.
 */
export async function zoneAt(db: Executor, zone: StoredZone, serial: number, now: number): Promise<{ data: ZoneData; at: number } | undefined> {
  const current = servedSerial(zone.baseSerial, zone.bounds, now);
  // A change committed after `zone` was read is not part of its history.
  const rows = (await db.selectFrom('zone_changes').selectAll().where('zone_id', '=', zone.id).orderBy('id', 'desc').limit(JOURNAL_DEPTH).execute()).filter((r) => Number(r.serial_to) <= current);
  let records: ZoneRecord[] = zone.data.records;
  let base = zone.baseSerial;
  let bounds = zone.bounds;
  let dyndns = zone.data.dyndns.enabled;
  // The version being looked at was served from `lo` (at `start`) to `hi` (until `end`).
  let hi = current;
  let end = now;
  for (let i = 0; ; i++) {
    const row = rows[i];
    const data = (): ZoneData => ({ ...zone.data, dyndns: { ...zone.data.dyndns, enabled: dyndns }, records });
    if (serial === hi) return { data: data(), at: end };
    if (serial > hi || !row) return undefined;
    if (serial >= Number(row.serial_to)) {
      // Served from the start of this version or from the moment one more validity bound had passed.
      const at = serial === Number(row.serial_to) ? Number(row.changed_at) : bounds[serial - base - 1];
      return at === undefined ? undefined : { data: data(), at };
    }
    const older = undo(records, JSON.parse(row.removed) as ZoneRecord[], JSON.parse(row.added) as ZoneRecord[]);
    if (!older) return undefined;
    records = older;
    base = Number(row.old_base);
    bounds = validityBounds(records);
    dyndns = row.old_dyndns === 1;
    hi = Number(row.serial_from);
    end = Number(row.changed_at);
  }
}
