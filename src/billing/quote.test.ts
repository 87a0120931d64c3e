import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { DmapiError, type ErrorKey } from '../dmapi/errors.ts';
import { DAY } from '../core/clock.ts';
import { checkMaxPrice, premiumFromMap, quote, type Quote } from './quote.ts';
import { addPromo } from './promos.ts';
import { setPrice } from './prices.ts';
import { formatRate, setSellerCountry, vatRate } from './vat.ts';
import { plainAmount } from './format.ts';

const dmapiError = (key: ErrorKey, text: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DmapiError, `expected a DmapiError, got ${String(e)}`);
  assert.equal(e.key, key);
  assert.match(e.details.join('; '), text);
  return true;
};

describe('VAT rules', () => {
  it('charges the home rate at home, the customer rate in the EU without VAT-ID, nothing with VAT-ID or outside', () => {
    assert.equal(vatRate('DE', undefined, 'DE'), 1900);
    assert.equal(vatRate('de', 'DE123456789', 'DE'), 1900);
    assert.equal(vatRate('AT', undefined, 'DE'), 2000);
    assert.equal(vatRate('AT', 'ATU12345678', 'DE'), 0);
    assert.equal(vatRate('FI', '', 'DE'), 2550);
    assert.equal(vatRate('US', undefined, 'DE'), 0);
    assert.equal(vatRate(undefined, undefined, 'DE'), 0);
    // A seller outside the EU charges no EU VAT.
    assert.equal(vatRate('DE', undefined, 'US'), 0);
  });

  it('prints rates as fractions and amounts without trailing zeros', () => {
    assert.equal(formatRate(1900), '0.19');
    assert.equal(formatRate(2550), '0.255');
    assert.equal(formatRate(0), '0');
    assert.equal(plainAmount(1000, 'EUR'), '10.0');
    assert.equal(plainAmount(190, 'EUR'), '1.9');
    assert.equal(plainAmount(2001, 'EUR'), '20.01');
    assert.equal(plainAmount(0, 'EUR'), '0.0');
    assert.equal(plainAmount(1500, 'JPY'), '1500');
  });
});

