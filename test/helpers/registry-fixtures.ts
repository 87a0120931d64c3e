import assert from 'node:assert/strict';
import type { TestApp, TestReply } from './harness.ts';
import { OWN_REGISTRAR, simulatorOf } from '../../src/registry/index.ts';
import { parseKeyValues } from '../../src/dmapi/reply.ts';
import { DAY } from '../../src/core/clock.ts';

/** A contact that passes every generic rule (the seeds' example, with a real-length phone number). */
export const johnDoe = {
  tld: 'com',
  name: 'John Doe',
  email: 'johnd@someisp.com',
  'address-1': 'Smartroad 1',
  city: 'Smalltown',
  'postal-code': '40122',
  country: 'US',
  phone: '+1.4155552671',
} as const;

/**
 * Gives an account a domain the way the domains issue will: the registry holds it (sponsored by
 * this platform) and the account's domains table lists it.
 */
export async function giveDomain(t: TestApp, accountId: number, name: string, roles: { owner?: string; admin?: string; tech?: string; billing?: string } = {}): Promise<number> {
  const { deps } = t.app;
  const now = t.clock.now();
  await simulatorOf(deps).plantDomain(deps.db, now, { name, sponsor: OWN_REGISTRAR, nameservers: [] });
  const row = await deps.db
    .insertInto('domains')
    .values({
      account_id: accountId,
      name,
      tld: name.slice(name.indexOf('.') + 1),
      created_at: now,
      expires_at: now + 365 * DAY,
      updated_at: now,
      autorenew: 0,
      locked: 0,
      owner_c: roles.owner ?? null,
      admin_c: roles.admin ?? null,
      tech_c: roles.tech ?? null,
      billing_c: roles.billing ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Delegates a registrar-side domain to hosts (domain_nameservers), as domain-modify will. */
export async function delegate(t: TestApp, domainId: number, hosts: string[]): Promise<void> {
  await t.app.deps.db.deleteFrom('domain_nameservers').where('domain_id', '=', domainId).execute();
  if (hosts.length) await t.app.deps.db.insertInto('domain_nameservers').values(hosts.map((host, position) => ({ domain_id: domainId, position, host }))).execute();
}

/** The result of a Proc-ID as result-retrieve shows it: key/value lines of the body. */
export async function retrieve(t: TestApp, sid: string, procId: string): Promise<{ reply: TestReply; keys: Map<string, string> }> {
  const reply = await t.call('result-retrieve', { 'auth-sid': sid, 'Proc-ID': procId });
  assert.equal(reply.code, 0, reply.raw);
  return { reply, keys: new Map(parseKeyValues(reply.body)) };
}

/** Sends an async request, runs the worker and returns its Completion-Status and Object-Name. */
export async function runAsync(t: TestApp, sid: string, name: string, params: Record<string, string | number>): Promise<{ accepted: TestReply; status: string; object: string; body: string }> {
  const accepted = await t.call(name, { 'auth-sid': sid, ...params });
  assert.equal(accepted.code, 0, accepted.raw);
  await t.work();
  const { reply, keys } = await retrieve(t, sid, accepted.get('Proc-ID')!);
  return { accepted, status: keys.get('Completion-Status')!, object: keys.get('Object-Name')!, body: reply.body };
}

/** Creates a contact through DMAPI and returns its handle. */
export async function newContact(t: TestApp, sid: string, params: Record<string, string | number> = johnDoe): Promise<string> {
  const r = await runAsync(t, sid, 'contact-create', params);
  assert.equal(r.status, 'ack', r.body);
  return r.object;
}
