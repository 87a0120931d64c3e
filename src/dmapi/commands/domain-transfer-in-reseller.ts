import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { oneOf, optFlag, optional, optInt, optText, text } from '../params.ts';
import { billingErrors, money } from '../../billing/quote.ts';
import { acceptTransferIn, checkAndSendFoa, checksAtRegistry, failTransferJob, type RegistryView } from '../../services/transfers.ts';
import { unusedRoles } from '../../services/domains.ts';

interface TransferJob {
  transferId: number;
}

export const domainTransferInReseller = defineCommand({
  name: 'domain-transfer-in-reseller',
  summary: 'Transfer a domain from another registrar, or from another reseller of this platform: the FOA goes to its owner and admin; the result stays pending until the domain arrived (ack) or the transfer ended (nack).',
  access: 'costs',
  session: 'required',
  execution: 'async',
  example: { 'transfer-auth-id': 'Code-1', 'owner-c': '{contact}' },
  othersObjects: 'it asks for a domain held elsewhere, by another registrar or another reseller of this platform',
  params: z.object({
    domain: text(253).describe('the domain to transfer in'),
    'transfer-auth-id': optText(255).describe('the AUTH-ID from the current registrar (not needed for .eu and other TLDs without auth codes)'),
    'owner-c': optText(64).describe('the owner contact the domain gets here (required)'),
    'admin-c': optText(64).describe('admin contact handle (default: owner-c)'),
    'tech-c': optText(64).describe('tech contact handle (default: owner-c)'),
    'billing-c': optText(64).describe('billing contact handle (default: owner-c)'),
    status: optText(32).describe('lock and/or production: lock the domain once it arrived'),
    period: optInt(0, 120).describe('not used (the registry adds the TLD\'s transfer period)'),
    autorenew: optFlag().describe('autorenew once it arrived; default 1'),
    'ns-list': optText(4000).describe('name servers to set once it arrived, colon-separated (default: keep its delegation)'),
    privacy: optional(oneOf(['basic', 'pro', 'none'] as const)).describe('whois privacy ordered with the transfer (12 months)'),
    'max-price': optText(32).describe('highest price accepted; required for premium names'),
  }),
  errors: [...billingErrors, 'OBJECT_EXISTS', 'OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'POLICY_VIOLATION', 'ACCESS_DENIED', 'COMMAND_FAILED'],
  notes:
    'The transfer price (query-price-list `transfer`, plus privacy when ordered) is held when the request is accepted and booked when the domain arrives; a transfer that does not complete releases it. ' +
    'The worker first asks the registry whether the name can move: refused (nack) when it is not registered, already with this registrar, locked by its registrar (clientTransferProhibited) ' +
    'or by the registry (serverTransferProhibited), pending deletion or transfer, registered or transferred less than 60 days ago, or when the AUTH-ID is wrong. ' +
    'Then the FOA goes to the owner and admin e-mail addresses the current registrar\'s whois shows, with a link to confirm; the transfer follows the states of domain-transfer-control ' +
    '(see docs/transfers.md). The result-list status is `?` (pending) until the end: ack with `result_msg`, `registry_roid` (and `whois_verification` for a gTLD owner address not verified yet), ' +
    'or nack with the reason. Contacts not given default to owner-c; a role the TLD does not use (.de billing-c) is accepted and ignored, with a Warning. ' +
    'A domain another reseller of this platform holds is transferred the same way with the auth code that reseller got (domain-transfer-get-auth-id): the same checks and refusals, ' +
    'the FOA to the owner and admin contacts (their addresses are shown as REDACTED FOR PRIVACY), then the holding reseller is asked as for a transfer away (domain-transfer-control action=reject-out) ' +
    'and without an answer it moves after 5 days, one year longer; only a domain already in the asking account answers 2302.',
  async accept(ctx, p) {
    const roles = { 'owner-c': p['owner-c'], 'admin-c': p['admin-c'], 'tech-c': p['tech-c'], 'billing-c': p['billing-c'] };
    const { transfer, price } = await acceptTransferIn(
      { db: ctx.db, now: ctx.now, deps: ctx.deps, accountId: ctx.account.id, procId: ctx.procId },
      {
        domain: p.domain,
        authCode: p['transfer-auth-id'],
        roles,
        status: p.status,
        autorenew: p.autorenew,
        nsList: p['ns-list'],
        privacy: p.privacy,
        maxPrice: p['max-price'],
      },
    );
    const headers: Array<readonly [string, string]> = [];
    if (price.class !== 'standard') headers.push(['Warning', `${transfer.domain} is a ${price.class} name: ${money(price.brutto, price.currency)}`]);
    if (p.period !== undefined) headers.push(['Warning', 'period is not used by transfers: the registry adds the TLD\'s transfer period']);
    for (const [, note] of unusedRoles(ctx.deps.tlds.get(transfer.tld)!, roles)) headers.push(['Warning', note]);
    return { object: transfer.domain, job: { transferId: transfer.id } satisfies TransferJob, headers };
  },
  // The registry's view of the name (read only, so a retry simply asks again); the checks and the FOA in perform.
  async outside(deps, job: TransferJob, o) {
    return checksAtRegistry(deps, job.transferId, o);
  },
  async perform(ctx, job: TransferJob) {
    await checkAndSendFoa(ctx, job.transferId, ctx.prepared as RegistryView | undefined);
    // The transfer goes on for days (FOA, losing registrar); the flow completes the result.
    return { status: 'ack', text: '', pending: true };
  },
  async failed(ctx, job: TransferJob, reason) {
    await failTransferJob(ctx, job.transferId, reason);
  },
});
