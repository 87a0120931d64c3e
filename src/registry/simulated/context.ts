import type { Selectable } from 'kysely';
import type { Dialect, Executor } from '../../db/database.ts';
import type { RegistryDomainsTable, RegistryHostsTable, RegistryTransfersTable } from '../../db/schema.ts';
import { checkDomainName } from '../../core/domain-name.ts';
import { DAY } from '../../core/clock.ts';
import type { TldCatalogue, TldInfo } from '../../tld/catalogue.ts';
import { RegistryError, type GraceKind } from '../port.ts';

/** What every part of one registry session shares: the catalogue, the database, the instant and the acting registrar. */
export interface SessionContext {
  readonly tlds: TldCatalogue;
  readonly dialect: Dialect;
  readonly db: Executor;
  readonly now: number;
  readonly registrarId: string;
}

export type DomainRow = Selectable<RegistryDomainsTable>;
export type HostRow = Selectable<RegistryHostsTable>;
export type TransferRow = Selectable<RegistryTransfersTable>;

/** Longest registration term (create, renew and transfer may not pass it). */
export const MAX_TERM_MONTHS = 120;

export const list = (text: string) => (text ? text.split(',') : []);
export const join = (items: readonly string[]) => [...new Set(items)].join(',');

/** Lowercase, without the trailing dot; IDNs as A-labels. */
export function normal(name: string): string {
  const n = checkDomainName(name);
  return n.ok ? n.ascii : name.trim().toLowerCase().replace(/\.$/, '');
}

export function tldOf(ctx: SessionContext, row: { tld: string }): TldInfo {
  const t = ctx.tlds.get(row.tld);
  if (!t) throw new RegistryError(2306, `.${row.tld} is no longer served by this registry`);
  return t;
}

export async function pendingTransfer(ctx: SessionContext, domainId: number): Promise<TransferRow | undefined> {
  return ctx.db.selectFrom('registry_transfers').selectAll().where('domain_id', '=', domainId).where('status', '=', 'pending').executeTakeFirst();
}

export async function activeGraces(ctx: SessionContext, domainId: number) {
  return ctx.db.selectFrom('registry_grace').selectAll().where('domain_id', '=', domainId).where('ends_at', '>', ctx.now).orderBy('id').execute();
}

export async function message(ctx: SessionContext, registrar: string, kind: string, object: string, text: string, at = ctx.now): Promise<void> {
  await ctx.db.insertInto('registry_messages').values({ registrar, kind, object, text, created_at: at, acked_at: null }).execute();
}

export async function addGrace(ctx: SessionContext, domainId: number, kind: GraceKind, registrar: string, months: number, from: number, days: number): Promise<void> {
  if (days <= 0) return;
  await ctx.db.insertInto('registry_grace').values({ domain_id: domainId, kind, registrar, months, ends_at: from + days * DAY }).execute();
}

export async function patch(ctx: SessionContext, row: DomainRow, set: Partial<Omit<DomainRow, 'id'>>): Promise<DomainRow> {
  await ctx.db.updateTable('registry_domains').set(set).where('id', '=', row.id).execute();
  return { ...row, ...set };
}
