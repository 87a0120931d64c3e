import type { Selectable } from 'kysely';
import { parse as parsePublicSuffix } from 'tldts';
import type { Executor } from '../db/database.ts';
import type { HostsTable } from '../db/schema.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { globMatch } from '../db/sql-helpers.ts';
import { checkDomainName, registrableDomain } from '../core/domain-name.ts';
import { parseAddressList, type IpFamily } from '../core/ip.ts';
import type { TldCatalogue } from '../tld/catalogue.ts';
import type { HostAddresses, Registry } from '../registry/port.ts';
import { atRegistry } from './registry-errors.ts';
import { CLEAR } from './contacts.ts';

/**
 * Registrar-side name servers (host objects). A host inside one of the platform's TLDs is
 * in-bailiwick: it needs at least one address and its parent domain in the account. A host
 * anywhere else is out-of-bailiwick and takes no addresses. Glue addresses must be global
 * unicast (core/ip.ts). Host names are unique on the platform; another reseller's host is
 * treated like a missing one.
 */
export type HostRow = Selectable<HostsTable>;

/** Per address family; registries cap glue sets, 13 name servers being the DNS-wide habit. */
export const MAX_ADDRESSES = 10;

export interface HostPlace {
  name: string;
  /** The parent domain for an in-bailiwick host, else null. */
  parent: string | null;
}

/** Checks a host name and says where it lies. */
export function placeHost(tlds: TldCatalogue, input: string): HostPlace {
  const n = checkDomainName(input);
  if (!n.ok) throw new DmapiError('PARAM_SYNTAX', `invalid 'host' (${n.reason})`);
  if (n.labels.length < 2) throw new DmapiError('PARAM_POLICY', `invalid 'host' (${n.ascii} needs at least two labels, like ns1.example.com)`);
  const inside = registrableDomain(n.ascii, tlds.names());
  if (tlds.get(n.ascii)) throw new DmapiError('PARAM_POLICY', `invalid 'host' (${n.ascii} is a top-level domain, not a name server)`);
  if (inside) {
    if (inside.below === '') throw new DmapiError('PARAM_POLICY', `invalid 'host' (${n.ascii} is a domain; a name server needs a label below it, like ns1.${n.ascii})`);
    return { name: n.ascii, parent: inside.domain };
  }
  const ps = parsePublicSuffix(n.ascii, { allowPrivateDomains: false });
  if (!ps.isIcann) throw new DmapiError('PARAM_POLICY', `invalid 'host' (.${ps.publicSuffix ?? n.labels[n.labels.length - 1]} is not a top-level domain)`);
  return { name: n.ascii, parent: null };
}

/**
 * An `ip` / `ipv6` parameter: undefined or empty = not given, `-` = clear (ns-modify),
 * otherwise a comma-separated list of addresses of that family.
 */
export function addressParam(value: string | undefined, family: IpFamily, field: string, allowClear: boolean): string[] | 'clear' | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  // `-` is the documented way; `!@!` is the clear marker clients send on every *-modify.
  if (value.trim() === '-' || value.trim() === CLEAR) {
    if (!allowClear) throw new DmapiError('PARAM_SYNTAX', `invalid '${field}' ("${value.trim()}", remove the addresses, only applies to ns-modify)`);
    return 'clear';
  }
  const r = parseAddressList(value, family);
  if (!r.ok) throw new DmapiError(r.kind === 'syntax' ? 'PARAM_SYNTAX' : 'PARAM_POLICY', r.reasons.map((x) => `invalid '${field}' (${x})`));
  if (r.addresses.length > MAX_ADDRESSES) throw new DmapiError('PARAM_RANGE', `invalid '${field}' (at most ${MAX_ADDRESSES} addresses)`);
  return r.addresses;
}

/** Address rules by placement: in-bailiwick hosts need one, out-of-bailiwick hosts take none. */
export function checkPlacement(place: HostPlace, a: HostAddresses, modifying: boolean): void {
  const count = a.ipv4.length + a.ipv6.length;
  if (place.parent !== null && count === 0) {
    if (modifying) throw new DmapiError('PARAM_POLICY', `invalid 'ip' (${place.name} lies inside ${place.parent} and must keep at least one address)`);
    throw new DmapiError('PARAM_MISSING', `missing parameter 'ip' or 'ipv6' (${place.name} lies inside ${place.parent}, so it needs an address)`);
  }
  if (place.parent === null && count > 0) {
    throw new DmapiError('PARAM_POLICY', `invalid '${a.ipv4.length ? 'ip' : 'ipv6'}' (${place.name} is outside the platform's TLDs, out of bailiwick, and takes no addresses)`);
  }
}

