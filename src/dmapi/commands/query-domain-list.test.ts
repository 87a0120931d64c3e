import { it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { insertDomain } from '../../../test/helpers/test-commands.ts';
import { insertDomain as insertDomainRow } from '../../../test/helpers/domain-rows.ts';
import { DAY } from '../../core/clock.ts';
import { sql } from 'kysely';
import { domainNameTrigrams, globMatch } from '../../db/sql-helpers.ts';
import { addGrant } from '../../../test/helpers/zones.ts';
import { domainReseller, domainRow, later, performed, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';

const exp = (iso: string) => Date.parse(`${iso}T10:00:00Z`);

forEachDatabase('query-domain-list', (t) => {
  it('answers an empty list as success: Columns header, empty body, reply ending in a blank line', async () => {
    const r = await t().reseller('qdl-alice');
    const res = await t().call('query-domain-list', { 'auth-sid': r.sid });
    assert.equal(res.code, 0);
    assert.equal(res.get('Status-Text'), 'Command completed successfully');
    assert.equal(res.get('Columns'), 'domain,expiration_date');
    assert.equal(res.body, '');
    assert.ok(res.raw.endsWith('\n\n'));
  });

  it('lists the domains sorted by name with their expiration dates, the last line without a newline', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-bob');
    const now = clock.now();
    await insertDomain(app.deps.db, r.account.id, 'zulu-qdl.com', now, exp('2027-03-01'));
    await insertDomain(app.deps.db, r.account.id, 'alpha-qdl.net', now, exp('2026-12-31'));
    await insertDomain(app.deps.db, r.account.id, 'mike-qdl.org', now, exp('2028-01-15'));
    const res = await call('query-domain-list', { 'auth-sid': r.sid });
    assert.equal(res.get('Columns'), 'domain,expiration_date');
    assert.equal(res.body, 'alpha-qdl.net 2026-12-31\nmike-qdl.org 2028-01-15\nzulu-qdl.com 2027-03-01');
  });

  it('filters with a * / ? pattern, case-insensitively', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-carol');
    for (const name of ['shop-qdl.com', 'shop-qdl.net', 'shoe-qdl.com', 'blog-qdl.com']) await insertDomain(app.deps.db, r.account.id, name, clock.now(), clock.now() + 365 * DAY);
    const names = async (pattern: string) => (await call('query-domain-list', { 'auth-sid': r.sid, pattern })).body.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
    assert.deepEqual(await names('shop-qdl.*'), ['shop-qdl.com', 'shop-qdl.net']);
    assert.deepEqual(await names('sho?-qdl.com'), ['shoe-qdl.com', 'shop-qdl.com']);
    assert.deepEqual(await names('*.COM'), ['blog-qdl.com', 'shoe-qdl.com', 'shop-qdl.com']);
    assert.deepEqual(await names('*'), ['blog-qdl.com', 'shoe-qdl.com', 'shop-qdl.com', 'shop-qdl.net']);
    assert.deepEqual(await names('shop'), []);
    assert.deepEqual(await names('shop_qdl.com'), [], '_ is not a wildcard');
    assert.equal((await call('query-domain-list', { 'auth-sid': r.sid, pattern: 'nothing*' })).body, '');
  });

  it('pages with from/to (1-based positions in the sorted list)', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-dan');
    for (const name of ['a-qdl.com', 'b-qdl.com', 'c-qdl.com', 'd-qdl.com', 'e-qdl.com']) await insertDomain(app.deps.db, r.account.id, name, clock.now(), clock.now() + DAY);
    const names = async (p: Record<string, string | number>) => (await call('query-domain-list', { 'auth-sid': r.sid, ...p })).body.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
    assert.deepEqual(await names({ from: 1, to: 2 }), ['a-qdl.com', 'b-qdl.com']);
    assert.deepEqual(await names({ from: 2, to: 4 }), ['b-qdl.com', 'c-qdl.com', 'd-qdl.com']);
    assert.deepEqual(await names({ from: 4 }), ['d-qdl.com', 'e-qdl.com']);
    assert.deepEqual(await names({ to: 1 }), ['a-qdl.com']);
    assert.deepEqual(await names({ from: 3, to: 2 }), []);
    assert.deepEqual(await names({ from: 9 }), []);
    // The seeds' Python example sends to= empty: no upper bound.
    assert.deepEqual(await names({ from: 1, to: '' }), ['a-qdl.com', 'b-qdl.com', 'c-qdl.com', 'd-qdl.com', 'e-qdl.com']);
    const bad = await call('query-domain-list', { 'auth-sid': r.sid, from: 0 });
    assert.equal(bad.code, 2004);
    assert.match(bad.get('Error')!, /^invalid 'from' \(must be between 1 and/);
    assert.equal((await call('query-domain-list', { 'auth-sid': r.sid, to: 'x' })).code, 2005);
  });

  it('adds the status column with showstatus=1', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-erin');
    await insertDomain(app.deps.db, r.account.id, 'plain-qdl.com', clock.now(), exp('2027-01-01'));
    await insertDomain(app.deps.db, r.account.id, 'locked-qdl.com', clock.now(), exp('2027-02-01'), { locked: true, autorenew: true });
    const res = await call('query-domain-list', { 'auth-sid': r.sid, showstatus: 1 });
    assert.equal(res.get('Columns'), 'domain,expiration_date,domain_status');
    assert.equal(res.body, 'locked-qdl.com 2027-02-01 production,lock,autorenew\nplain-qdl.com 2027-01-01 production');
    const off = await call('query-domain-list', { 'auth-sid': r.sid, showstatus: 0 });
    assert.equal(off.get('Columns'), 'domain,expiration_date');
  });

  it("never lists another reseller's domains", async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-frank');
    const other = await t().reseller('qdl-gina');
    await insertDomain(app.deps.db, other.account.id, 'theirs-qdl.com', clock.now(), clock.now() + DAY);
    assert.equal((await call('query-domain-list', { 'auth-sid': r.sid, pattern: 'theirs*' })).body, '');
    assert.equal((await call('query-domain-list', { 'auth-sid': other.sid, pattern: 'theirs*' })).body.split(' ')[0], 'theirs-qdl.com');
  });

  it('is open to read-only keys (GET too) and refused without a session', async () => {
    const { call } = t();
    const r = await t().reseller('qdl-hank');
    assert.equal((await call('query-domain-list', { 'auth-sid': await r.session('read-only'), pattern: '*' }, { method: 'GET' })).code, 0);
    assert.equal((await call('query-domain-list')).code, -401);
  });
});

