import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { text } from '../params.ts';
import { deleteHostAtRegistry, findHost, hostOrFail, hostUsedBy } from '../../services/hosts.ts';
import { registryOf } from '../../registry/index.ts';

interface Job {
  accountId: number;
  host: string;
}

export const nsDelete = defineCommand({
  name: 'ns-delete',
  aliases: ['host-delete'],
  summary: 'Delete a name server no domain delegates to.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'host',
  params: z.object({ host: text(253).describe('fully qualified host name') }),
  errors: ['OBJECT_NOT_FOUND', 'OBJECT_IN_USE'],
  notes: 'Refused with 2305 while any domain on the platform uses the host; the registry refuses too while a domain of another registrar delegates to it (a nack then).',
  async accept(ctx, p) {
    const row = await hostOrFail(ctx.db, ctx.account.id, p.host);
    const used = await hostUsedBy(ctx.db, row.name);
    if (used) throw new DmapiError('OBJECT_IN_USE', `host ${row.name} is a name server of ${used}`);
    return { object: row.name, job: { accountId: ctx.account.id, host: row.name } };
  },
  async outside(deps, job: Job, o) {
    const row = await findHost(deps.db, job.accountId, job.host);
    if (!row) throw new DmapiError('OBJECT_NOT_FOUND', `host ${job.host} not found`);
    await deleteHostAtRegistry(deps.db, registryOf(deps).open(deps.db, o.now), row, o.attempt);
  },
  async perform(ctx, job: Job) {
    await ctx.db.deleteFrom('hosts').where('account_id', '=', job.accountId).where('name', '=', job.host).execute();
    return { status: 'ack', text: `result_msg: name server ${job.host} deleted` };
  },
});
