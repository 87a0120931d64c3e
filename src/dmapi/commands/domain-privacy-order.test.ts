import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { newContact } from '../../../test/helpers/registry-fixtures.ts';
import { domainReseller, domainRow, money, ordersOf, performed, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { addMonths } from '../../core/period.ts';

forEachDatabase('domain-privacy-order', (t) => {
  let alice: DomainReseller;
  const order = (params: Record<string, string | number>, sid = alice.sid) => t().call('domain-privacy-order', { 'auth-sid': sid, ...params });

  it('setup', async () => {
    alice = await domainReseller(t(), 'priv-alice');
    await registered(t(), alice, 'remaining-priv.com', { period: 24 });
    await registered(t(), alice, 'period-priv.com', { period: 36 });
  });

  it('orders privacy for the remaining term by default, priced per month', async () => {
    const before = await money(t(), alice.id);
    const r = await order({ domain: 'remaining-priv.com', privacy: 'basic' });
    assert.equal(r.code, 0, r.raw);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: 600 }, 'basic: 3.00 a year, 24 months');
    await t().work();
    const d = (await domainRow(t(), 'remaining-priv.com'))!;
    assert.deepEqual([d.privacy, d.privacy_origin, d.privacy_expires_at], ['basic', 'basic', d.expires_at]);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 600, reserved: 0 });
    assert.deepEqual((await ordersOf(t(), alice.id, 'remaining-priv.com')).map((o) => o.type), ['create', 'privacy_pp1']);
    const again = await order({ domain: 'remaining-priv.com', privacy: 'basic' });
    assert.equal(again.code, 2004);
    assert.match(again.get('Error')!, /basic privacy of remaining-priv.com already runs until the domain's expiry/);
    const list = await t().call('query-domain-list', { 'auth-sid': alice.sid, pattern: 'remaining-priv.com', showprivacy: 1 });
    assert.equal(list.get('Columns'), 'domain,expiration_date,privacy-status,privacy-origin,privacy-expiration');
    const day = new Date(d.expires_at).toISOString().slice(0, 10);
    assert.equal(list.body, `remaining-priv.com ${day} basic basic ${day}`);
  });

  it('orders for a period (months) or up to an expiry year, never past the domain', async () => {
    const before = await money(t(), alice.id);
    const res = await performed(t(), alice.sid, 'domain-privacy-order', { domain: 'period-priv.com', privacy: 'pro', period: 6 });
    assert.equal(res.status, 'ack', res.body);
    const d = (await domainRow(t(), 'period-priv.com'))!;
    assert.equal(d.privacy_expires_at, addMonths(t().clock.now(), 6));
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 300, reserved: 0 }, 'pro: 6.00 a year, 6 months');
    // The same level again extends from the current end.
    const year = new Date(d.privacy_expires_at!).getUTCFullYear();
    assert.equal((await performed(t(), alice.sid, 'domain-privacy-order', { domain: 'period-priv.com', privacy: 'pro', expyear: year + 1 })).status, 'ack');
    assert.equal((await domainRow(t(), 'period-priv.com'))!.privacy_expires_at, addMonths(d.privacy_expires_at!, 12));
    const past = await order({ domain: 'period-priv.com', privacy: 'pro', period: 60 });
    assert.equal(past.code, 2004);
    assert.match(past.get('Error')!, /past the domain's expiry on/);
    assert.equal((await order({ domain: 'period-priv.com', privacy: 'pro', period: 1, expyear: 2030 })).code, 2005);
    assert.equal((await order({ domain: 'period-priv.com', privacy: 'pro', expyear: 2000 })).code, 2004);
  });

  it('refuses TLDs without privacy, bad levels, other accounts\' domains and keys that may not cause costs', async () => {
    const de = await newContact(t(), alice.sid, { tld: 'de', name: 'Max Muster', email: 'max@example.org', 'address-1': 'Weg 1', city: 'Berlin', 'postal-code': '10115', country: 'DE', phone: '+49.3012345678', fax: '+49.3012345679' });
    await registered(t(), alice, 'privat.de', { 'owner-c': de, 'admin-c': de, 'tech-c': de, 'billing-c': '' });
    const de1 = await order({ domain: 'privat.de', privacy: 'basic' });
    assert.equal(de1.code, 2306);
    assert.equal(de1.get('Error'), "invalid 'privacy' (basic privacy is not available for .de domains; offered are none)");
    assert.equal((await order({ domain: 'period-priv.com', privacy: 'gold' })).code, 2005);
    assert.equal((await order({ domain: 'period-priv.com' })).code, 2003);
    const bob = await domainReseller(t(), 'priv-bob');
    assert.equal((await order({ domain: 'period-priv.com', privacy: 'basic' }, bob.sid)).code, 2303);
    assert.equal((await order({ domain: 'period-priv.com', privacy: 'basic' }, await alice.session('modify-only'))).code, 2201);
    const poor = await domainReseller(t(), 'priv-poor', { balance: 1200 });
    await registered(t(), poor, 'poor-priv.com');
    assert.equal((await order({ domain: 'poor-priv.com', privacy: 'pro' }, poor.sid)).code, 2104);
  });
});
