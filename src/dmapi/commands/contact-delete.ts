import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { text } from '../params.ts';
import { contactOrFail, contactUsedBy, findContact } from '../../services/contacts.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import { registryOf } from '../../registry/index.ts';

interface Job {
  accountId: number;
  handle: string;
}

export const contactDelete = defineCommand({
  name: 'contact-delete',
  summary: 'Delete a contact that no domain uses any more.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'contact',
  params: z.object({ handle: text(64).describe('the contact handle') }),
  errors: ['OBJECT_NOT_FOUND', 'OBJECT_IN_USE'],
  notes: 'Refused with 2305 while a domain names the contact as owner, admin, tech or billing contact (checked again when the worker deletes it).',
  async accept(ctx, p) {
    const row = await contactOrFail(ctx.db, ctx.account.id, p.handle);
    const used = await contactUsedBy(ctx.db, row.handle);
    if (used) throw new DmapiError('OBJECT_IN_USE', `contact ${row.handle} is used by domain ${used}`);
    return { object: row.handle, job: { accountId: ctx.account.id, handle: row.handle } };
  },
  async outside(deps, job: Job, o) {
    const row = await findContact(deps.db, job.accountId, job.handle);
    if (!row) throw new DmapiError('OBJECT_NOT_FOUND', `contact ${job.handle} not found`);
    const used = await contactUsedBy(deps.db, row.handle);
    if (used) throw new DmapiError('OBJECT_IN_USE', `contact ${row.handle} is used by domain ${used}`);
    const registry = registryOf(deps).open(deps.db, o.now);
    // A retry after a lost answer finds the contact gone already.
    if (o.attempt > 1 && !(await atRegistry(() => registry.checkContact(row.handle)))) return;
    await atRegistry(() => registry.deleteContact(row.handle));
  },
  async perform(ctx, job: Job) {
    await ctx.db.deleteFrom('contacts').where('account_id', '=', job.accountId).where('handle', '=', job.handle).execute();
    return { status: 'ack', text: `result_msg: contact ${job.handle} deleted` };
  },
});
