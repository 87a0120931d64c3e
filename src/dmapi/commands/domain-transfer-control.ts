import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { oneOf, optText } from '../params.ts';
import { cancelTransferIn, listTransfersIn, resendFoa, showTransferIn } from '../../services/transfers.ts';
import { answerTransferOutByDomain, listTransfersOut } from '../../services/transfer-out.ts';

const actions = ['list', 'show', 'resend-foa', 'cancel', 'list-out', 'approve-out', 'reject-out'] as const;
type Action = (typeof actions)[number];
/** Actions that change something: a read-only key may not use them. */
const changing: readonly Action[] = ['resend-foa', 'cancel', 'approve-out', 'reject-out'];

export const domainTransferControl = defineCommand({
  name: 'domain-transfer-control',
  summary: 'Pending transfers: list them, show one, re-send the FOA, cancel; and answer a transfer of one of your domains to another registrar.',
  // list and show only read; the other actions check the key's scope themselves (below).
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({
    action: oneOf(actions).describe('list, show, resend-foa, cancel; list-out, approve-out, reject-out for transfers away'),
    domain: optText(253).describe('the domain (ignored for list and list-out)'),
  }),
  errors: ['OBJECT_NOT_FOUND', 'STATUS_PROHIBITS'],
  notes:
    '`list`: one TAB-separated line per open transfer-in, `<domain> <state> <owner-email> <admin-email>` (`-` while the FOA addresses are unknown). ' +
    '`show`: the latest transfer-in of the domain, open or ended, as `domain:`, `status:`, `owner_email:`, `admin_email:`, `transfer-id:` (the Proc-ID of the domain-transfer-in-reseller request) ' +
    'and `reason:` when it ended without the domain. States, in order: IN_DB, PAYMENT_PREPARED, PAYMENT_ACQUIRED, PENDING_FOA_SENDING, FOA_BEEN_SENT, FOA_NACK, FOA_ACK, ' +
    'REGISTRY_REQUEST_SENT, REGISTRY_REQUEST_RECEIVED_NOW_WAITING, REGISTRY_CANCELATION_PENDING, DOMAIN_WITH_JOKER_PENDING_COMPLETE, PAYMENT_COMMITTED, TRANSFER_PROCESSED_SUCCESSFULLY; ' +
    'a transfer that did not complete ends in FOA_NACK, TRANSFER_CANCELLED or TRANSFER_FAILED (dmapid\'s names). ' +
    '`resend-foa`: only in FOA_BEEN_SENT (same key and deadline). `cancel`: before the registry request the transfer ends at once; while the losing registrar decides ' +
    '(REGISTRY_REQUEST_RECEIVED_NOW_WAITING) the registry is asked to cancel (REGISTRY_CANCELATION_PENDING). Either way the held money is released and the transfer\'s result becomes a nack. ' +
    'Transfers away (dmapid\'s additions; the seeds have no request for them): `list-out` lists `<domain> <state> <gaining-registrar> <date it goes>`; `reject-out` refuses a foreign ' +
    'registrar\'s (or another reseller\'s of this platform, shown as the registrar `dmapid`) request for the domain, `approve-out` lets the domain go at once; without an answer it goes after 5 days. ' +
    'resend-foa, cancel, approve-out and reject-out need a modify-only or full key (2201 for a read-only key). ' +
    'Another reseller\'s transfer or domain answers exactly as one that does not exist (2303).',
  async run(ctx, p) {
    if (changing.includes(p.action)) ctx.requireAccess('modify', `domain-transfer-control action=${p.action}`);
    if (p.action === 'list') return { body: lines(await listTransfersIn(ctx.db, ctx.account.id)) };
    if (p.action === 'list-out') return { body: lines(await listTransfersOut(ctx.db, ctx.account.id)) };
    const domain = p.domain;
    if (domain === undefined) throw new DmapiError('PARAM_MISSING', `missing parameter 'domain' (action=${p.action} needs it)`);
    if (p.action === 'show') return { body: lines(await showTransferIn(ctx.db, ctx.account.id, domain)) };
    const { deps, now } = ctx;
    const text = await deps.db.transaction().execute(async (db) => {
      const flow = { db, now, deps };
      switch (p.action) {
        case 'resend-foa':
          return resendFoa(flow, ctx.account.id, domain);
        case 'cancel':
          return (await cancelTransferIn(flow, ctx.account.id, domain)).text;
        case 'approve-out':
        case 'reject-out':
          return answerTransferOutByDomain({ ...flow, account: ctx.account }, domain, p.action === 'approve-out' ? 'approve' : 'reject');
      }
    });
    deps.wake();
    return { body: `${text}\n` };
  },
});

const lines = (l: readonly string[]) => l.map((x) => `${x}\n`).join('');
