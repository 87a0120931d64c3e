import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { text } from '../params.ts';
import { DmapiError } from '../errors.ts';
import { describeError, DYNDNS_MASK, parseZone } from '../../zone/format.ts';
import { hashPassword } from '../../core/password.ts';
import { requireZoneDomain } from '../../zone/service.ts';
import { dyndnsOff } from '../../zone/records.ts';
import { writeZone, zoneByName } from '../../zone/store.ts';
import { applyDnssecSetting } from '../../zone/dnssec.ts';

/** More Error lines than this are summarised in one last line. */
const MAX_ERROR_LINES = 200;

/** The DynDNS password to store: its hash; the mask dns-zone-get shows keeps the stored one. */
async function sealPassword(given: string, stored: string): Promise<string> {
  if (given === '') return '';
  if (given !== DYNDNS_MASK) return hashPassword(given);
  if (!stored) throw new DmapiError('PARAM_SYNTAX', `$dyndns password ${DYNDNS_MASK} keeps the current one, and this zone has none; give the password`);
  return stored;
}

export const dnsZonePut = defineCommand({
  name: 'dns-zone-put',
  summary: 'Replaces the whole zone of a domain (creating it); effective at once, with a Proc-ID and an ack result.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  multiline: ['zone'],
  params: z.object({
    domain: text(253),
    zone: z.string({ error: (i) => (i.input === undefined ? undefined : 'must be text') }),
  }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'The zone text is one record per line (any line ending; spaces or tabs between fields); `#` lines and empty lines are ignored. ' +
    'A zone with errors changes nothing and answers one `Error: line N (…)` per bad line. A directive left out keeps its current ' +
    'setting. Every change raises the SOA serial and notifies the secondaries. See docs/zones.md for every record type.',
  async run(ctx, p) {
    const domain = await requireZoneDomain(ctx, p.domain, 'dns');
    const { config } = ctx.deps;
    const parsed = parseZone(p.zone, { origin: domain.name, platformNameservers: config.dnsNameservers });
    if (!parsed.ok) {
      const lines = parsed.errors.slice(0, MAX_ERROR_LINES).map(describeError);
      if (parsed.errors.length > MAX_ERROR_LINES) lines.push(`… and ${parsed.errors.length - MAX_ERROR_LINES} more bad lines`);
      throw new DmapiError('PARAM_SYNTAX', lines);
    }
    const current = await zoneByName(ctx.db, domain.name);
    const { records, dnssec } = parsed.zone;
    const kept = current?.data.dyndns ?? { ...dyndnsOff };
    const dyndns = parsed.zone.dyndns ? { ...parsed.zone.dyndns, password: await sealPassword(parsed.zone.dyndns.password, kept.password) } : kept;
    const serial = await writeZone(ctx.db, domain, { records, dnssec: dnssec ?? current?.data.dnssec ?? false, dyndns }, ctx.now);
    await applyDnssecSetting(ctx.deps, ctx.db, domain.name, ctx.now);
    return { object: domain.name, resultText: `zone ${domain.name} stored: ${records.length} records, serial ${serial}` };
  },
});