forEachDatabase('query-domain-list columns of registered domains', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  const list = (params: Record<string, string | number>, sid = alice.sid) => t().call('query-domain-list', { 'auth-sid': sid, ...params });
  const day = async (name: string) => new Date((await domainRow(t(), name))!.expires_at).toISOString().slice(0, 10);

  it('setup', async () => {
    alice = await domainReseller(t(), 'qdlc-alice');
    bob = await domainReseller(t(), 'qdlc-bob');
    const [a, b] = t().app.deps.config.dnsNameservers;
    await registered(t(), alice, 'a-qdlc.com', { autorenew: 1, 'ns-list': `${a}:${b}` });
    await registered(t(), alice, 'b-qdlc.com', { privacy: 'pro' });
    await registered(t(), bob, 'c-qdlc.com');
    assert.equal((await performed(t(), alice.sid, 'domain-lock', { domain: 'b-qdlc.com' })).status, 'ack');
  });

  it('adds every column in the documented order with all flags on', async () => {
    const r = await list({ showstatus: 1, showgrants: 1, showprivacy: 1, showjokerns: 1 });
    assert.equal(r.get('Columns'), 'domain,expiration_date,domain_status,own_role,invitation_possible,number_of_confirmed_grants,pending_invitations,privacy-status,privacy-origin,privacy-expiration,jokerns');
    const [a, b] = [await day('a-qdlc.com'), await day('b-qdlc.com')];
    assert.equal(r.body, `a-qdlc.com ${a} production,autorenew @creator true 0 0 off off - 1\nb-qdlc.com ${b} production,lock @creator true 0 0 pro pro ${b} 0`);
  });

  it('lists domains granted to the account with its roles; grant counts only for the holder', async () => {
    const id = (await domainRow(t(), 'c-qdlc.com'))!.id;
    await addGrant(t(), id, bob.id, alice.id, '@tech');
    await addGrant(t(), id, bob.id, alice.id, '@billing');
    const r = await list({ showgrants: 1 });
    const c = await day('c-qdlc.com');
    assert.match(r.body, new RegExp(`^c-qdlc.com ${c} @tech,@billing false undef undef$`, 'm'));
    const holder = await list({ showgrants: 1 }, bob.sid);
    assert.equal(holder.body, `c-qdlc.com ${c} @creator true 2 0`);
    // Paging runs over the merged, sorted list.
    assert.deepEqual((await list({ from: 2, to: 3 })).body.split('\n').map((l) => l.split(' ')[0]), ['b-qdlc.com', 'c-qdlc.com']);
    assert.deepEqual((await list({ pattern: 'c-*' })).body.split(' ')[0], 'c-qdlc.com');
  });

  it('leaves out deleted domains (in redemption): WHMCS restores what the list no longer shows', async () => {
    alice = await later(t(), alice, 10 * DAY);
    assert.equal((await performed(t(), alice.sid, 'domain-delete', { domain: 'a-qdlc.com', force: 1 })).status, 'ack');
    assert.doesNotMatch((await list({})).body, /a-qdlc.com/);
    assert.match((await list({})).body, /^b-qdlc.com /m);
  });

  it('streams a whole list of thousands a page at a time over HTTP (chunked), the same lines as in one piece', async () => {
    const { app, clock } = t();
    const r = await t().reseller('qdl-many');
    const names = Array.from({ length: 4321 }, (_, i) => `n${String(i).padStart(5, '0')}-qdlm.com`);
    const rows = names.map((name) => ({ account_id: r.account.id, name, tld: 'com', created_at: clock.now(), expires_at: exp('2027-05-01'), updated_at: clock.now(), autorenew: 1, locked: 0 }));
    for (let i = 0; i < rows.length; i += 500) await app.deps.db.insertInto('domains').values(rows.slice(i, i + 500)).execute();
    const expected = names.map((n) => `${n} 2027-05-01 production,autorenew`).join('\n');
    // In one piece: what a caller that does not stream (the web console) gets from the dispatcher.
    const whole = await app.dispatcher.dispatch({ name: 'query-domain-list', params: { 'auth-sid': r.sid, showstatus: '1' }, ip: '127.0.0.1' });
    assert.equal(whole.more, undefined);
    assert.ok(whole.text.endsWith(`\n\n${expected}`));
    // A listener of its own onto the app's routes (the harness keeps app.http for inject).
    await app.http.ready();
    const server = createServer((req, res) => app.http.routing(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/request/query-domain-list?auth-sid=${r.sid}&showstatus=1`);
      assert.equal(res.headers.get('transfer-encoding'), 'chunked');
      const text = await res.text();
      assert.equal(text.slice(text.indexOf('\n\n') + 2), expected, 'every name once, in order, the last line without a newline');
      assert.match(text, /^Status-Code: 0\nStatus-Text: Command completed successfully\n/);
      // A pattern and from/to still work on the big list.
      const some = await fetch(`http://127.0.0.1:${port}/request/query-domain-list?auth-sid=${r.sid}&pattern=n0421*`);
      assert.equal((await some.text()).split('\n\n')[1]!.split('\n').length, 10);
      const paged = await fetch(`http://127.0.0.1:${port}/request/query-domain-list?auth-sid=${r.sid}&from=4000&to=4001`);
      assert.equal((await paged.text()).split('\n\n')[1], `${names[3999]} 2027-05-01\n${names[4000]} 2027-05-01`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('finds *xyz* patterns through the trigram index, kept in step with inserts, renames and deletions', async () => {
    const { app, clock } = t();
    const r = await t().reseller('qdl-trgm');
    const db = app.deps.db;
    await insertDomainRow(db, r.account.id, 'abcxyzdef-qdlt.com', clock.now());
    const moving = await insertDomainRow(db, r.account.id, 'plain-qdlt.com', clock.now());
    const gone = await insertDomainRow(db, r.account.id, 'xyzgone-qdlt.com', clock.now());
    const names = async (pattern: string) => (await t().call('query-domain-list', { 'auth-sid': r.sid, pattern })).body.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
    assert.deepEqual(await names('*xyz*'), ['abcxyzdef-qdlt.com', 'xyzgone-qdlt.com']);
    await db.updateTable('domains').set({ name: 'renamed-xyz-qdlt.com' }).where('id', '=', moving).execute();
    await db.deleteFrom('domains').where('id', '=', gone).execute();
    assert.deepEqual(await names('*XYZ*'), ['abcxyzdef-qdlt.com', 'renamed-xyz-qdlt.com']);
    assert.deepEqual(await names('*c?yz*qdlt*'), ['abcxyzdef-qdlt.com'], 'the LIKE still decides: the index only narrows');
    assert.deepEqual(await names('*xy*'), ['abcxyzdef-qdlt.com', 'renamed-xyz-qdlt.com'], 'runs under three letters go without it');
    if (app.deps.dialect === 'sqlite') {
      const plan = await sql<{ detail: string }>`explain query plan select id from domains where ${globMatch(db, 'name', '*xyz*', { trigrams: domainNameTrigrams })}`.execute(db);
      assert.ok(plan.rows.some((p) => /VIRTUAL TABLE/.test(p.detail)), JSON.stringify(plan.rows));
    } else {
      const idx = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'domains_name_trgm' and schemaname = current_schema()`.execute(db);
      assert.match(idx.rows[0]?.indexdef ?? '', /USING gin .*gin_trgm_ops/);
    }
  });
});
