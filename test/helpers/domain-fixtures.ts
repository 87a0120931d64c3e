import assert from 'node:assert/strict';
import type { TestApp, TestReply } from './harness.ts';
import { newContact, retrieve } from './registry-fixtures.ts';
import { simulatorOf, OWN_REGISTRAR } from '../../src/registry/index.ts';
import { topUp } from '../../src/billing/ledger.ts';

/** A reseller with one .com contact, ready to register domains. */
export interface DomainReseller {
  id: number;
  sid: string;
  contact: string;
  session(scope: 'read-only' | 'modify-only' | 'full'): Promise<string>;
}

export async function domainReseller(t: TestApp, login: string, o: { balance?: number; tld?: string } = {}): Promise<DomainReseller> {
  const r = await t.reseller(login, { balance: o.balance ?? 100_000 });
  const contact = await newContact(t, r.sid, { tld: o.tld ?? 'com', name: 'Jane Owner', email: `${login}-owner@example.org`, 'address-1': 'Main Street 1', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
  return { id: r.account.id, sid: r.sid, contact, session: r.session };
}

/** The parameters of a plain one-year registration delegated to a.ns.joker.com / b.ns.joker.com. */
export function registration(r: DomainReseller, domain: string, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    'auth-sid': r.sid,
    domain,
    period: 12,
    status: 'production',
    'owner-c': r.contact,
    'admin-c': r.contact,
    'tech-c': r.contact,
    'billing-c': r.contact,
    'ns-list': 'a.ns.joker.com:b.ns.joker.com',
    ...extra,
  };
}

/** Sends an async request and runs the worker; asserts the request was accepted. */
export async function performed(t: TestApp, sid: string, name: string, params: Record<string, string | number>): Promise<{ accepted: TestReply; status: string; object: string; body: string; text: string }> {
  const accepted = await t.call(name, { 'auth-sid': sid, ...params });
  assert.equal(accepted.code, 0, accepted.raw);
  await t.work();
  const { reply, keys } = await retrieve(t, sid, accepted.get('Proc-ID')!);
  const text = reply.body.includes('\n\n') ? reply.body.slice(reply.body.indexOf('\n\n') + 2).replace(/\n$/, '') : '';
  return { accepted, status: keys.get('Completion-Status')!, object: keys.get('Object-Name')!, body: reply.body, text };
}

/** Registers a domain through DMAPI and asserts the ack. */
export async function registered(t: TestApp, r: DomainReseller, domain: string, extra: Record<string, string | number> = {}): Promise<string> {
  const res = await performed(t, r.sid, 'domain-register', registration(r, domain, extra));
  assert.equal(res.status, 'ack', res.body);
  return res.accepted.get('Proc-ID')!;
}

/** The account's money: booked balance and reserved (minor units). */
export async function money(t: TestApp, accountId: number): Promise<{ balance: number; reserved: number }> {
  const a = await t.app.deps.db.selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', accountId).executeTakeFirstOrThrow();
  return { balance: a.balance, reserved: a.reserved };
}

export async function domainRow(t: TestApp, name: string) {
  return t.app.deps.db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst();
}

/** The registry's view of a name. */
export async function atRegistry(t: TestApp, name: string) {
  return simulatorOf(t.app.deps).open(t.app.deps.db, t.clock.now()).infoDomain(name);
}

export { OWN_REGISTRAR, topUp };

/** Moves the clock and logs in again (sessions die after an hour without requests). */
export async function later(t: TestApp, r: DomainReseller, ms: number): Promise<DomainReseller> {
  t.clock.advance(ms);
  return { ...r, sid: await r.session('full') };
}

/** Sets or clears client statuses at the registry directly (as the sponsoring registrar). */
export async function registryStatus(t: TestApp, name: string, change: { add?: Array<'clientRenewProhibited' | 'clientDeleteProhibited' | 'clientUpdateProhibited'>; remove?: Array<'clientRenewProhibited' | 'clientDeleteProhibited' | 'clientUpdateProhibited'> }) {
  await simulatorOf(t.app.deps).open(t.app.deps.db, t.clock.now()).updateDomain(name, { addStatuses: change.add, removeStatuses: change.remove });
}

/** The orders of an account for an object, oldest first. */
export async function ordersOf(t: TestApp, accountId: number, identifier: string) {
  return t.app.deps.db.selectFrom('orders').select(['type', 'status', 'amount_brutto', 'refund_of']).where('account_id', '=', accountId).where('identifier', '=', identifier).orderBy('id').execute();
}
