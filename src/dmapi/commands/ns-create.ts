import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { text } from '../params.ts';
import type { HostAddresses } from '../../registry/port.ts';
import { addressParam, checkParent, checkPlacement, createHostAtRegistry, insertHost, placeHost } from '../../services/hosts.ts';
import { registryOf } from '../../registry/index.ts';
import { DmapiError } from '../errors.ts';

interface Job {
  accountId: number;
  host: string;
  addresses: HostAddresses;
}

export const nsCreate = defineCommand({
  name: 'ns-create',
  aliases: ['host-create'],
  summary: 'Register a name server (host object) at the registry, with glue addresses when it lies inside one of the platform\'s TLDs.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'host',
  example: { ip: '45.76.10.54' },
  params: z.object({
    host: text(253).describe('fully qualified host name'),
    ip: z.string().optional().describe('IPv4 address(es), comma-separated'),
    ipv6: z.string().optional().describe('IPv6 address(es), comma-separated, short notation accepted'),
  }),
  errors: ['PARAM_POLICY', 'OBJECT_NOT_FOUND', 'OBJECT_EXISTS'],
  notes:
    'A host inside one of the platform\'s TLDs (in-bailiwick) needs at least one address and its parent domain in the account; ' +
    'a host elsewhere (out-of-bailiwick) takes no addresses. Addresses from the IANA special-purpose registries (private, loopback, documentation, ' +
    'multicast …) and IPv6 outside 2000::/3 are refused; IPv6 is stored in RFC 5952 form. Up to 10 addresses per family. The result\'s request-object is the host name.',
  async accept(ctx, p) {
    const place = placeHost(ctx.deps.tlds, p.host);
    const addresses: HostAddresses = { ipv4: [], ipv6: [] };
    const v4 = addressParam(p.ip, 'ipv4', 'ip', false);
    const v6 = addressParam(p.ipv6, 'ipv6', 'ipv6', false);
    if (Array.isArray(v4)) addresses.ipv4 = v4;
    if (Array.isArray(v6)) addresses.ipv6 = v6;
    checkPlacement(place, addresses, false);
    await checkParent(ctx.db, ctx.account.id, place);
    if (await ctx.db.selectFrom('hosts').select('id').where('name', '=', place.name).executeTakeFirst()) {
      throw new DmapiError('OBJECT_EXISTS', `host ${place.name} exists already`);
    }
    return { object: place.name, job: { accountId: ctx.account.id, host: place.name, addresses } };
  },
  async outside(deps, job: Job, o) {
    await createHostAtRegistry(deps.db, registryOf(deps).open(deps.db, o.now), job.host, job.addresses, o.attempt);
  },
  async perform(ctx, job: Job) {
    await insertHost(ctx.db, ctx.now, job.accountId, job.host, job.addresses);
    return { status: 'ack', text: `result_msg: name server ${job.host} created` };
  },
});
