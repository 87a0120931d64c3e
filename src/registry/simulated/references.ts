import { checkDomainName, registrableDomain } from '../../core/domain-name.ts';
import type { TldInfo } from '../../tld/catalogue.ts';
import { RegistryError } from '../port.ts';
import { normal, type SessionContext } from './context.ts';
import { domainRow } from './lifecycle.ts';

// The objects a domain refers to: its contacts and its name servers.

/** Sponsor of other DNS providers' name servers (migration 0019). */
export const OTHER_PROVIDERS = 'sim-others';

/** Contact ids must exist and belong to the acting registrar. */
export async function checkContactRefs(ctx: SessionContext, refs: Array<[string, string | null | undefined]>): Promise<void> {
  for (const [role, id] of refs) {
    if (id === undefined || id === null) continue;
    const c = await ctx.db.selectFrom('registry_contacts').select(['sponsor']).where('handle', '=', id.toUpperCase()).executeTakeFirst();
    if (!c) throw new RegistryError(2303, `${role} contact ${id} does not exist`);
    if (c.sponsor !== ctx.registrarId) throw new RegistryError(2201, `${role} contact ${id} is sponsored by another registrar`);
  }
}

/** Resolves host names to ids; every host must exist; at most the TLD's maximum. */
export async function hostIds(ctx: SessionContext, tld: TldInfo, names: readonly string[]): Promise<number[]> {
  const unique = [...new Set(names.map(normal))];
  if (unique.length > tld.nameservers.max) throw new RegistryError(2306, `at most ${tld.nameservers.max} name servers for .${tld.tld}`);
  const ids: number[] = [];
  for (const n of unique) {
    const h = await ctx.db.selectFrom('registry_hosts').select('id').where('name', '=', n).executeTakeFirst();
    ids.push(h ? h.id : await otherProvidersHost(ctx, n));
  }
  return ids;
}

/**
 * A name server this registry has no object for. Inside a domain it holds, the sponsor must
 * create it first; anywhere else it belongs to another provider (ns1.example.net under a name
 * this model does not hold, ada.ns.cloudflare.com), which a real registry knows already: it
 * appears here as that provider's host.
 */
async function otherProvidersHost(ctx: SessionContext, name: string): Promise<number> {
  const n = checkDomainName(name);
  if (!n.ok || n.labels.length < 2 || ctx.tlds.get(n.ascii)) throw new RegistryError(2005, `name server ${name} is not a host name`);
  const split = registrableDomain(n.ascii, ctx.tlds.names());
  if (split && (await domainRow(ctx, split.domain))) throw new RegistryError(2303, `name server ${n.ascii} does not exist at the registry; create the host first`);
  const row = await ctx.db
    .insertInto('registry_hosts')
    .values({ name: n.ascii, sponsor: OTHER_PROVIDERS, domain_id: null, ipv4: '', ipv6: '', statuses: '', created_at: ctx.now, updated_at: ctx.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setNameservers(ctx: SessionContext, domainId: number, ids: number[]): Promise<void> {
  await ctx.db.deleteFrom('registry_domain_ns').where('domain_id', '=', domainId).execute();
  if (ids.length) await ctx.db.insertInto('registry_domain_ns').values(ids.map((host_id, position) => ({ domain_id: domainId, position, host_id }))).execute();
}
