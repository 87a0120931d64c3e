import { domainToASCII } from 'node:url';
import type { Selectable } from 'kysely';
import { isPostgres, type Executor } from '../db/database.ts';
import type { DomainsTable, GrantRole } from '../db/schema.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { globMatch } from '../db/sql-helpers.ts';

/**
 * Who may act on a domain. The account that holds it (its `@creator`) may do everything; another
 * account only through an active grant, whose role decides which kinds of action it may take.
 * Anything else answers exactly like a domain that does not exist (tenancy, DESIGN.md).
 * The matrix is documented in docs/grants.md; keep the two in step.
 */
export type DomainAction =
  /** Read the domain: query-whois, info, result of its operations. */
  | 'view'
  /** Zone data, name servers, DNSSEC, hosts below the domain. */
  | 'dns'
  /** Contacts, lock, properties, privacy settings, auth-id, owner change, delete, transfer answers. */
  | 'manage'
  /** Renew, autorenew, restore from redemption, paid add-ons: what costs money. */
  | 'billing'
  /** Hand out or take back roles (grants-*): only the holder itself. */
  | 'owner';

export type DomainRecord = Selectable<DomainsTable>;

export const domainActions = ['view', 'dns', 'manage', 'billing', 'owner'] as const satisfies readonly DomainAction[];
export const grantRoles = ['@admin', '@billing', '@tech', '@creator'] as const satisfies readonly GrantRole[];

/** The role matrix: which actions each role permits (@creator is the holding account). */
export const rolePermits: Readonly<Record<GrantRole, readonly DomainAction[]>> = {
  '@creator': ['view', 'dns', 'manage', 'billing', 'owner'],
  '@admin': ['view', 'dns', 'manage'],
  '@billing': ['view', 'billing'],
  '@tech': ['view', 'dns'],
};

const actionWords: Record<DomainAction, string> = {
  view: 'viewing it',
  dns: 'changing its zone or name servers',
  manage: 'managing it (contacts, lock, properties, owner)',
  billing: 'renewing it or ordering paid services for it',
  owner: 'granting or revoking roles on it',
};

export function roleAllows(role: GrantRole, action: DomainAction): boolean {
  return rolePermits[role].includes(action);
}

export interface DomainAccess {
  domain: DomainRecord;
  /** True when the acting account holds the domain itself. */
  owned: boolean;
  /** `@creator` for the holder; otherwise the roles of the account's active grants on it. */
  roles: GrantRole[];
}

export interface AccessOptions {
  /** Lock the domain row for the rest of the transaction (PostgreSQL; SQLite serialises anyway). */
  forUpdate?: boolean;
}

/** Lowercase A-label without a trailing dot; U-labels are converted. */
export function normalizeDomainName(name: string): string {
  const s = name.trim().replace(/\.$/, '').toLowerCase();
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return domainToASCII(s) || s;
}

/**
 * The domain `name` as `accountId` may act on it for `action`. Throws OBJECT_NOT_FOUND (2303) when
 * the domain does not exist or the account has neither the domain nor an active grant on it, and
 * ACCESS_DENIED (2201) when it holds grants whose roles do not permit the action: a grantee knows
 * the domain exists already, so naming the missing role hides nothing and helps the user.
 */
export async function accessDomain(db: Executor, accountId: number, name: string, action: DomainAction, options: AccessOptions = {}): Promise<DomainAccess> {
  const ascii = normalizeDomainName(name);
  let q = db.selectFrom('domains').selectAll().where('name', '=', ascii);
  if (options.forUpdate && isPostgres(db)) q = q.forUpdate();
  const domain = await q.executeTakeFirst();
  if (!domain) throw missing(ascii);
  if (domain.account_id === accountId) return { domain, owned: true, roles: ['@creator'] };
  const grants = await db
    .selectFrom('grants')
    .select('role')
    .where('domain_id', '=', domain.id)
    .where('invitee_account_id', '=', accountId)
    .where('state', '=', 'active')
    .execute();
  if (grants.length === 0) throw missing(ascii);
  const roles = [...new Set(grants.map((g) => g.role))];
  if (!roles.some((r) => roleAllows(r, action))) {
    throw new DmapiError('ACCESS_DENIED', `your role ${roles.join(', ')} on ${ascii} does not permit ${actionWords[action]}`);
  }
  return { domain, owned: false, roles };
}

/** `accessDomain` for the session's account: the usual call from a request handler. */
export function requireDomain(
  ctx: { readonly db: Executor; readonly account: { readonly id: number } },
  name: string,
  action: DomainAction,
  options: AccessOptions = {},
): Promise<DomainAccess> {
  return accessDomain(ctx.db, ctx.account.id, name, action, options);
}

/**
 * Domains other accounts hold on which `accountId` has active grants, with its roles on each;
 * `pattern` keeps those whose name matches it (core/glob.ts).
 */
export async function grantedDomains<K extends keyof DomainRecord = keyof DomainRecord>(
  db: Executor,
  accountId: number,
  pattern?: string,
  /** The columns to read (a list reads fewer than all); `id` is always among them. */
  columns?: readonly K[],
): Promise<Array<{ domain: Pick<DomainRecord, K | 'id'>; roles: GrantRole[] }>> {
  let q = db
    .selectFrom('grants')
    .innerJoin('domains', 'domains.id', 'grants.domain_id')
    .select('grants.role as grant_role')
    .where('grants.invitee_account_id', '=', accountId)
    .where('grants.state', '=', 'active')
    .where('domains.account_id', '!=', accountId);
  if (pattern) q = q.where(globMatch(db, 'domains.name', pattern));
  q = q.orderBy('domains.name');
  type Row = Pick<DomainRecord, K | 'id'> & { grant_role: GrantRole };
  const rows = (await (columns ? q.select(['domains.id', ...columns.filter((c) => c !== 'id').map((c) => `domains.${c}` as const)]) : q.selectAll('domains')).execute()) as unknown as Row[];
  const out = new Map<number, { domain: Pick<DomainRecord, K | 'id'>; roles: GrantRole[] }>();
  for (const row of rows) {
    const { grant_role, ...domain } = row;
    const entry = out.get(domain.id) ?? { domain: domain as unknown as Pick<DomainRecord, K | 'id'>, roles: [] as GrantRole[] };
    if (!entry.roles.includes(grant_role)) entry.roles.push(grant_role);
    out.set(domain.id, entry);
  }
  return [...out.values()];
}

function missing(name: string): DmapiError {
  return new DmapiError('OBJECT_NOT_FOUND', `domain ${name} not found`);
}

export { isPostgres } from '../db/database.ts';
