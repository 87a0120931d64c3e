import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { ZonesTable } from '../db/schema.ts';
import { enqueue } from '../jobs/queue.ts';
import { isPostgres } from '../services/domain-access.ts';
import { dyndnsOff, validityBounds, type ZoneData, type ZoneRecord } from './records.ts';
import { journalChange } from './journal.ts';
import { nextSerial, passedBounds, servedSerial } from './serial.ts';
import { recordEvent } from '../services/events.ts';

/**
 * Zone storage. Every change goes through `writeZone`, which bumps the serial and queues the
 * `dns-notify` job (payload `{ origin, serial }`, handled by the DNS server) in the caller's
 * transaction, so a committed change is always announced and a rolled-back one never is.
 */

export const NOTIFY_JOB = 'dns-notify';
/** Announce at most this many future validity bounds per change (the rest reach secondaries by SOA refresh). */
const MAX_SCHEDULED_NOTIFIES = 20;

export interface StoredZone {
  id: number;
  domainId: number;
  accountId: number;
  name: string;
  /** The stored base serial (see serial.ts); `servedSerial` gives the value DNS answers with. */
  baseSerial: number;
  bounds: number[];
  data: ZoneData;
  updatedAt: number;
}

export interface NotifyPayload {
  origin: string;
  serial: number;
}

type ZoneRow = Selectable<ZonesTable>;

function fromRow(row: ZoneRow): StoredZone {
  return {
    id: row.id,
    domainId: row.domain_id,
    accountId: row.account_id,
    name: row.name,
    baseSerial: row.serial,
    bounds: JSON.parse(row.validity_bounds) as number[],
    data: {
      dnssec: row.dnssec === 1,
      dyndns: { enabled: row.dyndns === 1, user: row.dyndns_user, password: row.dyndns_password },
      records: JSON.parse(row.records) as ZoneRecord[],
    },
    updatedAt: row.updated_at,
  };
}

export const zoneSerial = (z: Pick<StoredZone, 'baseSerial' | 'bounds'>, now: number) => servedSerial(z.baseSerial, z.bounds, now);

export async function zoneByName(db: Executor, name: string, options: { forUpdate?: boolean } = {}): Promise<StoredZone | undefined> {
  let q = db.selectFrom('zones').selectAll().where('name', '=', name);
  if (options.forUpdate && isPostgres(db)) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Every name `fqdn` could belong to, longest first: `a.b.example.com`, `b.example.com`, … */
export function enclosingNames(fqdn: string): string[] {
  const labels = fqdn.toLowerCase().replace(/\.$/, '').split('.');
  const out: string[] = [];
  for (let i = 0; i < labels.length; i++) out.push(labels.slice(i).join('.'));
  return out.filter((n) => n !== '');
}

/** The hosted zone `fqdn` lies in (the longest matching zone name), if any. */
export async function zoneForName(db: Executor, fqdn: string, options: { forUpdate?: boolean } = {}): Promise<StoredZone | undefined> {
  const names = enclosingNames(fqdn);
  if (names.length === 0) return undefined;
  let q = db.selectFrom('zones').selectAll().where('name', 'in', names);
  if (options.forUpdate && isPostgres(db)) q = q.forUpdate();
  const rows = await q.execute();
  const best = rows.sort((a, b) => b.name.length - a.name.length)[0];
  return best ? fromRow(best) : undefined;
}

export interface ZoneDomain {
  id: number;
  account_id: number;
  name: string;
}

/**
 * Replaces the zone of `domain` (creating it) with `data`, in the caller's transaction. The row
 * is locked first, so concurrent changes of one zone get distinct, increasing serials.
 * Returns the serial now served.
 */
export async function writeZone(db: Executor, domain: ZoneDomain, data: ZoneData, now: number): Promise<number> {
  await db
    .insertInto('zones')
    .values({ domain_id: domain.id, account_id: domain.account_id, name: domain.name, serial: 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const current = await zoneByName(db, domain.name, { forUpdate: true });
  if (!current) throw new Error(`zone ${domain.name} vanished while being written`);
  const previous = current.baseSerial === 0 ? 0 : zoneSerial(current, now);
  const bounds = validityBounds(data.records);
  const serial = nextSerial(previous, now);
  const base = serial - passedBounds(bounds, now);
  if (current.baseSerial !== 0) await journalChange(db, current, previous, serial, data.records, now);
  await db
    .updateTable('zones')
    .set({
      account_id: domain.account_id,
      serial: base,
      dnssec: data.dnssec ? 1 : 0,
      dyndns: data.dyndns.enabled ? 1 : 0,
      dyndns_user: data.dyndns.user,
      dyndns_password: data.dyndns.password,
      records: JSON.stringify(data.records),
      validity_bounds: JSON.stringify(bounds),
      updated_at: now,
    })
    .where('id', '=', current.id)
    .execute();
  await recordEvent(db, { accountId: domain.account_id, type: 'zone.changed', object: domain.name, data: { serial, records: data.records.length }, now });
  await enqueue(db, now, NOTIFY_JOB, { origin: domain.name, serial } satisfies NotifyPayload, { accountId: domain.account_id });
  // A record appearing or disappearing later changes the served serial then: announce that too.
  const future = bounds.filter((b) => b > now).slice(0, MAX_SCHEDULED_NOTIFIES);
  for (const at of new Set(future)) {
    await enqueue(db, now, NOTIFY_JOB, { origin: domain.name, serial: servedSerial(base, bounds, at) } satisfies NotifyPayload, { accountId: domain.account_id, runAt: at });
  }
  return serial;
}

/** The zone an account domain has before anything was put: no records, DynDNS and DNSSEC off. */
export const emptyZone = (): ZoneData => ({ dnssec: false, dyndns: { ...dyndnsOff }, records: [] });

/**
 * Gives a domain its default hosted zone (for the domains service: call it in the transaction that
 * registers or transfers in a domain delegated to the platform's name servers, or that changes its
 * delegation to them). The default zone has no records: the DNS server answers it with the
 * platform's SOA and apex NS. A domain that has a zone already keeps it. Returns the zone's serial
 * and whether it was created.
 */
export async function createDefaultZone(db: Executor, domainId: number, now: number): Promise<{ created: boolean; serial: number }> {
  const domain = await db.selectFrom('domains').select(['id', 'account_id', 'name']).where('id', '=', domainId).executeTakeFirst();
  if (!domain) throw new Error(`createDefaultZone: no domain with id ${domainId}`);
  const existing = await zoneByName(db, domain.name);
  if (existing) return { created: false, serial: zoneSerial(existing, now) };
  return { created: true, serial: await writeZone(db, domain, emptyZone(), now) };
}
