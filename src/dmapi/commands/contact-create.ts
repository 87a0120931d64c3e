import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { text } from '../params.ts';
import { contactFields, type ContactFields } from '../../core/contact.ts';
import { checkNewContact, createContactAtRegistry, insertContact, tldOrFail } from '../../services/contacts.ts';
import { registryOf } from '../../registry/index.ts';
import { updatePayload } from '../../jobs/queue.ts';
import { DmapiError } from '../errors.ts';
import type { TldCatalogue, TldInfo } from '../../tld/catalogue.ts';

interface Job {
  accountId: number;
  tld: string;
  fields: ContactFields;
  /** The handle the outside step chose (stored before the registry create, for a retry to check). */
  handle?: string;
}

function offered(tlds: TldCatalogue, job: Job): TldInfo {
  const tld = tlds.get(job.tld);
  if (!tld) throw new DmapiError('PARAM_RANGE', `tld ${job.tld} is no longer offered`);
  return tld;
}

/** Every contact field as an optional parameter (the docs list them; core/contact.ts checks them). */
export const contactFieldParams = Object.fromEntries(contactFields.map((f) => [f, z.string().optional()])) as Record<(typeof contactFields)[number], z.ZodOptional<z.ZodString>>;

export const contactCreate = defineCommand({
  name: 'contact-create',
  summary: 'Create a contact (handle) for a TLD; the handle arrives in result-retrieve as Object-Name.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  params: z.object({ tld: text(63).describe('the TLD the contact is meant for; decides its rules and handle prefix'), ...contactFieldParams }),
  errors: ['PARAM_POLICY'],
  notes:
    '`name` may be left out when `fname` and `lname` are given (it becomes their concatenation). Required: email, address-1, city, postal-code, ' +
    'country (ISO 3166 alpha-2), phone (`+CC.NNNN`); organization when individual=No; fax for TLDs that demand it (.de). TLD rules: ' +
    '.eu `lang` (24 EU languages); .us `nexus-category` (C11, C12, C21, C31, C32; C31/C32 need `nexus-category-country`) and `app-purpose` (P1–P5); ' +
    '.uk `account-type` (16 Nominet codes; `company-number` for LTD, PLC, LLP, IP, SCH, RCHAR); .se/.nu `orgid` (`[CC]…`, Swedish numbers checked) and optional `vatid`; ' +
    '.fi `fname`, `lname`, `x-ficora-is-finnish`, `x-ficora-type` and, by type, `x-ficora-identity`, `x-ficora-birthdate` or `x-ficora-registernumber`. ' +
    'Aliases: `language` = lang, `org-id` = orgid, `vat-id` = vatid. Every problem is reported, one `Error:` line each. ' +
    'Until the worker has created the contact the result\'s request-object is `-` (result-list shows `-`); once done it is the new handle, `<prefix>-<number>`, unique on the platform.',
  async accept(ctx, p) {
    const tld = tldOrFail(ctx.deps.tlds, p.tld);
    const { fields, warnings } = checkNewContact(tld, ctx.raw);
    return {
      // The handle is chosen by the worker; until then the request-object is empty ('-').
      object: '',
      job: { accountId: ctx.account.id, tld: tld.tld, fields },
      headers: warnings.map((w) => ['Warning', w] as const),
    };
  },
  async outside(deps, job: Job, o) {
    const registry = registryOf(deps).open(deps.db, o.now);
    const remember = (handle: string) => updatePayload(deps.db, o.jobId, { ...job, handle });
    return createContactAtRegistry(deps.db, registry, offered(deps.tlds, job), job.fields, job.handle ?? null, remember);
  },
  async perform(ctx, job: Job) {
    const handle = ctx.prepared as string;
    await insertContact(ctx.db, ctx.now, job.accountId, offered(ctx.deps.tlds, job), handle, job.fields);
    // QUYU's module takes registry_roid as the handle, so it carries the handle itself.
    return { status: 'ack', object: handle, text: `result_msg: contact ${handle} created\nregistry_roid: ${handle}` };
  },
});
