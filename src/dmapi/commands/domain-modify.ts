import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optText, text } from '../params.ts';
import type { DnssecData } from '../../registry/port.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import { requireDomain } from '../../services/domain-access.ts';
import { parseDnssec } from '../../services/dnssec.ts';
import { createDefaultZone } from '../../zone/store.ts';
import { CLEAR } from '../../services/contacts.ts';
import {
  activeDomain,
  checkOwnBailiwick,
  ensureExternalHosts,
  lockNames,
  parseNsList,
  resolveContacts,
  unusedRoles,
  resultLines,
  setDelegation,
  stateText,
  usesPlatformNs,
  type RoleHandles,
} from '../../services/domains.ts';

interface ModifyJob {
  domainId: number;
  name: string;
  roles: RoleHandles;
  /** Result-text notes (contact roles the TLD does not use, ignored); absent in jobs queued before. */
  notes?: Array<[string, string]>;
  ns: string[] | null;
  registrarTag: string | null;
  /** undefined: unchanged; null: remove DNSSEC. */
  dnssec?: DnssecData | null;
}

export const domainModify = defineCommand({
  name: 'domain-modify',
  summary: 'Change the admin, tech or billing contact, replace the name servers, set the registrar tag, or set/remove DNSSEC.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  example: { 'registrar-tag': 'TAG-1' },
  params: z.object({
    domain: text(253),
    'billing-c': optText(64),
    'admin-c': optText(64),
    'tech-c': optText(64),
    'ns-list': optText(4000).describe('the new name servers (replace the current ones), colon- or comma-separated'),
    'registrar-tag': optText(255),
    dnssec: optText(8).describe('1: set the ds-N records; 0: remove DNSSEC; absent: no change'),
    'ds-1': optText(2000).describe('keytag:alg:digest-type:digest, or protocol:alg:flags:pubkey for key-data TLDs (.de)'),
    'ds-2': optText(2000),
    'ds-3': optText(2000),
    'ds-4': optText(2000),
    'ds-5': optText(2000),
    'ds-6': optText(2000),
  }),
  errors: ['OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'ACCESS_DENIED', 'PARAM_POLICY', 'OBJECT_EXISTS', 'COMMAND_FAILED', 'POLICY_VIOLATION'],
  notes:
    'Only the parameters given change; an empty value is "no change", `registrar-tag=!@!` removes the tag. A contact role the TLD does not use (.de billing-c) is accepted and ignored, with a `note:` line in the result. Contacts must be the account\'s, made for a TLD with the same handle prefix (the owner changes with domain-owner-change). ' +
    'ns-list replaces the whole delegation (same rules as domain-register); moving to the platform\'s name servers creates a hosted zone. ' +
    'DNSSEC: `dnssec=1` with `ds-1` … `ds-6` (1 to 6 records, the TLD\'s limit) replaces the records; DS data is `keytag:algorithm:digest-type:digest` (algorithms 8, 10, 13-16; digest types 1, 2, 4 with 40, 64, 96 hex digits); ' +
    'key-data TLDs (.de) take `protocol:algorithm:flags:publickey` (protocol 3, flags 256/257, base64 key; `flags:protocol:algorithm:key` is recognised too). Whitespace inside the key material is ignored. `dnssec=0` removes DNSSEC. ' +
    'Contacts and the registrar tag need a role that may manage the domain; name servers and DNSSEC one that may change its DNS (@tech).',
  async accept(ctx, p) {
    const { tlds } = ctx.deps;
    const contactChange = p['admin-c'] !== undefined || p['tech-c'] !== undefined || p['billing-c'] !== undefined || p['registrar-tag'] !== undefined;
    const dnsChange = p['ns-list'] !== undefined || p.dnssec !== undefined || [1, 2, 3, 4, 5, 6].some((i) => ctx.raw[`ds-${i}`]?.trim());
    if (!contactChange && !dnsChange) throw new DmapiError('PARAM_MISSING', 'missing parameter (nothing to change; give admin-c, tech-c, billing-c, ns-list, registrar-tag or dnssec)');
    // Each kind of change needs its own permission (grants: @tech may touch DNS but not contacts).
    if (contactChange && dnsChange) await requireDomain(ctx, p.domain, 'dns');
    const { domain: d } = await requireDomain(ctx, p.domain, contactChange ? 'manage' : 'dns', { forUpdate: true });
    if (d.status !== 'active') throw new DmapiError('STATUS_PROHIBITS', stateText(d));
    const tld = tlds.get(d.tld);
    if (!tld) throw new DmapiError('PARAM_POLICY', `.${d.tld} is no longer offered (domain ${d.name})`);
    const given = { 'admin-c': p['admin-c'], 'tech-c': p['tech-c'], 'billing-c': p['billing-c'] };
    const roles = await resolveContacts(ctx.db, tlds, ctx.account.id, tld, given, false);
    let ns: string[] | null = null;
    if (p['ns-list'] !== undefined) {
      ns = parseNsList(p['ns-list'], tlds, tld);
      await checkOwnBailiwick(ctx.db, tlds, ns);
    }
    const dnssec = parseDnssec(ctx.raw, tld);
    // `!@!` clears the registrar tag (stored as none).
    const tag = p['registrar-tag'] === undefined ? null : p['registrar-tag'] === CLEAR ? '' : p['registrar-tag'];
    const job: ModifyJob = { domainId: d.id, name: d.name, roles, notes: unusedRoles(tld, given), ns, registrarTag: tag, ...(dnssec !== undefined ? { dnssec } : {}) };
    return { object: d.name, job };
  },
  // Setting the same delegation, contacts or DNSSEC data again changes nothing: a retry repeats it.
  async outside(deps, job: ModifyJob, o) {
    await activeDomain(deps.db, job, 'not modified');
    const registry = registryOf(deps).open(deps.db, o.now);
    if (job.ns) await ensureExternalHosts(registry, deps.tlds, job.ns);
    if (job.ns === null && job.dnssec === undefined && Object.keys(job.roles).length === 0) return;
    await atRegistry(() =>
      registry.updateDomain(job.name, {
        nameservers: job.ns ?? undefined,
        admin: job.roles.admin,
        tech: job.roles.tech,
        billing: job.roles.billing,
        dnssec: job.dnssec,
      }),
    );
  },
  async perform(ctx, job: ModifyJob) {
    const { config } = ctx.deps;
    await lockNames(ctx.db, [`domain:${job.name}`]);
    const d = { id: job.domainId };
    const changed: string[] = [];
    await ctx.db
      .updateTable('domains')
      .set({
        updated_at: ctx.now,
        ...(job.roles.admin ? { admin_c: job.roles.admin } : {}),
        ...(job.roles.tech ? { tech_c: job.roles.tech } : {}),
        ...(job.roles.billing ? { billing_c: job.roles.billing } : {}),
        ...(job.registrarTag !== null ? { registrar_tag: job.registrarTag || null } : {}),
        ...(job.dnssec !== undefined ? { dnssec: job.dnssec === null ? null : JSON.stringify(job.dnssec) } : {}),
      })
      .where('id', '=', d.id)
      .execute();
    for (const role of ['admin', 'tech', 'billing'] as const) if (job.roles[role]) changed.push(`${role}-c ${job.roles[role]}`);
    if (job.registrarTag !== null) changed.push(job.registrarTag ? 'registrar-tag' : 'registrar-tag removed');
    if (job.dnssec !== undefined) changed.push(job.dnssec === null ? 'DNSSEC removed' : `DNSSEC ${job.dnssec.records.length} record(s)`);
    const lines: Array<[string, string]> = [];
    if (job.ns) {
      await setDelegation(ctx.db, d.id, job.ns);
      changed.push(`name servers ${job.ns.join(',')}`);
      if (usesPlatformNs(config.dnsNameservers, job.ns)) {
        const z = await createDefaultZone(ctx.db, d.id, ctx.now);
        if (z.created) lines.push(['zone', `hosted zone ${job.name} created`]);
      }
    }
    return { status: 'ack', text: resultLines([['result_msg', changed.length ? `${job.name} modified: ${changed.join('; ')}` : `${job.name} unchanged`], ...lines, ...(job.notes ?? [])]) };
  },
});
