import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { text } from '../params.ts';
import type { ContactField, ContactFields } from '../../core/contact.ts';
import { contactInput, contactOrFail, findContact, mergeContact, saveContactChange, toPostal } from '../../services/contacts.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import type { Executor } from '../../db/database.ts';
import type { TldCatalogue } from '../../tld/catalogue.ts';
import { contactFieldParams } from './contact-create.ts';

interface Job {
  accountId: number;
  handle: string;
  given: ContactFields;
  clear: ContactField[];
}

/** The contact as the worker finds it, with the change merged in. */
async function merged(db: Executor, tlds: TldCatalogue, job: Job) {
  const row = await findContact(db, job.accountId, job.handle);
  if (!row) throw new DmapiError('OBJECT_NOT_FOUND', `contact ${job.handle} not found`);
  const tld = tlds.get(row.tld);
  if (!tld) throw new DmapiError('PARAM_POLICY', `contact ${row.handle} belongs to .${row.tld}, which the platform no longer offers`);
  return { row, tld, fields: mergeContact(row, tld, job.given, job.clear).fields };
}

export const contactModify = defineCommand({
  name: 'contact-modify',
  summary: 'Change fields of a contact; omitted or empty fields stay as they are.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'contact',
  params: z.object({ handle: text(64).describe('the contact handle'), ...contactFieldParams }),
  errors: ['OBJECT_NOT_FOUND', 'PARAM_POLICY'],
  notes:
    'Field names as in contact-create; `tld` is ignored. An empty value means no change, `!@!` clears an optional field (an empty field stays empty: no change, no error). ' +
    '`lang`, `app-purpose`, `nexus-category`, `nexus-category-country` and `orgid` cannot be changed (repeating the current value is fine; `!@!` leaves a set one as it is, with a Warning). ' +
    'The changed contact must still satisfy its TLD\'s rules. Giving `fname`/`lname` without `name` rebuilds the name from them.',
  async accept(ctx, p) {
    const row = await contactOrFail(ctx.db, ctx.account.id, p.handle);
    const tld = ctx.deps.tlds.get(row.tld);
    if (!tld) throw new DmapiError('PARAM_POLICY', `contact ${row.handle} belongs to .${row.tld}, which the platform no longer offers`);
    const { given, clear } = contactInput(ctx.raw);
    if (Object.keys(given).length === 0 && clear.length === 0) throw new DmapiError('PARAM_MISSING', 'missing parameter (at least one contact field to change)');
    // Checked now, so a bad change is refused at once; the worker merges again onto the state it finds.
    const { warnings } = mergeContact(row, tld, given, clear);
    return { object: row.handle, job: { accountId: ctx.account.id, handle: row.handle, given, clear }, headers: warnings.map((w) => ['Warning', w] as const) };
  },
  // Sending the same postal data again changes nothing, so a retry simply repeats it.
  async outside(deps, job: Job, o) {
    const { row, tld, fields } = await merged(deps.db, deps.tlds, job);
    await atRegistry(() => registryOf(deps).open(deps.db, o.now).updateContact(row.handle, toPostal(fields, tld)));
    return fields;
  },
  async perform(ctx, job: Job) {
    const { row } = await merged(ctx.db, ctx.deps.tlds, job);
    await saveContactChange(ctx.db, ctx.now, row, ctx.prepared as ContactFields);
    return { status: 'ack', text: `result_msg: contact ${row.handle} modified` };
  },
});
