import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import type { Worker } from '../jobs/worker.ts';
import { defineCommand } from './command.ts';
import type { Dispatcher, DispatchOutcome } from './dispatch.ts';
import { DmapiError, notFound } from './errors.ts';
import type { DmapiRouteKit } from './http.ts';
import { optFlag, text } from './params.ts';
import { parseReply } from './reply.ts';
import { domainWhois } from '../services/domain-whois.ts';

/**
 * Addresses Joker's own WHMCS and ClientExec modules call outside `/request/` (clients.md §1.2):
 *   /v2/query-price-list    query-price-list (TAB-separated, Columns; the same reply)
 *   /v2/contact/create      contact-create, answered once the contact exists: body `handle: <handle>`
 *   /whois?domain=…         the account's domain as whois-style `Key: value` lines with `DNSSEC:`
 * Each goes through the dispatcher: session, scopes, parameters and errors as for any request.
 */

/** How long /v2/contact/create waits for its contact before answering without the handle. */
export const V2_CONTACT_WAIT_MS = 30_000;
const POLL_MS = 25;

/** `YYYYMMDDHHMMSS` → `YYYY-MM-DDTHH:MM:SSZ`, the whois form. */
const whoisDate = (compact: string) => `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}T${compact.slice(8, 10)}:${compact.slice(10, 12)}:${compact.slice(12, 14)}Z`;

/**
 * GET /whois: the registry-whois view of one of the account's (or a granted) domain, as the
 * WHMCS module reads it (key = the text before the first space; it looks for
 * `DNSSEC: signedDelegation`). Another account's domain answers 2303 like a missing one.
 */
export const whoisRequest = defineCommand({
  name: 'whois',
  summary: 'Whois-style lines of a domain of the account, with `DNSSEC: signedDelegation|unsigned` (GET /whois).',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({ domain: text(253), disclaimer: optFlag() }),
  errors: ['OBJECT_NOT_FOUND'],
  async run(ctx, p) {
    const lines = await domainWhois(ctx.db, ctx.account.id, p.domain, { now: ctx.now });
    if (!lines) throw notFound(`domain ${p.domain}`);
    const get = (k: string) => lines.find(([n]) => n === k)?.[1];
    const out: Array<[string, string]> = [['Domain Name', get('domain.fqdn')!]];
    for (const [k, label] of [['domain.modified.date', 'Updated Date'], ['domain.created.date', 'Creation Date'], ['domain.expires', 'Registry Expiry Date']] as const) {
      const v = get(k);
      if (v) out.push([label, whoisDate(v)]);
    }
    for (const word of (get('domain.status') ?? '').split(',').filter(Boolean)) out.push(['Domain Status', word]);
    for (const [k, v] of lines) if (k === 'domain.nservers.nserver.handle') out.push(['Name Server', v]);
    out.push(['DNSSEC', get('domain.dnssec') === 'signedDelegation' ? 'signedDelegation' : 'unsigned']);
    return { body: out.map(([k, v]) => `${k}: ${v}\n`).join('') };
  },
});

/** The accepted reply with `lines` added to its header block (a Warning) and `body` as its body. */
function withAnswer(out: DispatchOutcome, headers: string[], body: string): DispatchOutcome {
  const cut = out.text.indexOf('\n\n');
  return { ...out, text: `${out.text.slice(0, cut + 1)}${headers.map((h) => `${h}\n`).join('')}\n${body}` };
}

/**
 * v2/contact/create: contact-create's accept path (the same rules and errors), then the job is
 * performed at once here (or by whichever worker got it first) and the reply carries the handle.
 * A refusal by the registry answers 2400 with its reasons; a contact not made within
 * V2_CONTACT_WAIT_MS answers the Proc-ID with a Warning and no handle (result-retrieve has it later).
 */
async function contactCreateV2(deps: AppDeps, dispatcher: Dispatcher, worker: Worker, out: DispatchOutcome, waitMs: number): Promise<DispatchOutcome> {
  const accepted = parseReply(out.text);
  const procId = Number(accepted.get('Proc-ID'));
  if (accepted.get('Status-Code') !== '0' || !Number.isInteger(procId)) return out;
  const job = await deps.db.selectFrom('jobs').select('id').where('result_id', '=', procId).executeTakeFirst();
  if (job) await worker.performJob(job.id);
  const start = Date.now();
  for (;;) {
    const row = await deps.db.selectFrom('results').select(['status', 'object_name', 'content']).where('id', '=', procId).executeTakeFirstOrThrow();
    if (row.status === 'ack') return withAnswer(out, [], `handle: ${row.object_name}\n`);
    if (row.status === 'nack') {
      const reasons = (row.content ?? '').split('\n').map((l) => l.replace(/^(result_msg|error_text): /, '').trim()).filter(Boolean);
      return dispatcher.failure(new DmapiError('COMMAND_FAILED', reasons.length ? reasons : [`contact-create (Proc-ID ${procId}) failed`]));
    }
    if (Date.now() - start >= waitMs) return withAnswer(out, [`Warning: the contact is still being created; result-retrieve Proc-ID ${procId} names its handle`], '');
    await sleep(POLL_MS);
  }
}

export interface SideRouteOptions {
  deps: AppDeps;
  dispatcher: Dispatcher;
  worker: Worker;
  /** V2_CONTACT_WAIT_MS unless a test says otherwise. */
  contactWaitMs?: number;
}

export function registerSideRoutes(scope: FastifyInstance, kit: DmapiRouteKit, o: SideRouteOptions): void {
  const { dispatcher } = o;
  scope.all('/v2/query-price-list', async (req, reply) => kit.send(reply, await dispatcher.dispatch(kit.incoming(req, 'query-price-list'))));
  scope.all('/v2/contact/create', async (req, reply) => {
    const out = await dispatcher.dispatch(kit.incoming(req, 'contact-create'));
    return kit.send(reply, await contactCreateV2(o.deps, dispatcher, o.worker, out, o.contactWaitMs ?? V2_CONTACT_WAIT_MS));
  });
  scope.get('/whois', async (req, reply) => kit.send(reply, await dispatcher.dispatchTo(whoisRequest, kit.incoming(req, 'whois'))));
}
