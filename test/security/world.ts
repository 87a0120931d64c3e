import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { TestApp, TestReply } from '../helpers/harness.ts';
import { domainReseller, performed, registered } from '../helpers/domain-fixtures.ts';
import { mailedKey } from '../helpers/mailed-keys.ts';
import { createApiKey } from '../../src/services/accounts.ts';
import type { Scope } from '../../src/db/schema.ts';

/**
 * The world the security suite attacks: three resellers, each with one of everything a request
 * can name — a contact, a registered domain with a hosted zone, a name server below it, results,
 * an active grant, a pending invitation, a whois verification and a change of registrant waiting
 * for confirmation. `a` is the attacker (also with keys of every scope); `b` is the victim; `c` a
 * bystander (for requests about names anyone may ask about).
 */
export interface Tenant {
  login: string;
  id: number;
  sid: string;
  /** API keys by scope: log in with one (`session`) where a request may end the session it runs in. */
  keys: Record<Scope, string>;
  domain: string;
  contact: string;
  host: string;
  email: string;
  procId: string;
  svtrid: string;
  cltrid: string;
  grantScope: string;
  inviteKey: string;
  verifyKey: string;
  corKey: string;
}

export interface World {
  a: Tenant;
  b: Tenant;
  c: Tenant;
}

async function tenant(t: TestApp, login: string): Promise<Tenant> {
  const r = await domainReseller(t, login);
  const domain = `${login}-site.com`;
  const cltrid = `${login}-reg-1`;
  const procId = await registered(t, r, domain, { cltrid });
  const svtrid = (await t.app.deps.db.selectFrom('results').select('svtrid').where('id', '=', Number(procId)).executeTakeFirstOrThrow()).svtrid;
  const host = `ns1.${domain}`;
  assert.equal((await performed(t, r.sid, 'ns-create', { host, ip: '45.76.10.53' })).status, 'ack');
  assert.equal((await t.call('dns-zone-put', { 'auth-sid': r.sid, domain, zone: 'www A 0 192.0.2.80 3600' })).code, 0);
  const helper = await t.reseller(`${login}-helper`);
  assert.equal((await t.call('grants-invite', { 'auth-sid': r.sid, domain, email: helper.account.email, role: '@tech', 'client-uid': helper.account.id })).code, 0);
  const grantScope = String((await t.app.deps.db.selectFrom('grants').select('id').where('invitee_account_id', '=', helper.account.id).executeTakeFirstOrThrow()).id);
  const invitee = `${login}-invitee@example.net`;
  assert.equal((await t.call('grants-invite', { 'auth-sid': r.sid, domain, email: invitee, role: '@admin' })).code, 0);
  const email = `${login}-owner@example.org`;
  const change = await t.call('domain-owner-change', { 'auth-sid': r.sid, domain, name: 'New Owner', email: `${login}-new@example.org`, 'address-1': 'Other Street 2', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
  assert.equal(change.code, 0, change.raw);
  await t.work();
  return {
    login,
    id: r.id,
    sid: r.sid,
    keys: { 'read-only': await apiKey(t, r.id, 'read-only'), 'modify-only': await apiKey(t, r.id, 'modify-only'), full: await apiKey(t, r.id, 'full') },
    domain,
    contact: r.contact,
    host,
    email,
    procId,
    svtrid,
    cltrid,
    grantScope,
    inviteKey: await mailedKey(t.app.deps.db, { to: invitee, kind: 'grant-invitation' }),
    verifyKey: await mailedKey(t.app.deps.db, { to: email, kind: 'whois-verification' }),
    corKey: await mailedKey(t.app.deps.db, { kind: 'cor-confirmation', object: domain }),
  };
}

async function apiKey(t: TestApp, accountId: number, scope: Scope): Promise<string> {
  return (await createApiKey(t.app.deps.db, accountId, scope, `security suite ${scope}`, t.clock.now())).key;
}

/** A fresh session with the tenant's key of `scope`. */
export async function session(t: TestApp, tenant: Tenant, scope: Scope): Promise<string> {
  const r = await t.call('login', { 'api-key': tenant.keys[scope] });
  assert.equal(r.code, 0, r.raw);
  return r.get('Auth-Sid')!;
}

export async function buildWorld(t: TestApp): Promise<World> {
  return { a: await tenant(t, 'sec-a'), b: await tenant(t, 'sec-b'), c: await tenant(t, 'sec-c') };
}

/** Tables and columns that change with every login or request and say nothing about objects. */
const volatile = new Set(['sessions', 'login_failures', 'kysely_migration', 'kysely_migration_lock']);
// version counts every update of the row (migration 0022), these bookkeeping ones too.
const bookkeeping = ['last_login_at', 'last_login_ip', 'last_error', 'last_error_ip', 'version'];

/** Every row of every table (as JSON lines, by table); see digest. */
export type Digest = Map<string, string[]>;

/**
 * Every row of every table of this database; rows of `except` (the attacker's own results, jobs,
 * orders …, which its accepted requests legitimately write) are left out.
 */
export async function digest(t: TestApp, except?: { accountId: number }): Promise<Digest> {
  const db = t.app.deps.db;
  // The catalogue of this database only: on PostgreSQL the current schema (other tests' schemas
  // come and go meanwhile, and Kysely's introspection reads them all).
  const listed =
    t.dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const tables = listed.rows.map((r) => r.name).filter((n) => !volatile.has(n)).sort();
  const out: Digest = new Map();
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    const kept = rows.filter((r) => !except || Number(r['account_id']) !== except.accountId);
    out.set(table, kept.map((r) => JSON.stringify(table === 'accounts' ? { ...r, ...Object.fromEntries(bookkeeping.map((c) => [c, null])) } : r)).sort());
  }
  return out;
}

/** The rows that differ between two digests, a few per table: empty when the state is the same. */
export function changes(before: Digest, after: Digest): string {
  const lines: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = new Set(before.get(table) ?? []);
    const now = new Set(after.get(table) ?? []);
    const gone = [...was].filter((r) => !now.has(r));
    const added = [...now].filter((r) => !was.has(r));
    for (const r of gone.slice(0, 3)) lines.push(`${table} - ${r}`);
    for (const r of added.slice(0, 3)) lines.push(`${table} + ${r}`);
  }
  return lines.join('\n');
}

/** Checks what every DMAPI reply must be, whatever was sent; returns a reason when it is not. */
export function malformed(r: TestReply): string | undefined {
  // HTTP 401 belongs to a dead session (-401) and only to it; every other answer is 200.
  if (r.httpStatus !== (r.code === -401 ? 401 : 200)) return `HTTP ${r.httpStatus} with Status-Code ${r.code}`;
  if (r.raw.includes('\r')) return 'a CR in the reply';
  if (r.all('Status-Code').length !== 1 || r.all('Status-Text').length !== 1) return 'not exactly one Status-Code and Status-Text';
  if (!/^-?\d+$/.test(r.get('Status-Code')!)) return `Status-Code ${r.get('Status-Code')}`;
  const errors = r.all('Error');
  if (r.code === 0 && errors.length) return 'Error lines on a success';
  if (r.code !== 0 && !errors.length) return 'a failure without an Error line';
  if (errors.some((e) => e.startsWith('internal error'))) return `an internal error: ${errors.join(' | ')}`;
  if (r.headers.some(([n]) => n.startsWith('INJ')) || r.body.split('\n').some((l) => l.startsWith('INJ'))) return 'an injected line';
  return undefined;
}