forEachDatabase('quote', (t) => {
  const db = () => t().app.deps.db;
  const q = (account: Parameters<typeof quote>[1], tld: string, operation: Quote['operation'], periodMonths = 12, extra: Partial<Parameters<typeof quote>[2]> = {}) =>
    quote(db(), account, { tld, operation, periodMonths, now: t().clock.now(), ...extra });

  it('prices the shipped defaults per year in the account currency', async () => {
    const { account } = await t().reseller('q-plain');
    const one = await q(account, 'com', 'create');
    assert.deepEqual(
      { retail: one.retail, standard: one.standard, netto: one.netto, vat: one.vat, brutto: one.brutto, currency: one.currency, years: one.years, class: one.class, max: one.requiresMaxPrice },
      { retail: 1125, standard: 1125, netto: 1125, vat: 0, brutto: 1125, currency: 'USD', years: 1, class: 'standard', max: false },
    );
    assert.equal((await q(account, 'com', 'renew', 36)).brutto, 3375);
    assert.equal((await q(account, 'COM', 'transfer', 120)).brutto, 11250);
    const { account: eur } = await t().reseller('q-eur', { currency: 'EUR' });
    assert.equal((await q(eur, 'com', 'create')).brutto, 1035);
    assert.equal((await q(eur, 'com', 'create')).currency, 'EUR');
  });

  it('applies the rebate with half-up rounding', async () => {
    const { account } = await t().reseller('q-rebate', { rebateBp: 1250 });
    // 11.25 × 0.875 = 9.84375 → 9.84; 12.90 × 0.875 = 11.2875 → 11.29
    assert.equal((await q(account, 'com', 'create')).netto, 984);
    assert.equal((await q(account, 'net', 'create')).netto, 1129);
    assert.equal((await q(account, 'net', 'create')).retail, 1290);
  });

  it('adds VAT by the account country and VAT-ID, rounded half-up on the netto amount', async () => {
    const { account: de } = await t().reseller('q-vat-de', { profile: { country: 'DE' } });
    const r = await q(de, 'com', 'create');
    // 11.25 × 0.19 = 2.1375 → 2.14
    assert.deepEqual([r.netto, r.vatBp, r.vat, r.brutto], [1125, 1900, 214, 1339]);
    const { account: at } = await t().reseller('q-vat-at', { profile: { country: 'AT' } });
    assert.deepEqual([(await q(at, 'com', 'create')).vat, (await q(at, 'com', 'create')).brutto], [225, 1350]);
    const { account: atb } = await t().reseller('q-vat-atb', { profile: { country: 'AT', 'vat-id': 'ATU12345678' } });
    assert.equal((await q(atb, 'com', 'create')).brutto, 1125);
    const { account: both } = await t().reseller('q-vat-both', { profile: { country: 'DE' }, rebateBp: 1000 });
    // 11.25 × 0.9 = 10.125 → 10.13; VAT 1.9247 → 1.92
    assert.deepEqual([(await q(both, 'com', 'create')).netto, (await q(both, 'com', 'create')).brutto], [1013, 1205]);
  });

  it('follows the home country the operator sets', async () => {
    const { account } = await t().reseller('q-home', { profile: { country: 'DE' } });
    await setSellerCountry(db(), 'US');
    try {
      assert.equal((await q(account, 'com', 'create')).vat, 0);
    } finally {
      await setSellerCountry(db(), 'DE');
    }
    assert.equal((await q(account, 'com', 'create')).vat, 214);
  });

  it('refuses TLDs, operations and currencies without a price, and periods the TLD does not sell', async () => {
    const { account } = await t().reseller('q-errors');
    await assert.rejects(q(account, 'nosuchtld', 'create'), dmapiError('PARAM_POLICY', /create of \.nosuchtld domains is not offered in USD/));
    await assert.rejects(q(account, 'de', 'privacy-pro'), dmapiError('PARAM_POLICY', /privacy-pro of \.de/));
    const { account: chf } = await t().reseller('q-chf', { currency: 'CHF' });
    await assert.rejects(q(chf, 'com', 'create'), dmapiError('PARAM_POLICY', /not offered in CHF/));
    await assert.rejects(q(account, 'com', 'create', 18), dmapiError('PARAM_RANGE', /invalid 'period' \(18 months .* 12 to 120 months in steps of 12/));
    await assert.rejects(q(account, 'com', 'create', 132), dmapiError('PARAM_RANGE', /132 months/));
    await assert.rejects(q(account, 'com', 'create', 0), dmapiError('PARAM_RANGE', /0 months/));
    await assert.rejects(q(account, 'de', 'renew', 24), dmapiError('PARAM_RANGE', /\.de; 12 months in steps of 12/));
    await assert.rejects(q(account, 'fi', 'create', 72), dmapiError('PARAM_RANGE', /12 to 60 months/));
  });

  it('charges restore as a flat fee and privacy pro rata by month', async () => {
    const { account } = await t().reseller('q-flat');
    assert.equal((await q(account, 'com', 'restore', 0)).brutto, 8000);
    assert.equal((await q(account, 'com', 'restore', 60)).brutto, 8000);
    assert.equal((await q(account, 'com', 'privacy-pro', 12)).brutto, 600);
    assert.equal((await q(account, 'com', 'privacy-pro', 7)).brutto, 350);
    // 3.00 × 5 / 12 = 1.25
    assert.equal((await q(account, 'com', 'privacy-basic', 5)).brutto, 125);
    // 3.00 × 13 / 12 = 3.25
    assert.equal((await q(account, 'com', 'privacy-basic', 13)).brutto, 325);
    await assert.rejects(q(account, 'com', 'privacy-basic', 121), dmapiError('PARAM_RANGE', /1 to 120 months/));
    assert.equal((await q(account, 'de', 'trustee', 12)).brutto, 1200);
  });

  it('applies flex promos per year inside their period range and window, inclusive at both ends', async () => {
    const { account } = await t().reseller('q-flex');
    const now = t().clock.now();
    await addPromo(db(), { tld: 'biz', operation: 'create', currency: 'USD', price: 500, minYears: 1, maxYears: 3, periodType: 'flex', validFrom: now + DAY, validTo: now + 10 * DAY }, now);
    assert.equal((await q(account, 'biz', 'create')).netto, 1590, 'not yet started');
    t().clock.advance(DAY);
    const one = await q(account, 'biz', 'create');
    assert.equal(one.netto, 500);
    assert.equal(one.standard, 1590);
    assert.equal(one.promo?.periodType, 'flex');
    assert.equal((await q(account, 'biz', 'create', 36)).netto, 1500);
    assert.equal((await q(account, 'biz', 'create', 48)).netto, 6360, 'four years are outside 1..3');
    assert.equal((await q(account, 'biz', 'renew')).netto, 1590, 'the promo is for create only');
    t().clock.advance(9 * DAY);
    assert.equal((await q(account, 'biz', 'create')).netto, 500, 'valid_to is inclusive');
    t().clock.advance(1);
    assert.equal((await q(account, 'biz', 'create')).netto, 1590, 'ended');
  });

  it('applies exact promos only to their one period, as a total', async () => {
    const { account } = await t().reseller('q-exact');
    const now = t().clock.now();
    await addPromo(db(), { tld: 'org', operation: 'create', currency: 'USD', price: 1500, minYears: 2, maxYears: 2, periodType: 'exact', validFrom: now - DAY, validTo: now + DAY }, now);
    await addPromo(db(), { tld: 'org', operation: 'create', currency: 'USD', price: 2000, minYears: 3, maxYears: 3, periodType: 'exact', validFrom: now - DAY, validTo: now + DAY }, now);
    assert.equal((await q(account, 'org', 'create', 24)).netto, 1500);
    assert.equal((await q(account, 'org', 'create', 36)).netto, 2000);
    assert.equal((await q(account, 'org', 'create', 12)).netto, 1190);
    assert.equal((await q(account, 'org', 'create', 48)).netto, 4760);
    await assert.rejects(
      addPromo(db(), { tld: 'org', operation: 'create', currency: 'USD', price: 1, minYears: 2, maxYears: 3, periodType: 'exact', validFrom: now, validTo: now }, now),
      /an exact promo has max period = min period/,
    );
    await assert.rejects(
      addPromo(db(), { tld: 'org', operation: 'create', currency: 'USD', price: 1, minYears: 1, maxYears: 1, periodType: 'flex', validFrom: now, validTo: now - 1 }, now),
      /valid_from must not be after valid_to/,
    );
  });

  it('picks the cheapest covering promo, never one dearer than the rebated price, and adds VAT to it', async () => {
    const { account } = await t().reseller('q-best', { rebateBp: 5000, profile: { country: 'DE' } });
    const now = t().clock.now();
    const win = { validFrom: now - DAY, validTo: now + DAY };
    await addPromo(db(), { tld: 'info', operation: 'renew', currency: 'USD', price: 1200, minYears: 1, maxYears: 1, periodType: 'flex', ...win }, now);
    // Standard after 50 % rebate: 21.90 → 10.95; the 12.00 promo is dearer and is ignored.
    let r = await q(account, 'info', 'renew');
    assert.deepEqual([r.netto, r.promo], [1095, undefined]);
    await addPromo(db(), { tld: 'info', operation: 'renew', currency: 'USD', price: 900, minYears: 1, maxYears: 5, periodType: 'flex', ...win }, now);
    await addPromo(db(), { tld: 'info', operation: 'renew', currency: 'USD', price: 700, minYears: 1, maxYears: 1, periodType: 'flex', ...win }, now);
    r = await q(account, 'info', 'renew');
    // The promo price is netto and not rebated again: 7.00 + 19 % = 8.33
    assert.deepEqual([r.netto, r.vat, r.brutto], [700, 133, 833]);
    assert.equal((await q(account, 'info', 'renew', 24)).netto, 1800);
    // Promos are per currency.
    const { account: eur } = await t().reseller('q-best-eur', { currency: 'EUR' });
    assert.equal((await q(eur, 'info', 'renew')).netto, 2015);
  });

  it('prices premium names through the hook: no rebate, no promo, max-price required', async () => {
    const { account } = await t().reseller('q-premium', { rebateBp: 2000, profile: { country: 'DE' } });
    const now = t().clock.now();
    await addPromo(db(), { tld: 'com', operation: 'create', currency: 'USD', price: 100, minYears: 1, maxYears: 10, periodType: 'flex', validFrom: now - DAY, validTo: now + DAY }, now);
    const premium = premiumFromMap({ 'gold.com': { class: 'premium', perYear: { USD: 50000 } } });
    const r = await q(account, 'com', 'create', 24, { domain: 'GOLD.com', premium });
    assert.deepEqual([r.class, r.requiresMaxPrice, r.netto, r.vat, r.brutto, r.promo], ['premium', true, 100000, 19000, 119000, undefined]);
    const plain = await q(account, 'com', 'create', 24, { domain: 'plain.com', premium });
    assert.deepEqual([plain.class, plain.requiresMaxPrice, plain.netto], ['standard', false, 200]);

    assert.throws(() => checkMaxPrice(r, undefined, 'gold.com'), dmapiError('PARAM_MISSING', /missing parameter 'max-price' \(required for gold\.com, a premium name priced 1190\.00 USD/));
    assert.throws(() => checkMaxPrice(r, '1189.99', 'gold.com'), dmapiError('PARAM_POLICY', /price of gold\.com is 1190\.00 USD, more than the max-price 1189\.99 USD/));
    assert.throws(() => checkMaxPrice(r, 'lots', 'gold.com'), dmapiError('PARAM_SYNTAX', /invalid 'max-price' \(lots is not an amount in USD/));
    assert.throws(() => checkMaxPrice(r, '1.001', 'gold.com'), dmapiError('PARAM_SYNTAX', /1\.001/));
    checkMaxPrice(r, '1190', 'gold.com');
    checkMaxPrice(r, '5000.00', 'gold.com');
    checkMaxPrice(plain, undefined, 'plain.com');
    checkMaxPrice(plain, '', 'plain.com');
    assert.throws(() => checkMaxPrice(plain, '1.99', 'plain.com'), dmapiError('PARAM_POLICY', /2\.38 USD/));
  });

  it('reads price changes at once', async () => {
    const { account } = await t().reseller('q-change');
    await setPrice(db(), { tld: 'us', operation: 'create', currency: 'USD', amount: 1999, min_years: 2, max_years: 5, tld_currency: 'USD' }, t().clock.now());
    assert.equal((await q(account, 'us', 'create', 24)).netto, 3998);
    await assert.rejects(q(account, 'us', 'create', 12), dmapiError('PARAM_RANGE', /24 to 60 months/));
  });
});
