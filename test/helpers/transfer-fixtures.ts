import assert from 'node:assert/strict';
import type { TestApp, TestReply } from './harness.ts';
import { simulatorOf, OWN_REGISTRAR } from '../../src/registry/index.ts';
import type { ClientStatus, ServerStatus } from '../../src/registry/port.ts';
import { DAY } from '../../src/core/clock.ts';
import { runTransfers, transferHistory, type TransferRow } from '../../src/services/transfers.ts';
import { runTransfersOut } from '../../src/services/transfer-out.ts';
import { runOwnerChangeDeadlines } from '../../src/services/owner-change.ts';
import type { DomainReseller } from './domain-fixtures.ts';
import { mailedKey } from './mailed-keys.ts';

/** A foreign registrar of the seeded sandbox (transfer-me.com, acme-widgets.net …). */
export const LOSING = 'sim-budgetnames';

/** Places a name at a foreign registrar with a known auth code; its registrant's e-mail is hostmaster@<name>. */
export async function foreignDomain(
  t: TestApp,
  name: string,
  o: { code?: string; createdAt?: number; statuses?: Array<ClientStatus | ServerStatus>; sponsor?: string; expiresAt?: number } = {},
): Promise<{ name: string; code: string }> {
  const code = o.code ?? `Code-${name}`;
  await simulatorOf(t.app.deps).plantDomain(t.app.deps.db, t.clock.now(), {
    name,
    sponsor: o.sponsor ?? LOSING,
    authCode: code,
    ...(o.createdAt !== undefined ? { createdAt: o.createdAt } : {}),
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
    ...(o.statuses ? { statuses: o.statuses } : {}),
  });
  return { name, code };
}

/** The parameters of a plain transfer-in. */
export function transferParams(r: DomainReseller, domain: string, code: string, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return { 'auth-sid': r.sid, domain, 'transfer-auth-id': code, 'owner-c': r.contact, ...extra };
}

/** The account's latest transfer-in of a domain. */
export async function transferRow(t: TestApp, domain: string): Promise<TransferRow> {
  return t.app.deps.db.selectFrom('transfers_in').selectAll().where('domain', '=', domain).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
}

export async function states(t: TestApp, domain: string): Promise<string[]> {
  return (await transferHistory(t.app.deps.db, (await transferRow(t, domain)).id)).map((e) => e.state);
}

/** Sends the request and runs the worker: the transfer is checked and the FOA is out. */
export async function requested(t: TestApp, r: DomainReseller, domain: string, code: string, extra: Record<string, string | number> = {}): Promise<{ reply: TestReply; procId: string }> {
  const reply = await t.call('domain-transfer-in-reseller', transferParams(r, domain, code, extra));
  assert.equal(reply.code, 0, reply.raw);
  await t.work();
  return { reply, procId: reply.get('Proc-ID')! };
}

const form = (answer: string) => ({ payload: new URLSearchParams({ answer }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** Presses a button of an answer page (as a browser submits the form). */
export async function answerPage(t: TestApp, kind: string, key: string, answer: 'yes' | 'no'): Promise<{ status: number; body: string }> {
  const res = await t.app.http.inject({ method: 'POST', url: `/answer/${kind}/${key}`, ...form(answer) });
  return { status: res.statusCode, body: res.body };
}

/** The FOA key mailed for a transfer of `domain` (the newest FOA mail). */
export const foaKey = (t: TestApp, domain: string) => mailedKey(t.app.deps.db, { object: domain, kind: 'transfer-foa' });

/** The key of the answer page mailed to the reseller for a transfer away of `domain`. */
export const transferOutKey = (t: TestApp, domain: string) => mailedKey(t.app.deps.db, { object: domain, kind: 'transfer-out-request' });

/** Answers the FOA through its page, then runs the worker (the registry request). */
export async function answerFoa(t: TestApp, domain: string, answer: 'yes' | 'no'): Promise<{ status: number; body: string }> {
  const key = await foaKey(t, domain);
  const res = await answerPage(t, 'transfer', key, answer);
  await t.work();
  return res;
}

/** The periodic transfer step at the current clock, then the jobs it queued. */
export async function tick(t: TestApp): Promise<void> {
  await runTransfers(t.app.deps, t.clock.now());
  await runTransfersOut(t.app.deps, t.clock.now());
  await runOwnerChangeDeadlines(t.app.deps, t.clock.now());
  await t.work();
}

/** The mails of a kind about a domain, oldest first. */
export async function mailsAbout(t: TestApp, domain: string, kind?: string) {
  let q = t.app.deps.db.selectFrom('mail_outbox').selectAll().where('object_name', '=', domain);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('id').execute();
}

export { DAY };

/**
 * A domain the reseller has held for a long time (outside the registry's 60-day windows): planted
 * at the registry as this platform's, with the reseller's contact in every role and a known auth
 * code, and listed in the account.
 */
export async function ownDomain(t: TestApp, r: DomainReseller, name: string, code = `Own-${name}`): Promise<{ id: number; name: string; code: string }> {
  const { deps } = t.app;
  const now = t.clock.now();
  const info = await simulatorOf(deps).plantDomain(deps.db, now, { name, sponsor: OWN_REGISTRAR, registrant: r.contact, authCode: code, createdAt: now - 400 * DAY });
  await simulatorOf(deps).open(deps.db, now).updateDomain(name, { admin: r.contact, tech: r.contact, billing: r.contact });
  const row = await deps.db
    .insertInto('domains')
    .values({
      account_id: r.id,
      name,
      tld: info.tld,
      created_at: info.createdAt,
      expires_at: info.expiresAt,
      updated_at: now,
      autorenew: 0,
      locked: 0,
      owner_c: r.contact,
      admin_c: r.contact,
      tech_c: r.contact,
      billing_c: r.contact,
      roid: info.roid,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, name, code };
}

/** The auth code the holding reseller gets with domain-transfer-get-auth-id (read from result-retrieve, as clients do). */
export async function authCodeOf(t: TestApp, r: DomainReseller, domain: string): Promise<string> {
  const reply = await t.call('domain-transfer-get-auth-id', { 'auth-sid': r.sid, domain });
  assert.equal(reply.code, 0, reply.raw);
  await t.work();
  const done = await t.call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': reply.get('Proc-ID')! });
  const code = /^The Authorization ID is: "([^"]+)"/m.exec(done.body)?.[1];
  assert.ok(code, done.body);
  return code;
}

/** The latest transfer away of a domain (from a foreign registrar's request or another reseller's). */
export async function outRow(t: TestApp, domain: string) {
  return t.app.deps.db.selectFrom('transfers_out').selectAll().where('domain', '=', domain).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
}
