import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { text } from '../params.ts';
import type { HostAddresses } from '../../registry/port.ts';
import { addressesOf, addressParam, checkPlacement, findHost, hostOrFail, placeHost, saveHostAddresses } from '../../services/hosts.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import type { Executor } from '../../db/database.ts';
import type { TldCatalogue } from '../../tld/catalogue.ts';

interface Job {
  accountId: number;
  host: string;
  /** Per family: the new list, or absent for no change. */
  ipv4?: string[];
  ipv6?: string[];
}

/** The host as the worker finds it, and its addresses after the change. */
async function changed(db: Executor, tlds: TldCatalogue, job: Job) {
  const row = await findHost(db, job.accountId, job.host);
  if (!row) throw new DmapiError('OBJECT_NOT_FOUND', `host ${job.host} not found`);
  const old = addressesOf(row);
  const next: HostAddresses = { ipv4: job.ipv4 ?? old.ipv4, ipv6: job.ipv6 ?? old.ipv6 };
  checkPlacement(placeHost(tlds, row.name), next, true);
  return { row, next };
}

export const nsModify = defineCommand({
  name: 'ns-modify',
  aliases: ['host-modify'],
  summary: 'Replace the IPv4 and/or IPv6 addresses of a name server.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'host',
  params: z.object({
    host: text(253).describe('fully qualified host name'),
    ip: z.string().optional().describe('new IPv4 address(es), comma-separated; `-` (or `!@!`) removes them'),
    ipv6: z.string().optional().describe('new IPv6 address(es), comma-separated; `-` (or `!@!`) removes them'),
  }),
  errors: ['OBJECT_NOT_FOUND', 'PARAM_POLICY'],
  notes: 'Each given family is replaced as a whole; an omitted or empty one stays. `-` (or `!@!`) removes a family, but a host inside the platform\'s TLDs must keep at least one address.',
  async accept(ctx, p) {
    const row = await hostOrFail(ctx.db, ctx.account.id, p.host);
    const v4 = addressParam(p.ip, 'ipv4', 'ip', true);
    const v6 = addressParam(p.ipv6, 'ipv6', 'ipv6', true);
    if (v4 === undefined && v6 === undefined) throw new DmapiError('PARAM_MISSING', "missing parameter 'ip' or 'ipv6'");
    const job: Job = { accountId: ctx.account.id, host: row.name };
    if (v4 !== undefined) job.ipv4 = v4 === 'clear' ? [] : v4;
    if (v6 !== undefined) job.ipv6 = v6 === 'clear' ? [] : v6;
    const old = addressesOf(row);
    checkPlacement(placeHost(ctx.deps.tlds, row.name), { ipv4: job.ipv4 ?? old.ipv4, ipv6: job.ipv6 ?? old.ipv6 }, true);
    return { object: row.name, job };
  },
  // Setting the same addresses again changes nothing, so a retry simply repeats it.
  async outside(deps, job: Job, o) {
    const { row, next } = await changed(deps.db, deps.tlds, job);
    await atRegistry(() => registryOf(deps).open(deps.db, o.now).updateHost(row.name, next));
    return next;
  },
  async perform(ctx, job: Job) {
    const row = await findHost(ctx.db, job.accountId, job.host);
    if (!row) throw new DmapiError('OBJECT_NOT_FOUND', `host ${job.host} not found`);
    await saveHostAddresses(ctx.db, ctx.now, row, ctx.prepared as HostAddresses);
    return { status: 'ack', text: `result_msg: name server ${row.name} modified` };
  },
});
