import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { domainReseller, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { addPromo } from '../../billing/promos.ts';
import { DAY } from '../../core/clock.ts';

forEachDatabase('domain-check', (t) => {
  let alice: DomainReseller;
  const check = (params: Record<string, string | number>, sid = alice.sid) => t().call('domain-check', { 'auth-sid': sid, ...params });

  it('setup', async () => {
    alice = await domainReseller(t(), 'chk-alice');
  });

  it('answers an available name with its class and the create price for one year', async () => {
    const r = await check({ domain: 'free-chk.com' });
    assert.equal(r.code, 0, r.raw);
    assert.equal(r.body, 'domain-status: available\ndomain-class: standard\ndomain-price-create: 11.25 USD 1y\n');
    assert.equal(r.get('Proc-ID'), undefined, 'a read request has no Proc-ID');
  });

  it('prices the asked operation and period, in years or months, and reports the term it priced', async () => {
    assert.match((await check({ domain: 'free-chk.com', 'check-price': 'renew', period: 3 })).body, /^domain-price-renew: 33.75 USD 3y$/m);
    assert.match((await check({ domain: 'free-chk.com', 'check-price': 'create', period: 24 })).body, /^domain-price-create: 22.50 USD 2y$/m);
    assert.match((await check({ domain: 'free-chk.com', 'check-price': 'transfer' })).body, /^domain-price-transfer: 11.25 USD 1y$/m);
    assert.match((await check({ domain: 'free-chk.com', 'check-price': 'restore' })).body, /^domain-price-restore: 80.00 USD 1y$/m);
    // .de registers for one year only: a two-year question gets the one-year answer.
    assert.match((await check({ domain: 'frei-chk.de', period: 2 })).body, /^domain-price-create: 4.90 USD 1y$/m);
    const bad = await check({ domain: 'free-chk.com', period: 13 });
    assert.equal(bad.code, 2004, bad.raw);
    assert.equal((await check({ domain: 'free-chk.com', 'check-price': 'sell' })).code, 2005);
  });

  it('marks premium names with their class and price', async () => {
    const r = await check({ domain: 'charity.org' });
    assert.equal(r.body, 'domain-status: premium\ndomain-class: premium\ndomain-price-create: 1500.00 USD 1y\n');
  });

  it('answers unavailable with a reason: registered, reserved, redemption', async () => {
    await registered(t(), alice, 'taken-chk.com');
    assert.equal((await check({ domain: 'taken-chk.com' })).body, 'domain-status: unavailable\ndomain-status-reason: registered\ndomain-class: standard\ndomain-price-create: 11.25 USD 1y\n');
    assert.match((await check({ domain: 'example.com' })).body, /^domain-status: unavailable\ndomain-status-reason: registered\n/);
    assert.match((await check({ domain: 'nic.com' })).body, /^domain-status: unavailable\ndomain-status-reason: reserved\n/);
    const del = await t().call('domain-delete', { 'auth-sid': alice.sid, domain: 'taken-chk.com', force: 1 });
    assert.equal(del.code, 0, del.raw);
    t().clock.advance(6 * DAY); // past the add grace period: the delete leads to redemption
    const sid = await alice.session('full');
    alice = { ...alice, sid };
    await registered(t(), alice, 'rgp-chk.com');
    t().clock.advance(6 * DAY);
    alice = { ...alice, sid: await alice.session('full') };
    const d2 = await t().call('domain-delete', { 'auth-sid': alice.sid, domain: 'rgp-chk.com', force: 1 });
    assert.equal(d2.code, 0, d2.raw);
    await t().work();
    assert.match((await check({ domain: 'rgp-chk.com' })).body, /^domain-status: unavailable\ndomain-status-reason: redemption\n/);
  });

  it('shows the promo window while a promo sets the price', async () => {
    const now = t().clock.now();
    await addPromo(t().app.deps.db, { tld: 'net', operation: 'create', currency: 'USD', price: 199, minYears: 1, maxYears: 1, periodType: 'exact', validFrom: now - DAY, validTo: now + 30 * DAY }, now);
    const r = await check({ domain: 'promo-chk.net' });
    assert.match(r.body, /^domain-price-create: 1.99 USD 1y$/m);
    assert.match(r.body, new RegExp(`^domain-price-promo: ${new Date(now - DAY).toISOString()} ${new Date(now + 30 * DAY).toISOString()}$`, 'm'));
    assert.doesNotMatch((await check({ domain: 'promo-chk.net', period: 2 })).body, /domain-price-promo/, 'the exact one-year promo does not cover two years');
  });

  it('refuses TLDs the platform does not offer with the phrase WHMCS looks for, and bad names', async () => {
    const r = await check({ domain: 'nothing.xyz' });
    assert.equal(r.code, 2306);
    assert.match(r.get('Error')!, /Domain with extension supported by Joker.com/);
    assert.equal((await check({ domain: 'bad_name.com' })).code, 2005);
    assert.equal((await check({})).code, 2003);
    assert.match((await check({ domain: 'a.b.com' })).get('Error')!, /register b.com/);
  });

  it('checks an IDN language against the TLD\'s tables', async () => {
    assert.equal((await check({ domain: 'bücher-chk.com', language: 'de' })).code, 0);
    assert.equal((await check({ domain: 'bücher-chk.com', language: 'ru' })).code, 2306);
  });

  it('is a read request: read-only keys may check, other accounts see the same answer', async () => {
    const ro = await alice.session('read-only');
    assert.equal((await check({ domain: 'free-chk.com' }, ro)).code, 0);
    const bob = await t().reseller('chk-bob');
    assert.match((await check({ domain: 'taken-chk.com' }, bob.sid)).body, /domain-status: (available|unavailable)/);
  });
});
