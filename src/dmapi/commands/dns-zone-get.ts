import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { optFlag, text } from '../params.ts';
import { formatZone } from '../../zone/format.ts';
import { requireZoneDomain } from '../../zone/service.ts';
import { emptyZone, zoneByName } from '../../zone/store.ts';

export const dnsZoneGet = defineCommand({
  name: 'dns-zone-get',
  summary: 'The zone of a domain in DMAPI zone format: `$dnssec`, `$dyndns`, then the records in put order.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    domain: text(253),
    'include-defaults': optFlag(),
  }),
  errors: ['OBJECT_NOT_FOUND'],
  notes:
    'No `Columns` header (clients index the lines by number). Trailing `0 0` (valid-from/valid-to) is left out when a record has no ' +
    'parameters; TXT values come back as `0  "value " ttl` (dmapi-wire §5.4), which dns-zone-put accepts unchanged. ' +
    "`include-defaults=1` adds the apex NS records of the platform's name servers and writes valid-from/valid-to on every line. " +
    'A domain of the account without a hosted zone answers the empty zone. See docs/zones.md.',
  async run(ctx, p) {
    const domain = await requireZoneDomain(ctx, p.domain, 'view');
    const zone = await zoneByName(ctx.db, domain.name);
    const { config } = ctx.deps;
    const body = formatZone(zone?.data ?? emptyZone(), p['include-defaults'] ? { defaults: { nameservers: config.dnsNameservers, ttl: config.dnsNsTtl } } : {});
    return { body };
  },
});
