import { checkDomainName, registrableDomain } from '../../core/domain-name.ts';
import { checkGlueAddress } from '../../core/ip.ts';
import { RegistryError, type HostAddresses, type HostInfo, type HostStatus, type HostUpdate } from '../port.ts';
import { list, message, normal, type DomainRow, type HostRow, type SessionContext } from './context.ts';
import { domainRow } from './lifecycle.ts';

// Host objects (RFC 5732): internal ones live under a domain this registry holds and carry glue.

export async function checkHost(ctx: SessionContext, name: string): Promise<boolean> {
  return (await ctx.db.selectFrom('registry_hosts').select('id').where('name', '=', normal(name)).executeTakeFirst()) !== undefined;
}

/** Where a host name lives: under a served TLD (internal: its superordinate domain) or outside (external). */
async function placeHost(ctx: SessionContext, name: string): Promise<{ name: string; superordinate: DomainRow | null }> {
  const n = checkDomainName(name);
  if (!n.ok) throw new RegistryError(2005, `host name ${name} is invalid (${n.reason})`);
  if (n.labels.length < 2) throw new RegistryError(2306, `host name ${n.ascii} needs at least two labels`);
  const split = registrableDomain(n.ascii, ctx.tlds.names());
  if (ctx.tlds.get(n.ascii)) throw new RegistryError(2306, `${n.ascii} is a TLD, not a host name`);
  if (!split) return { name: n.ascii, superordinate: null };
  if (split.below === '') throw new RegistryError(2306, `host name ${n.ascii} needs a label below the domain ${split.domain}`);
  const parent = await domainRow(ctx, split.domain);
  if (!parent) throw new RegistryError(2303, `the superordinate domain ${split.domain} of ${n.ascii} does not exist`);
  if (parent.sponsor !== ctx.registrarId) throw new RegistryError(2201, `the superordinate domain ${split.domain} is sponsored by another registrar`);
  if (parent.rgp_status) throw new RegistryError(2304, `the superordinate domain ${split.domain} is pending deletion`);
  return { name: n.ascii, superordinate: parent };
}

function checkAddresses(a: HostAddresses): HostAddresses {
  const out: HostAddresses = { ipv4: [], ipv6: [] };
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const text of a[family]) {
      const r = checkGlueAddress(text, family);
      if (!r.ok) throw new RegistryError(r.kind === 'syntax' ? 2005 : 2306, r.reason);
      if (!out[family].includes(r.address)) out[family].push(r.address);
    }
  }
  return out;
}

async function hostInfo(ctx: SessionContext, h: HostRow): Promise<HostInfo> {
  const linked = await ctx.db.selectFrom('registry_domain_ns').select('domain_id').where('host_id', '=', h.id).limit(1).executeTakeFirst();
  const parent = h.domain_id !== null ? await ctx.db.selectFrom('registry_domains').select('name').where('id', '=', h.domain_id).executeTakeFirst() : undefined;
  const statuses = list(h.statuses) as HostStatus[];
  if (statuses.length === 0) statuses.push('ok');
  if (linked) statuses.push('linked');
  return { name: h.name, roid: `H${h.id}-SIM`, sponsor: h.sponsor, superordinate: parent?.name ?? null, ipv4: list(h.ipv4), ipv6: list(h.ipv6), statuses, createdAt: h.created_at, updatedAt: h.updated_at };
}

