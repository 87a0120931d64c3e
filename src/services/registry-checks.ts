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

/** A transfer request that went through: a pending transfer with us as the gaining registrar. */
export async function transferRequestedEarlier(registry: Registry, name: string): Promise<TransferInfo | undefined> {
  const info = await registry.queryTransfer(name).catch(() => undefined);
  return info && info.status === 'pending' && info.gaining === registry.registrarId ? info : undefined;
}
