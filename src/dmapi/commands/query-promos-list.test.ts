import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { DAY } from '../../core/clock.ts';
import { addPromo } from '../../billing/promos.ts';

const COLUMNS = 'type,operation,tld,currency,vat,price,standard_price,retail_price,min_period,max_period,period_type,valid_from,valid_to';

forEachDatabase('query-promos-list', (t) => {
  let now = 0;
  const iso = (at: number) => new Date(at).toISOString();

  // The seed's shape: flex one-year promos and a run of exact multi-year ones for one TLD.
  before(async () => {
    const db = t().app.deps.db;
    now = t().clock.now();
    const current = { validFrom: now - 10 * DAY, validTo: now + 20 * DAY };
    await addPromo(db, { tld: 'blog', operation: 'create', currency: 'EUR', price: 372, minYears: 1, maxYears: 1, periodType: 'flex', ...current }, now);
    await addPromo(db, { tld: 'com', operation: 'create', currency: 'EUR', price: 899, minYears: 1, maxYears: 3, periodType: 'flex', ...current }, now);
    for (const [years, price] of [[1, 191], [2, 1000], [3, 1810]] as const) {
      await addPromo(db, { tld: 'app', operation: 'create', currency: 'EUR', price, minYears: years, maxYears: years, periodType: 'exact', ...current }, now);
    }
    await addPromo(db, { tld: 'eu', operation: 'renew', currency: 'EUR', price: 325, minYears: 1, maxYears: 1, periodType: 'flex', validFrom: now + 5 * DAY, validTo: now + 35 * DAY }, now);
    await addPromo(db, { tld: 'org', operation: 'transfer', currency: 'EUR', price: 100, minYears: 1, maxYears: 1, periodType: 'flex', validFrom: now - 30 * DAY, validTo: now - DAY }, now);
    await addPromo(db, { tld: 'com', operation: 'create', currency: 'USD', price: 999, minYears: 1, maxYears: 1, periodType: 'flex', ...current }, now);
    await addPromo(db, { tld: 'nosuch', operation: 'create', currency: 'EUR', price: 100, minYears: 1, maxYears: 1, periodType: 'flex', ...current }, now);
  });

  const rows = (body: string) => body.split('\n').filter(Boolean).map((l) => l.split('\t'));

  it('lists the current promos with netto prices, the VAT rate and the validity (seed layout)', async () => {
    const r = await t().reseller('euro-de', { currency: 'EUR', rebateBp: 2000, profile: { country: 'DE' } });
    const res = await t().call('query-promos-list', { 'auth-sid': r.sid });
    assert.equal(res.code, 0);
    assert.equal(res.get('Separator'), 'TAB');
    assert.equal(res.get('Columns'), COLUMNS);
    const from = iso(now - 10 * DAY);
    const to = iso(now + 20 * DAY);
    assert.equal(
      res.body,
      [
        // app create: retail 16.90 × 0.92 = 15.55/year; rebate 20 % → 12.44; exact rows price whole periods.
        ['domain', 'create', 'app', 'EUR', '0.19', '1.91', '12.44', '15.55', '1', '1', 'exact', from, to],
        ['domain', 'create', 'app', 'EUR', '0.19', '10.0', '24.88', '31.1', '2', '2', 'exact', from, to],
        ['domain', 'create', 'app', 'EUR', '0.19', '18.1', '37.32', '46.65', '3', '3', 'exact', from, to],
        ['domain', 'create', 'blog', 'EUR', '0.19', '3.72', '18.33', '22.91', '1', '1', 'flex', from, to],
        ['domain', 'create', 'com', 'EUR', '0.19', '8.99', '8.28', '10.35', '1', '3', 'flex', from, to],
        ['domain', 'create', 'nosuch', 'EUR', '0.19', '1.0', 'n/a', 'n/a', '1', '1', 'flex', from, to],
        '',
      ]
        .map((x) => (Array.isArray(x) ? x.join('\t') : x))
        .join('\n'),
    );
  });

  it('selects upcoming or all promos by type; ended ones never appear', async () => {
    const r = await t().reseller('types', { currency: 'EUR' });
    const upcoming = rows((await t().call('query-promos-list', { 'auth-sid': r.sid, type: 'upcoming' })).body);
    assert.deepEqual(upcoming.map((x) => [x[1], x[2], x[11]]), [['renew', 'eu', iso(now + 5 * DAY)]]);
    const all = rows((await t().call('query-promos-list', { 'auth-sid': r.sid, type: 'ALL' })).body);
    assert.deepEqual(all.map((x) => x[2]), ['app', 'app', 'app', 'blog', 'com', 'eu', 'nosuch']);
    const current = rows((await t().call('query-promos-list', { 'auth-sid': r.sid, type: 'current' })).body);
    assert.ok(!current.some((x) => x[2] === 'eu' || x[2] === 'org'));
    const bad = await t().call('query-promos-list', { 'auth-sid': r.sid, type: 'past' });
    assert.equal(bad.code, 2005);
    assert.match(bad.get('Error')!, /^invalid 'type' \(must be one of current, upcoming, all/);
  });

  it('lists in the requested currency and computes VAT for the requested country', async () => {
    const r = await t().reseller('us-reseller', { currency: 'USD', profile: { country: 'US' } });
    const usd = rows((await t().call('query-promos-list', { 'auth-sid': r.sid })).body);
    assert.deepEqual(usd.map((x) => x.slice(0, 8)), [['domain', 'create', 'com', 'USD', '0', '9.99', '11.25', '11.25']]);
    const eur = rows((await t().call('query-promos-list', { 'auth-sid': r.sid, currency: 'eur', country: 'at' })).body);
    assert.equal(eur.length, 6);
    assert.ok(eur.every((x) => x[3] === 'EUR' && x[4] === '0.2'));
    const fi = rows((await t().call('query-promos-list', { 'auth-sid': r.sid, currency: 'EUR', country: 'FI' })).body);
    assert.equal(fi[0]![4], '0.255');
    const none = await t().call('query-promos-list', { 'auth-sid': r.sid, currency: 'GBP' });
    assert.equal(none.code, 0);
    assert.equal(none.body, '');
    const badCurrency = await t().call('query-promos-list', { 'auth-sid': r.sid, currency: 'XYZ' });
    assert.equal(badCurrency.code, 2005);
    assert.match(badCurrency.get('Error')!, /^invalid 'currency' \(must be one of/);
    const badCountry = await t().call('query-promos-list', { 'auth-sid': r.sid, country: 'D1' });
    assert.equal(badCountry.code, 2005);
  });

  it('drops a promo from current once its window has passed', async () => {
    const r = await t().reseller('later', { currency: 'EUR' });
    t().clock.advance(20 * DAY + 1);
    const sid = await r.session('read-only');
    const res = rows((await t().call('query-promos-list', { 'auth-sid': sid })).body);
    assert.deepEqual(res.map((x) => [x[1], x[2]]), [['renew', 'eu']]);
    assert.equal((await t().call('query-promos-list', {})).code, -401);
  });
});
