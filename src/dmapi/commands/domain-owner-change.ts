import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { optFlag, text } from '../params.ts';
import { contactFieldParams } from './contact-create.ts';
import { acceptOwnerChange, applyOwnerChange, failOwnerChange, ownerChangeAtRegistry } from '../../services/owner-change.ts';
import { resultLines } from '../../services/domains.ts';

interface OwnerChangeJob {
  changeId: number;
}

export const domainOwnerChange = defineCommand({
  name: 'domain-owner-change',
  summary: 'Change the registrant (owner) of a domain: the current registrant confirms by mail (or cor-verify); then the domain is locked against transfers for 60 days unless lock-opt-out=yes.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  params: z.object({
    domain: text(253).describe('the domain whose owner changes'),
    ...contactFieldParams,
    'lock-opt-out': optFlag().describe('yes: no 60-day transfer lock after the change (IRTP-C opt-out)'),
  }),
  errors: ['OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'PARAM_POLICY', 'OBJECT_EXISTS', 'COMMAND_FAILED'],
  notes:
    'The new owner\'s data takes every contact-create field: `name` or `fname` + `lname`, email, address-1, city, postal-code, country, phone (fields not marked optional are mandatory), ' +
    'and the fields the TLD demands (.eu lang, .us nexus, .uk account-type …); they are checked like contact-create for the domain\'s TLD. ' +
    'A material change (name, organisation or e-mail, IRTP-C) mails the current registrant a confirmation with a link and a key; cor-verify takes the same key. ' +
    'The result stays `?` until then: ack once the change is made (`owner-c:` the new handle, `transfer_lock:` until when), nack when refused or not confirmed within 14 days. ' +
    'A change of other fields only (address, phone) is made at once, without confirmation or lock. One change per domain at a time.',
  async accept(ctx, p) {
    const { change, warnings } = await acceptOwnerChange(ctx, { domain: p.domain, lockOptOut: p['lock-opt-out'] ?? false });
    return { object: change.domain, job: { changeId: change.id } satisfies OwnerChangeJob, headers: warnings.map((w) => ['Warning', w] as const) };
  },
  // A material change waits for the registrant's answer (nothing to do here); anything else is made now.
  outside: (deps, job: OwnerChangeJob, o) => ownerChangeAtRegistry(deps, job.changeId, o),
  async perform(ctx, job: OwnerChangeJob) {
    const lines = await applyOwnerChange(ctx, job.changeId, ctx.prepared as string | undefined);
    if (!lines) return { status: 'ack', text: '', pending: true };
    return { status: 'ack', text: resultLines(lines) };
  },
  async failed(ctx, job: OwnerChangeJob, reason) {
    await failOwnerChange(ctx, job.changeId, reason, false);
  },
});
