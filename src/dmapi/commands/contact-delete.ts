import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { text } from '../params.ts';
import { contactOrFail, contactUsedBy, findContact, removeContact } from '../../services/contacts.ts';
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
  params: z.object({ handle: text(64).describe('the contact handle') }),
  errors: ['OBJECT_NOT_FOUND', 'OBJECT_IN_USE'],
  notes: 'Refused with 2305 while a domain names the contact as owner, admin, tech or billing contact (checked again when the worker deletes it).',
  async accept(ctx, p) {
    const row = await contactOrFail(ctx.db, ctx.account.id, p.handle);
    const used = await contactUsedBy(ctx.db, row.handle);
    if (used) throw new DmapiError('OBJECT_IN_USE', `contact ${row.handle} is used by domain ${used}`);
    return { object: row.handle, job: { accountId: ctx.account.id, handle: row.handle } };
  },
  async perform(ctx, job: Job) {
    const row = await findContact(ctx.db, job.accountId, job.handle);
    if (!row) throw new DmapiError('OBJECT_NOT_FOUND', `contact ${job.handle} not found`);
    await removeContact(ctx.db, registryOf(ctx.deps).open(ctx.db, ctx.now), row);
    return { status: 'ack', text: `result_msg: contact ${row.handle} deleted` };
  },
});