/** The parent domain of an in-bailiwick host must be in the account. */
export async function checkParent(db: Executor, accountId: number, place: HostPlace): Promise<void> {
  if (place.parent === null) return;
  const d = await db.selectFrom('domains').select('id').where('account_id', '=', accountId).where('name', '=', place.parent).executeTakeFirst();
  if (!d) throw new DmapiError('OBJECT_NOT_FOUND', `domain ${place.parent} not found in this account; the name server ${place.name} inside it needs its parent domain here`);
}

export async function findHost(db: Executor, accountId: number, name: string): Promise<HostRow | undefined> {
  const n = checkDomainName(name);
  if (!n.ok) return undefined;
  return db.selectFrom('hosts').selectAll().where('account_id', '=', accountId).where('name', '=', n.ascii).executeTakeFirst();
}

export async function hostOrFail(db: Executor, accountId: number, name: string): Promise<HostRow> {
  const h = await findHost(db, accountId, name);
  if (!h) throw new DmapiError('OBJECT_NOT_FOUND', `host ${name.trim()} not found`);
  return h;
}

export const addressesOf = (h: Pick<HostRow, 'ipv4' | 'ipv6'>): HostAddresses => ({ ipv4: h.ipv4 ? h.ipv4.split(',') : [], ipv6: h.ipv6 ? h.ipv6.split(',') : [] });

/** A domain (any account's) delegating to the host. */
export async function hostUsedBy(db: Executor, name: string): Promise<string | undefined> {
  const d = await db
    .selectFrom('domain_nameservers')
    .innerJoin('domains', 'domains.id', 'domain_nameservers.domain_id')
    .select('domains.name')
    .where('domain_nameservers.host', '=', name)
    .orderBy('domains.name')
    .limit(1)
    .executeTakeFirst();
  return d?.name;
}

/**
 * The registry half of ns-create (outside step). A retry after a lost answer finds the host made
 * already: sponsored by us with no local row yet, it is adopted instead of created twice.
 */
export async function createHostAtRegistry(db: Executor, registry: Registry, name: string, a: HostAddresses, attempt: number): Promise<void> {
  if (await db.selectFrom('hosts').select('id').where('name', '=', name).executeTakeFirst()) throw new DmapiError('OBJECT_EXISTS', `host ${name} exists already`);
  if (attempt > 1) {
    const made = await registry.infoHost(name).catch(() => undefined);
    if (made?.sponsor === registry.registrarId) return;
  }
  await atRegistry(() => registry.createHost(name, a));
}

export async function insertHost(db: Executor, now: number, accountId: number, name: string, a: HostAddresses): Promise<void> {
  await db.insertInto('hosts').values({ account_id: accountId, name, ipv4: a.ipv4.join(','), ipv6: a.ipv6.join(','), created_at: now, updated_at: now }).execute();
}

export async function saveHostAddresses(db: Executor, now: number, row: HostRow, a: HostAddresses): Promise<void> {
  await db.updateTable('hosts').set({ ipv4: a.ipv4.join(','), ipv6: a.ipv6.join(','), updated_at: now }).where('id', '=', row.id).execute();
}

/** The registry half of ns-delete (outside step); a retry finds the host gone already. */
export async function deleteHostAtRegistry(db: Executor, registry: Registry, row: HostRow, attempt: number): Promise<void> {
  const used = await hostUsedBy(db, row.name);
  if (used) throw new DmapiError('OBJECT_IN_USE', `host ${row.name} is a name server of ${used}`);
  if (attempt > 1 && !(await atRegistry(() => registry.checkHost(row.name)))) return;
  await atRegistry(() => registry.deleteHost(row.name));
}

export async function listHosts(db: Executor, accountId: number, pattern: string | undefined): Promise<HostRow[]> {
  let q = db.selectFrom('hosts').selectAll().where('account_id', '=', accountId);
  if (pattern) q = q.where(globMatch(db, 'name', pattern));
  return q.orderBy('name').execute();
}