export async function createHost(ctx: SessionContext, name: string, addresses: HostAddresses): Promise<HostInfo> {
  if (await checkHost(ctx, name)) throw new RegistryError(2302, `host ${normal(name)} exists already`);
  const place = await placeHost(ctx, name);
  const a = checkAddresses(addresses);
  const count = a.ipv4.length + a.ipv6.length;
  if (place.superordinate && count === 0) throw new RegistryError(2003, `host ${place.name} is inside ${place.superordinate.name} and needs at least one address`);
  if (!place.superordinate && count > 0) throw new RegistryError(2004, `host ${place.name} is outside this registry's TLDs and takes no addresses`);
  const row = await ctx.db
    .insertInto('registry_hosts')
    .values({ name: place.name, sponsor: ctx.registrarId, domain_id: place.superordinate?.id ?? null, ipv4: a.ipv4.join(','), ipv6: a.ipv6.join(','), statuses: '', created_at: ctx.now, updated_at: ctx.now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return hostInfo(ctx, row);
}

async function ownHost(ctx: SessionContext, name: string): Promise<HostRow> {
  let q = ctx.db.selectFrom('registry_hosts').selectAll().where('name', '=', normal(name));
  if (ctx.dialect === 'postgres') q = q.forUpdate();
  const h = await q.executeTakeFirst();
  if (!h) throw new RegistryError(2303, `host ${name} does not exist`);
  if (h.sponsor !== ctx.registrarId) throw new RegistryError(2201, `host ${name} is sponsored by another registrar`);
  return h;
}

export async function updateHost(ctx: SessionContext, name: string, change: HostUpdate): Promise<HostInfo> {
  const h = await ownHost(ctx, name);
  const st = list(h.statuses);
  if (st.includes('clientUpdateProhibited') || st.includes('serverUpdateProhibited')) throw new RegistryError(2304, `host ${h.name} has an update prohibition`);
  let target = { name: h.name, domainId: h.domain_id };
  if (change.newName !== undefined && normal(change.newName) !== h.name) {
    if (h.domain_id === null) throw new RegistryError(2304, `external host ${h.name} cannot be renamed`);
    const place = await placeHost(ctx, change.newName);
    if (await checkHost(ctx, place.name)) throw new RegistryError(2302, `host ${place.name} exists already`);
    target = { name: place.name, domainId: place.superordinate?.id ?? null };
  }
  const a = checkAddresses({ ipv4: change.ipv4 ?? list(h.ipv4), ipv6: change.ipv6 ?? list(h.ipv6) });
  const count = a.ipv4.length + a.ipv6.length;
  if (target.domainId !== null && count === 0) throw new RegistryError(2304, `host ${target.name} is internal and must keep at least one address`);
  if (target.domainId === null && count > 0) throw new RegistryError(2004, `host ${target.name} is external and takes no addresses`);
  await ctx.db
    .updateTable('registry_hosts')
    .set({ name: target.name, domain_id: target.domainId, ipv4: a.ipv4.join(','), ipv6: a.ipv6.join(','), updated_at: ctx.now })
    .where('id', '=', h.id)
    .execute();
  // Sponsors of other domains delegating to this host learn of the change (RFC 5730 poll).
  const users = await ctx.db
    .selectFrom('registry_domain_ns')
    .innerJoin('registry_domains', 'registry_domains.id', 'registry_domain_ns.domain_id')
    .select(['registry_domains.sponsor', 'registry_domains.name'])
    .where('registry_domain_ns.host_id', '=', h.id)
    .where('registry_domains.sponsor', '!=', ctx.registrarId)
    .execute();
  for (const u of users) await message(ctx, u.sponsor, 'host-changed', target.name, `host ${target.name} used by ${u.name} was changed by its sponsor`);
  return hostInfo(ctx, { ...h, name: target.name, domain_id: target.domainId, ipv4: a.ipv4.join(','), ipv6: a.ipv6.join(','), updated_at: ctx.now });
}

export async function deleteHost(ctx: SessionContext, name: string): Promise<void> {
  const h = await ownHost(ctx, name);
  const st = list(h.statuses);
  if (st.includes('clientDeleteProhibited') || st.includes('serverDeleteProhibited')) throw new RegistryError(2304, `host ${h.name} has a delete prohibition`);
  const users = await ctx.db
    .selectFrom('registry_domain_ns')
    .innerJoin('registry_domains', 'registry_domains.id', 'registry_domain_ns.domain_id')
    .select('registry_domains.name')
    .where('registry_domain_ns.host_id', '=', h.id)
    .orderBy('registry_domains.name')
    .execute();
  if (users.length) throw new RegistryError(2305, `host ${h.name} is used by ${users.length} domain(s), e.g. ${users[0]!.name}`);
  await ctx.db.deleteFrom('registry_hosts').where('id', '=', h.id).execute();
}

export async function infoHost(ctx: SessionContext, name: string): Promise<HostInfo | undefined> {
  const h = await ctx.db.selectFrom('registry_hosts').selectAll().where('name', '=', normal(name)).executeTakeFirst();
  return h ? hostInfo(ctx, h) : undefined;
}
