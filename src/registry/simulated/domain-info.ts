import { checkDomainName } from '../../core/domain-name.ts';
import type { DnssecData, DomainInfo, DomainStatus, RgpStatus } from '../port.ts';
import { activeGraces, list, pendingTransfer, type DomainRow, type SessionContext } from './context.ts';
import { projectedExpiry, transferInfo } from './transfer.ts';

/** A domain row as the port shows it: delegation, subordinate hosts, derived statuses (RFC 5731, RFC 3915). */
export async function info(ctx: SessionContext, row: DomainRow): Promise<DomainInfo> {
  const ns = await ctx.db
    .selectFrom('registry_domain_ns')
    .innerJoin('registry_hosts', 'registry_hosts.id', 'registry_domain_ns.host_id')
    .select('registry_hosts.name')
    .where('registry_domain_ns.domain_id', '=', row.id)
    .orderBy('registry_domain_ns.position')
    .execute();
  const subs = await ctx.db.selectFrom('registry_hosts').select('name').where('domain_id', '=', row.id).orderBy('name').execute();
  const graces = await activeGraces(ctx, row.id);
  const t = await pendingTransfer(ctx, row.id);
  const statuses: DomainStatus[] = list(row.statuses) as DomainStatus[];
  if (row.rgp_status) statuses.push('pendingDelete');
  if (t) statuses.push('pendingTransfer');
  if (ns.length === 0) statuses.push('inactive');
  if (statuses.length === 0) statuses.push('ok');
  const rgp: RgpStatus[] = [...new Set(graces.map((g) => g.kind))];
  if (row.rgp_status) rgp.push(row.rgp_status as RgpStatus);
  const unicode = checkDomainName(row.name);
  return {
    name: row.name,
    unicode: unicode.ok ? unicode.unicode : row.name,
    roid: `D${row.id}-SIM`,
    tld: row.tld,
    sponsor: row.sponsor,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    transferredAt: row.transferred_at,
    registrant: row.registrant,
    admin: row.admin_c,
    tech: row.tech_c,
    billing: row.billing_c,
    nameservers: ns.map((n) => n.name),
    subordinateHosts: subs.map((s) => s.name),
    statuses,
    rgp,
    dnssec: row.dnssec ? (JSON.parse(row.dnssec) as DnssecData) : null,
    hasAuthCode: row.auth_hash !== null && (row.auth_expires_at === null || row.auth_expires_at > ctx.now),
    pendingTransfer: t ? transferInfo(row.name, t, projectedExpiry(row, t)) : null,
  };
}
