import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type Reseller } from '../../../test/helpers/harness.ts';
import { DAY } from '../../core/clock.ts';
import { charge, commitReservation, recordOrder, refund, releaseReservation, reserve, topUp } from '../../billing/ledger.ts';
import { createApiKey } from '../../services/accounts.ts';

const COLUMNS = 'order_id,proc_id,created_at,status,type,amount_brutto,amount_netto,currency,identifier';
const iso = (at: number) => new Date(at).toISOString().slice(0, 19) + 'Z';
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

forEachDatabase('query-order-list', (t) => {
  let alice: Reseller;
  let bob: Reseller;
  /** Order ids by name, and the instant each was placed. */
  const ids: Record<string, number> = {};
  const at: Record<string, number> = {};

  // A history spread over four years: the clock moves forward while orders are placed.
  before(async () => {
    const { app, clock } = t();
    const db = app.deps.db;
    alice = await t().reseller('alice', { balance: 0 });
    bob = await t().reseller('bob', { balance: 0 });
    const A = alice.account.id;
    const step = async (name: string, days: number, fn: (now: number) => Promise<number>) => {
      clock.advance(days * DAY);
      at[name] = clock.now();
      ids[name] = await fn(clock.now());
    };
    await step('topup', 0, async (now) => (await topUp(db, { accountId: A, amount: 100_000, now })).orderId);
    await step('ancient', 1, async (now) => (await charge(db, { accountId: A, type: 'create', identifier: 'ancient.com', tld: 'com', procId: 1000, now, price: { netto: 1125, vatBp: 0, brutto: 1125 } })).orderId);
    await step('old', 3 * 365, async (now) => (await charge(db, { accountId: A, type: 'renew', identifier: 'old.net', tld: 'net', procId: 1001, now, price: { netto: 1290, vatBp: 0, brutto: 1290 } })).orderId);
    await step('create', 200, async (now) => (await charge(db, { accountId: A, type: 'create', identifier: 'example.com', tld: 'com', procId: 1002, now, price: { netto: 1125, vatBp: 1900, brutto: 1339 } })).orderId);
    await step('contact', 25, async (now) => recordOrder(db, { accountId: A, type: 'create-contact', identifier: 'CCOM-4711', procId: 1003, status: 'ok', now }));
    await step('renew', 5, async (now) => (await charge(db, { accountId: A, type: 'renew', identifier: 'example.org', tld: 'org', procId: 1004, now, price: { netto: 1190, vatBp: 0, brutto: 1190 } })).orderId);
    await step('privacy', 1, async (now) => (await charge(db, { accountId: A, type: 'privacy_pp2', identifier: 'example.com', tld: 'com', procId: 1005, now, price: { netto: 600, vatBp: 0, brutto: 600 } })).orderId);
    await step('failed', 1, async (now) => {
      const r = await reserve(db, { accountId: A, type: 'transfer', identifier: 'xn--bcher-kva.com', tld: 'com', procId: 1006, now, price: { netto: 1125, vatBp: 0, brutto: 1125 } });
      await releaseReservation(db, { accountId: A, orderId: r.orderId, now });
      return r.orderId;
    });
    await step('refund', 1, async (now) => (await refund(db, { accountId: A, orderId: ids['renew']!, now, procId: 1007 })).orderId);
    await step('pending', 1, async (now) => (await reserve(db, { accountId: A, type: 'renew', identifier: 'sub.example.co.uk', tld: 'co.uk', procId: 1008, now, price: { netto: 790, vatBp: 0, brutto: 790 } })).orderId);
    await step('bob', 0, async (now) => {
      await topUp(db, { accountId: bob.account.id, amount: 5000, now });
      return (await charge(db, { accountId: bob.account.id, type: 'create', identifier: 'example.net', tld: 'net', procId: 2000, now, price: { netto: 1290, vatBp: 0, brutto: 1290 } })).orderId;
    });
    // Sessions expire after an hour of inactivity: log in afresh at the end of the history.
    alice.sid = await alice.session('full');
    bob.sid = await bob.session('full');
  });

  const call = (params: Record<string, string | number>, who: Reseller = alice) => t().call('query-order-list', { 'auth-sid': who.sid, ...params });
  const idsOf = (body: string) => body.split('\n').filter(Boolean).map((l) => Number(l.split(/[\t,;|]/)[0]));

  it('lists the last 30 days of charged orders, newest first, with the seed columns', async () => {
    const r = await call({});
    assert.equal(r.code, 0);
    assert.equal(r.get('Columns'), COLUMNS);
    assert.equal(r.get('Row-Count'), '5');
    assert.equal(r.get('Separator'), undefined);
    assert.deepEqual(idsOf(r.body), [ids['pending'], ids['refund'], ids['failed'], ids['privacy'], ids['renew']]);
    assert.equal(
      r.body,
      [
        `${ids['pending']}\t1008\t${iso(at['pending']!)}\tpending\trenew\t7.90\t7.90\tUSD\tsub.example.co.uk`,
        `${ids['refund']}\t1007\t${iso(at['refund']!)}\tok\trenew\t-11.90\t-11.90\tUSD\texample.org`,
        `${ids['failed']}\t1006\t${iso(at['failed']!)}\terror\ttransfer\t11.25\t11.25\tUSD\txn--bcher-kva.com`,
        `${ids['privacy']}\t1005\t${iso(at['privacy']!)}\tok\tprivacy_pp2\t6.00\t6.00\tUSD\texample.com`,
        `${ids['renew']}\t1004\t${iso(at['renew']!)}\tok\trenew\t11.90\t11.90\tUSD\texample.org`,
        '',
      ].join('\n'),
    );
  });

  it('includes free orders with show-all, amount 0 and an empty currency', async () => {
    const r = await call({ 'show-all': 1 });
    assert.deepEqual(idsOf(r.body), [ids['pending'], ids['refund'], ids['failed'], ids['privacy'], ids['renew'], ids['contact']]);
    assert.ok(r.body.endsWith(`${ids['contact']}\t1003\t${iso(at['contact']!)}\tok\tcreate-contact\t0\t0\t\tCCOM-4711\n`));
    // The 30-day default window starts after the create order; show-all reaches it only with dates.
    assert.ok(!idsOf(r.body).includes(ids['create']!));
    assert.ok(idsOf((await call({ 'show-all': 1, after: day(at['create']!) })).body).includes(ids['create']!));
  });

  it('takes after/before as inclusive days and cuts longer windows to 90 days silently', async () => {
    const single = await call({ after: day(at['renew']!), before: day(at['renew']!) });
    assert.deepEqual(idsOf(single.body), [ids['renew']]);
    const both = await call({ after: day(at['create']!), before: day(at['renew']!) });
    assert.deepEqual(idsOf(both.body), [ids['renew'], ids['create']]);
    // From the day of `old`, 90 days on: `create` (200 days later) is outside.
    const long = await call({ after: day(at['old']!), before: day(at['pending']!) });
    assert.deepEqual(idsOf(long.body), [ids['old']]);
    const onlyBefore = await call({ before: day(at['create']!) });
    assert.deepEqual(idsOf(onlyBefore.body), [ids['create']]);
    const onlyAfter = await call({ after: day(at['privacy']!) });
    assert.deepEqual(idsOf(onlyAfter.body), [ids['pending'], ids['refund'], ids['failed'], ids['privacy']]);
  });

  it('hides orders older than 3 years, and older than 90 days with show-all', async () => {
    const ancient = await call({ after: day(at['ancient']!) });
    assert.equal(ancient.body, '');
    const old = await call({ after: day(at['old']!) });
    assert.deepEqual(idsOf(old.body), [ids['old']]);
    const oldAll = await call({ after: day(at['old']!), 'show-all': 1 });
    assert.equal(oldAll.body, '');
    assert.equal(oldAll.get('Row-Count'), '0');
  });

  it('filters by type, status, tld, fqdn and fqdn-like', async () => {
    const window = { after: day(at['create']!) };
    assert.deepEqual(idsOf((await call({ ...window, type: 'renew' })).body), [ids['pending'], ids['refund'], ids['renew']]);
    assert.deepEqual(idsOf((await call({ ...window, type: 'PRIVACY_PP2' })).body), [ids['privacy']]);
    assert.deepEqual(idsOf((await call({ ...window, status: 'error' })).body), [ids['failed']]);
    assert.deepEqual(idsOf((await call({ ...window, status: 'pending' })).body), [ids['pending']]);
    assert.deepEqual(idsOf((await call({ ...window, tld: 'com' })).body), [ids['failed'], ids['privacy'], ids['create']]);
    assert.deepEqual(idsOf((await call({ ...window, tld: '.co.uk' })).body), [ids['pending']]);
    assert.deepEqual(idsOf((await call({ ...window, fqdn: 'Example.COM' })).body), [ids['privacy'], ids['create']]);
    assert.deepEqual(idsOf((await call({ ...window, 'fqdn-like': '*.org' })).body), [ids['refund'], ids['renew']]);
    assert.deepEqual(idsOf((await call({ ...window, 'fqdn-like': 'example.???' })).body), [ids['refund'], ids['privacy'], ids['renew'], ids['create']]);
    assert.deepEqual(idsOf((await call({ ...window, 'show-all': 1, 'fqdn-like': 'ccom-*' })).body), [ids['contact']]);
    assert.deepEqual(idsOf((await call({ ...window, type: 'lock' })).body), []);
  });

  it('searches by order and proc id ranges without the 30-day default, capped by limit', async () => {
    assert.deepEqual(idsOf((await call({ 'order-id': ids['create']! })).body), [ids['create']]);
    assert.deepEqual(idsOf((await call({ 'order-id-after': ids['privacy']!, 'order-id-before': ids['refund']! })).body), [ids['refund'], ids['failed'], ids['privacy']]);
    assert.deepEqual(idsOf((await call({ 'proc-id': 1001 })).body), [ids['old']]);
    assert.deepEqual(idsOf((await call({ 'proc-id-after': 1004, 'proc-id-before': 1005 })).body), [ids['privacy'], ids['renew']]);
    // ancient (proc 1000) is beyond the 3-year horizon, the contact order is free.
    assert.deepEqual(idsOf((await call({ 'proc-id-after': 1000 })).body).length, 7);
    assert.deepEqual(idsOf((await call({ 'proc-id-after': 1000, limit: 2 })).body), [ids['pending'], ids['refund']]);
    assert.deepEqual(idsOf((await call({ 'proc-id-after': 1000, limit: 2, asc: 1 })).body), [ids['old'], ids['create']]);
    assert.equal((await call({ 'order-id-after': 1, limit: 5000 })).get('Row-Count'), '7');
    // With dates, the id range and the window apply independently and limit is ignored.
    assert.deepEqual(idsOf((await call({ 'proc-id-after': 1000, limit: 1, after: day(at['privacy']!) })).body), [ids['pending'], ids['refund'], ids['failed'], ids['privacy']]);
    assert.deepEqual(idsOf((await call({ 'proc-id': 1001, after: day(at['privacy']!) })).body), []);
    // Another reseller's order ids answer nothing.
    assert.deepEqual(idsOf((await call({ 'order-id': ids['bob']! })).body), []);
  });

  it('sorts ascending with asc=1', async () => {
    assert.deepEqual(idsOf((await call({ asc: 1 })).body), [ids['renew'], ids['privacy'], ids['failed'], ids['refund'], ids['pending']]);
  });

  it('uses the requested separator and decimal comma, and refuses comma with num-comma', async () => {
    const pipe = await call({ separator: 'pipe', 'order-id': ids['refund']! });
    assert.equal(pipe.body, `${ids['refund']}|1007|${iso(at['refund']!)}|ok|renew|-11.90|-11.90|USD|example.org\n`);
    const semi = await call({ separator: 'semicolon', 'num-comma': 1, 'order-id': ids['create']! });
    assert.equal(semi.body, `${ids['create']};1002;${iso(at['create']!)};ok;create;13,39;11,25;USD;example.com\n`);
    const comma = await call({ separator: 'comma', 'order-id': ids['create']! });
    assert.equal(comma.body, `${ids['create']},1002,${iso(at['create']!)},ok,create,13.39,11.25,USD,example.com\n`);
    const tabComma = await call({ 'num-comma': 'yes', 'order-id': ids['create']! });
    assert.ok(tabComma.body.includes('\t13,39\t11,25\t'));
    const bad = await call({ separator: 'comma', 'num-comma': 1 });
    assert.equal(bad.code, 2306);
    assert.match(bad.get('Error')!, /comma cannot be used together with num-comma/);
    const unknown = await call({ separator: 'space' });
    assert.equal(unknown.code, 2005);
    assert.match(unknown.get('Error')!, /^invalid 'separator' \(must be one of tab, comma, semicolon, pipe/);
  });

  it('answers csv=1 as a CSV file without DMAPI headers', async () => {
    const res = await t().app.http.inject({ method: 'GET', url: `/request/query-order-list?auth-sid=${alice.sid}&csv=1&num-comma=1&order-id-after=${ids['create']}&order-id-before=${ids['renew']}&show-all=1` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="orders.csv"');
    assert.ok(!res.body.includes('Status-Code'));
    assert.equal(
      res.body,
      [
        COLUMNS.replaceAll(',', ';'),
        `${ids['renew']};1004;${iso(at['renew']!)};ok;renew;11,90;11,90;USD;example.org`,
        `${ids['contact']};1003;${iso(at['contact']!)};ok;create-contact;0;0;;CCOM-4711`,
        `${ids['create']};1002;${iso(at['create']!)};ok;create;13,39;11,25;USD;example.com`,
        '',
      ].join('\n'),
    );
    const plain = await t().app.http.inject({ method: 'GET', url: `/request/query-order-list?auth-sid=${alice.sid}&csv=1&order-id=${ids['create']}` });
    assert.equal(plain.body, `${COLUMNS}\n${ids['create']},1002,${iso(at['create']!)},ok,create,13.39,11.25,USD,example.com\n`);
    // Errors stay DMAPI replies.
    const bad = await t().call('query-order-list', { 'auth-sid': alice.sid, csv: 1, 'per-page': 3 });
    assert.equal(bad.code, 2004);
  });

  it('pages with per-page (at least 10) and page, and counts with count-only', async () => {
    const all = idsOf((await call({ 'order-id-after': 1 })).body);
    assert.equal(all.length, 7);
    assert.deepEqual(idsOf((await call({ 'order-id-after': 1, 'per-page': 10 })).body), all);
    assert.deepEqual(idsOf((await call({ 'order-id-after': 1, 'per-page': 10, page: 2 })).body), []);
    assert.deepEqual(idsOf((await call({ 'order-id-after': 1, 'per-page': 10, page: 1, limit: 3 })).body), all.slice(0, 3));
    const small = await call({ 'per-page': 9 });
    assert.equal(small.code, 2004);
    assert.match(small.get('Error')!, /^invalid 'per-page' \(must be between 10/);
    assert.equal((await call({ page: 0 })).code, 2004);
    const count = await call({ 'count-only': 1 });
    assert.equal(count.get('Row-Count'), '5');
    assert.equal(count.body, 'Records: 5\n');
    assert.equal((await call({ 'count-only': 1, 'order-id-after': 1, limit: 4 })).body, 'Records: 4\n');
    assert.equal((await call({ 'count-only': 1, 'show-all': 1 })).body, 'Records: 6\n');
  });

  it('pages through more than one page in order', async () => {
    // 25 small charges for a fresh reseller: pages of 10, 10 and 5.
    const carol = await t().reseller('carol', { balance: 0 });
    const db = t().app.deps.db;
    await topUp(db, { accountId: carol.account.id, amount: 10_000, now: t().clock.now() });
    for (let i = 0; i < 25; i++) {
      t().clock.advance(1000);
      await charge(db, { accountId: carol.account.id, type: 'renew', identifier: `d${i}.com`, tld: 'com', now: t().clock.now(), price: { netto: 100, vatBp: 0, brutto: 100 } });
    }
    const sid = await carol.session('read-only');
    const page = async (n: number) => (await t().call('query-order-list', { 'auth-sid': sid, 'per-page': 10, page: n, asc: 1, type: 'renew' })).body.split('\n').filter(Boolean).map((l) => l.split('\t')[8]);
    assert.deepEqual(await page(1), Array.from({ length: 10 }, (_, i) => `d${i}.com`));
    assert.deepEqual(await page(3), Array.from({ length: 5 }, (_, i) => `d${20 + i}.com`));
    assert.deepEqual(await page(4), []);
  });

  it('rejects malformed dates, ids and types naming the parameter', async () => {
    const badDate = await call({ after: '2026-02-30' });
    assert.equal(badDate.code, 2005);
    assert.match(badDate.get('Error')!, /after must be a date YYYY-MM-DD/);
    const badType = await call({ type: 'refund' });
    assert.equal(badType.code, 2005);
    assert.match(badType.get('Error')!, /^invalid 'type' \(must be one of create, renew/);
    assert.equal((await call({ 'order-id': 'abc' })).code, 2005);
    assert.equal((await call({ status: 'done' })).code, 2005);
  });

  it('shows each reseller only its own orders, to any key scope', async () => {
    const r = await call({}, bob);
    const lines = r.body.split('\n').filter(Boolean).map((l) => l.split('\t').slice(3).join(' '));
    assert.deepEqual(lines, ['ok create 12.90 12.90 USD example.net', 'ok credit-increase -50.00 -50.00 USD ']);
    assert.equal(idsOf(r.body)[0], ids['bob']);
    const { key } = await createApiKey(t().app.deps.db, alice.account.id, 'read-only', 'ro', t().clock.now());
    const login = await t().call('login', { 'api-key': key });
    const ro = await t().call('query-order-list', { 'auth-sid': login.get('Auth-Sid')! });
    assert.equal(ro.code, 0);
    assert.equal(ro.get('Row-Count'), '5');
    const none = await t().call('query-order-list', {});
    assert.equal(none.code, -401);
  });

  it('lists a reservation as pending and, once committed, as ok', async () => {
    const db = t().app.deps.db;
    const dave = await t().reseller('dave', { balance: 0 });
    const now = t().clock.now();
    await topUp(db, { accountId: dave.account.id, amount: 2000, now });
    const r = await reserve(db, { accountId: dave.account.id, type: 'create', identifier: 'queued.com', tld: 'com', procId: 3000, now, price: { netto: 1125, vatBp: 0, brutto: 1125 } });
    const line = async () => (await t().call('query-order-list', { 'auth-sid': dave.sid, 'proc-id': 3000 })).body;
    assert.match(await line(), /\tpending\tcreate\t11\.25\t11\.25\tUSD\tqueued\.com\n$/);
    const bal = await t().call('query-account-balance', { 'auth-sid': dave.sid });
    assert.equal(bal.body, '8.75\t11.25\t20.00\tUSD\n');
    await commitReservation(db, { accountId: dave.account.id, orderId: r.orderId, now });
    assert.match(await line(), /\tok\tcreate\t11\.25/);
  });
});
