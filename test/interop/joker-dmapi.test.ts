import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { forEachDatabase } from '../helpers/harness.ts';
import { domainReseller, registered, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { startTlsFront, type TlsFront } from './tls-front.ts';

/**
 * joker-dmapi 0.0.4 (npm, jheusala/node-joker-dmapi, a dev dependency) unchanged, in this
 * process, against the DMAPI listener behind a TLS front (it speaks HTTPS only): login with
 * username/password, query-domain-list, query-whois, query-profile, grants-list, domain-modify,
 * logout. It POSTs without a Content-Type and never reads Status-Code; its logout sends no
 * auth-sid (so it gets -401, which it ignores, and the session lives on until it times out).
 */

type Callback<T> = (err: unknown, data?: T) => void;
interface JokerDmapi {
  config(o: Record<string, unknown>): JokerDmapi;
  on(event: 'error', fn: (e: Error) => void): void;
  removeAllListeners(event: 'error'): void;
  login(args: { username: string; password: string }, fn: Callback<{ auth_id: string; uid: string; tlds: string[] }>): void;
  logout(fn: Callback<void>): void;
  'query-domain-list'(args: Record<string, string | number>, fn: Callback<string>): void;
  'query-whois'(args: Record<string, string>, fn: Callback<Record<string, string>>): void;
  'query-profile'(fn: Callback<Record<string, string>>): void;
  'grants-list'(args: Record<string, string>, fn: Callback<string>): void;
  'domain-modify'(args: Record<string, string>, fn: Callback<void>): void;
}

function loadJokerDmapi(): JokerDmapi | undefined {
  try {
    return createRequire(import.meta.url)('joker-dmapi') as JokerDmapi;
  } catch {
    if (process.env.CI === 'true') throw new Error('joker-dmapi is required under CI (a pinned dev dependency: npm install)');
    return undefined;
  }
}
const jd = loadJokerDmapi();
const skip = !jd && 'joker-dmapi not installed (npm install)';

/** Calls a joker-dmapi function and resolves with its callback's data; a transport error fails. */
function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    jd!.on('error', reject);
    fn((err, data) => {
      jd!.removeAllListeners('error');
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(data as T);
    });
  });
}

forEachDatabase('interop: joker-dmapi 0.0.4 (npm) over HTTPS', (t) => {
  let front: TlsFront | undefined;
  let alice: DomainReseller;
  let savedCa: unknown;

  before(async () => {
    if (skip) return;
    await t().app.http.listen({ port: 0, host: '127.0.0.1' });
    front = await startTlsFront((t().app.http.server.address() as AddressInfo).port);
    // joker-dmapi uses https.request with the global agent: trust the test CA there.
    savedCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = readFileSync(front.caFile);
    jd!.config({ host: '127.0.0.1', port: front.tlsPort });
    alice = await domainReseller(t(), 'jd-alice');
    await registered(t(), alice, 'joker-dmapi-one.com');
    await registered(t(), alice, 'joker-dmapi-two.com');
  });
  after(async () => {
    if (skip) return;
    https.globalAgent.options.ca = savedCa as typeof https.globalAgent.options.ca;
    await front?.close();
  });

  it('logs in with username and password: auth_id, uid and the TLD list', { skip }, async () => {
    const login = await call<{ auth_id: string; uid: string; tlds: string[] }>((cb) => jd!.login({ username: 'jd-alice', password: 'secret-pw' }, cb));
    assert.match(login.auth_id, /^[0-9a-f]{32}$/);
    assert.equal(login.uid, String(alice.id));
    assert.ok(login.tlds.includes('com') && login.tlds.includes('de'), login.tlds.join(','));
  });

  it('query-domain-list (it always sends showstatus and showgrants), query-whois, query-profile, grants-list', { skip }, async () => {
    const list = await call<string>((cb) => jd!['query-domain-list']({ pattern: 'joker-dmapi-*' }, cb));
    assert.match(list, /^joker-dmapi-one\.com \d{4}-\d\d-\d\d\njoker-dmapi-two\.com \d{4}-\d\d-\d\d$/);
    const withStatus = await call<string>((cb) => jd!['query-domain-list']({ pattern: 'joker-dmapi-one.com', showstatus: 1 }, cb));
    assert.match(withStatus, /^joker-dmapi-one\.com \d{4}-\d\d-\d\d production$/);

    const whois = await call<Record<string, string>>((cb) => jd!['query-whois']({ domain: 'joker-dmapi-one.com' }, cb));
    assert.equal(whois['domain.fqdn'], 'joker-dmapi-one.com');
    assert.equal(whois['domain.owner-c'], alice.contact);
    assert.match(whois['domain.expires']!, /^\d{14}$/, 'Net::Joker::DMAPI parses YYYYMMDDHHMMSS');
    const contact = await call<Record<string, string>>((cb) => jd!['query-whois']({ contact: alice.contact }, cb));
    assert.equal(contact['contact.handle'], alice.contact);

    const profile = await call<Record<string, string>>((cb) => jd!['query-profile'](cb));
    assert.equal(profile['customer-id'], String(alice.id));
    assert.match(profile['balance']!, /^\d+\.\d\d$/);

    const grants = await call<string>((cb) => jd!['grants-list']({ domain: 'joker-dmapi-one.com' }, cb));
    assert.equal(grants, '', 'no grants on a new domain');
  });

  it('domain-modify is accepted (it reads nothing back) and the worker applies it', { skip }, async () => {
    const before = await t().app.deps.db.selectFrom('results').select('id').where('request_type', '=', 'domain-modify').execute();
    await call<void>((cb) => jd!['domain-modify']({ domain: 'joker-dmapi-one.com', 'ns-list': 'b.ns.joker.com:a.ns.joker.com' }, cb));
    const results = await t().app.deps.db.selectFrom('results').select(['id', 'object_name']).where('request_type', '=', 'domain-modify').execute();
    assert.equal(results.length, before.length + 1, 'the request arrived and was accepted');
    await t().work();
    const row = await t().app.deps.db.selectFrom('results').select(['status', 'content']).where('id', '=', results.at(-1)!.id).executeTakeFirstOrThrow();
    assert.equal(row.status, 'ack', row.content ?? '');
  });

  it('logout (sent without auth-sid) completes for it; the server said -401 and the session lives on', { skip }, async () => {
    const sessions = () => t().app.deps.db.selectFrom('sessions').select(['ended_at']).where('account_id', '=', alice.id).execute();
    const open = (await sessions()).filter((s) => s.ended_at === null).length;
    await call<void>((cb) => jd!.logout(cb));
    assert.equal((await sessions()).filter((s) => s.ended_at === null).length, open);
  });
});
