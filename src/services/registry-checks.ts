import type { Executor } from '../db/database.ts';
import { addMonths } from '../core/period.ts';
import type { DomainInfo, Registry, TransferInfo } from '../registry/port.ts';
import { atRegistry } from './registry-errors.ts';

/**
 * Check first: what a retried job asks the registry before repeating a step whose answer may
 * have been lost (the registry acted, then the worker died before its transaction committed).
 * One question per kind of operation; each says whether the earlier attempt's step happened,
 * so a lost answer never registers, renews, restores or requests a transfer twice.
 */

/** A create that went through: the name is ours at the registry and no local row holds it yet. */
export async function createdEarlier(db: Executor, registry: Registry, name: string): Promise<DomainInfo | undefined> {
  const info = await atRegistry(() => registry.infoDomain(name));
  if (!info || info.sponsor !== registry.registrarId) return undefined;
  const local = await db.selectFrom('domains').select('id').where('name', '=', name).executeTakeFirst();
  return local ? undefined : info;
}

/** A renewal that went through: the registry's expiry is already `expiry` plus the period. */
export async function renewedEarlier(registry: Registry, name: string, expiry: number, months: number): Promise<DomainInfo | undefined> {
  const info = await atRegistry(() => registry.infoDomain(name));
  return info && info.sponsor === registry.registrarId && info.expiresAt === addMonths(expiry, months) ? info : undefined;
}

/** A delete that went through: the name is gone (purged) or in its redemption period. */
export async function deletedEarlier(registry: Registry, name: string): Promise<{ purged: boolean } | undefined> {
  const info = await atRegistry(() => registry.infoDomain(name));
  if (!info || info.sponsor !== registry.registrarId) return { purged: true };
  return info.rgp.includes('redemptionPeriod') || info.rgp.includes('pendingDelete') ? { purged: false } : undefined;
}

/** A restore that went through: ours again and out of redemption. */
export async function restoredEarlier(registry: Registry, name: string): Promise<DomainInfo | undefined> {
  const info = await atRegistry(() => registry.infoDomain(name));
  if (!info || info.sponsor !== registry.registrarId) return undefined;
  return info.rgp.some((r) => r === 'redemptionPeriod' || r === 'pendingRestore' || r === 'pendingDelete') ? undefined : info;
}

/**
 * A transfer request that went through: the registry's latest transfer of the name has us as the
 * gaining registrar and was made at or after `since` (pending, or answered meanwhile), and no
 * other transfer of the name on this platform (another reseller's) is the one that made it.
 */
export async function transferRequestedEarlier(db: Executor, registry: Registry, t: { id: number; domain: string }, since: number): Promise<TransferInfo | undefined> {
  const info = await registry.queryTransfer(t.domain).catch(() => undefined);
  if (!info || info.gaining !== registry.registrarId || info.requestedAt < since) return undefined;
  const other = await db.selectFrom('transfers_in').select('id').where('domain', '=', t.domain).where('id', '!=', t.id).where('outcome', '=', 'open').where('registry_requested_at', 'is not', null).executeTakeFirst();
  return other ? undefined : info;
}
