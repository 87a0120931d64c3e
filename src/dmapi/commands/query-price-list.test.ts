import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { DAY } from '../../core/clock.ts';
import { addPromo } from '../../billing/promos.ts';
import { deletePrices, setPrice } from '../../billing/prices.ts';
import { defaultPriceRows } from '../../billing/default-prices.ts';

const COLUMNS = 'type,operation,tld,tld-currency,currency,price-1y,price-2y,price-3y,price-4y,price-5y,price-6y,price-7y,price-8y,price-9y,price-10y,valid_from,valid_until';
const na = (n: number) => Array<string>(n).fill('n/a');

forEachDatabase('query-price-list', (t) => {
  const rowsOf = (body: string) => body.split('\n').filter(Boolean).map((l) => l.split('\t'));
  const find = (body: string, type: string, op: string, tld: string) => rowsOf(body).find((r) => r[0] === type && r[1] === op && r[2] === tld);

  it('lists every TLD and operation in the account currency, TAB-separated with Columns', async () => {
    const r = await t().reseller('plain');
    const res = await t().call('query-price-list', { 'auth-sid': r.sid });
    assert.equal(res.code, 0);
    assert.equal(res.get('Columns'), COLUMNS);
    assert.equal(res.get('Separator'), 'TAB');
    assert.ok(res.body.endsWith('\n'));
    const rows = rowsOf(res.body);
    assert.ok(rows.every((x) => x.length === 17));
    assert.deepEqual(find(res.body, 'domain', 'create', 'com'), ['domain', 'create', 'com', 'USD', 'USD', '11.25', '22.50', '33.75', '45.00', '56.25', '67.50', '78.75', '90.00', '101.25', '112.50', 'n/a', 'n/a']);
    assert.deepEqual(find(res.body, 'domain', 'rgp', 'com'), ['domain', 'rgp', 'com', 'USD', 'USD', '80.00', ...na(9), 'n/a', 'n/a']);
    assert.deepEqual(find(res.body, 'domain', 'create', 'de'), ['domain', 'create', 'de', 'EUR', 'USD', '4.90', ...na(9), 'n/a', 'n/a']);
    assert.deepEqual(find(res.body, 'domain', 'renew', 'fi')?.slice(5, 15), ['19.90', '39.80', '59.70', '79.60', '99.50', ...na(5)]);
    assert.deepEqual(find(res.body, 'domain', 'trustee', 'de')?.slice(5, 7), ['12.00', 'n/a']);
    assert.deepEqual(find(res.body, 'domain', 'trustee', 'eu')?.slice(5, 7), ['12.00', '24.00']);
    assert.deepEqual(find(res.body, 'domain', 'privacy-pro', 'com')?.slice(5, 7), ['6.00', '12.00']);
    // Every TLD of the shipped file, sorted, each with operations in a fixed order.
    const tlds = [...new Set(rows.map((x) => x[2]))];
    assert.deepEqual(tlds, [...new Set(defaultPriceRows().map((x) => x.tld))].sort());
    for (const tld of ['com', 'net', 'org', 'info', 'biz', 'de', 'eu', 'uk', 'co.uk', 'us', 'se', 'nu', 'fi', 'io', 'app', 'dev', 'blog', 'xxx', 'xn--3ds443g']) assert.ok(tlds.includes(tld), tld);
    assert.deepEqual(rows.filter((x) => x[2] === 'com').map((x) => x[1]), ['create', 'renew', 'transfer', 'rgp', 'privacy-basic', 'privacy-pro']);
  });

  it('includes the rebate and VAT in every price', async () => {
    const r = await t().reseller('rebated', { rebateBp: 1000, profile: { country: 'DE' } });
    const res = await t().call('query-price-list', { 'auth-sid': r.sid });
    // 1y: 11.25 → 10.13 netto → +1.92 VAT = 12.05; 2y: 22.50 → 20.25 → +3.85 = 24.10
    assert.deepEqual(find(res.body, 'domain', 'create', 'com')?.slice(5, 8), ['12.05', '24.10', '36.15']);
    const eur = await t().reseller('euro', { currency: 'EUR' });
    const e = await t().call('query-price-list', { 'auth-sid': eur.sid });
    assert.deepEqual(find(e.body, 'domain', 'create', 'com')?.slice(3, 6), ['USD', 'EUR', '10.35']);
    assert.ok(rowsOf(e.body).every((x) => x[4] === 'EUR'));
  });

  it('adds active and upcoming promos as domain_promo rows with their periods and validity', async () => {
    const { app, clock } = t();
    const now = clock.now();
    await addPromo(app.deps.db, { tld: 'blog', operation: 'create', currency: 'USD', price: 372, minYears: 1, maxYears: 2, periodType: 'flex', validFrom: now - DAY, validTo: now + 10 * DAY }, now);
    await addPromo(app.deps.db, { tld: 'blog', operation: 'renew', currency: 'USD', price: 1810, minYears: 3, maxYears: 3, periodType: 'exact', validFrom: now + 5 * DAY, validTo: now + 20 * DAY }, now);
    await addPromo(app.deps.db, { tld: 'blog', operation: 'transfer', currency: 'USD', price: 100, minYears: 1, maxYears: 1, periodType: 'flex', validFrom: now - 9 * DAY, validTo: now - DAY }, now);
    await addPromo(app.deps.db, { tld: 'blog', operation: 'create', currency: 'EUR', price: 300, minYears: 1, maxYears: 1, periodType: 'flex', validFrom: now - DAY, validTo: now + DAY }, now);
    const r = await t().reseller('promo', { profile: { country: 'DE' } });
    const res = await t().call('query-price-list', { 'auth-sid': r.sid });
    const promos = rowsOf(res.body).filter((x) => x[0] === 'domain_promo');
    assert.deepEqual(promos, [
      ['domain_promo', 'create', 'blog', 'USD', 'USD', '4.43', '8.85', ...na(8), new Date(now - DAY).toISOString(), new Date(now + 10 * DAY).toISOString()],
      ['domain_promo', 'renew', 'blog', 'USD', 'USD', 'n/a', 'n/a', '21.54', ...na(7), new Date(now + 5 * DAY).toISOString(), new Date(now + 20 * DAY).toISOString()],
    ]);
    // Promo rows follow the TLD's regular rows.
    const order = rowsOf(res.body).filter((x) => x[2] === 'blog').map((x) => x[0]);
    assert.deepEqual(order, ['domain', 'domain', 'domain', 'domain', 'domain', 'domain', 'domain_promo', 'domain_promo']);
  });

  it('follows price changes and removals', async () => {
    const { app, clock } = t();
    await setPrice(app.deps.db, { tld: 'us', operation: 'create', currency: 'USD', amount: 500, min_years: 2, max_years: 3, tld_currency: 'USD' }, clock.now());
    await deletePrices(app.deps.db, { tld: 'nu' });
    const r = await t().reseller('changes');
    const res = await t().call('query-price-list', { 'auth-sid': r.sid });
    assert.deepEqual(find(res.body, 'domain', 'create', 'us')?.slice(5, 15), ['n/a', '10.00', '15.00', ...na(7)]);
    assert.ok(!rowsOf(res.body).some((x) => x[2] === 'nu'));
  });

  it('answers an empty list for a currency without prices, to every key scope, and never without a session', async () => {
    const r = await t().reseller('swiss', { currency: 'CHF' });
    const res = await t().call('query-price-list', { 'auth-sid': await r.session('read-only') });
    assert.equal(res.code, 0);
    assert.equal(res.body, '');
    assert.equal((await t().call('query-price-list', { 'auth-sid': await r.session('modify-only') })).code, 0);
    assert.equal((await t().call('query-price-list', {})).code, -401);
  });
});
