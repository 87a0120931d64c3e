import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addGrant } from '../../../test/helpers/zones.ts';
import { newContact, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { atRegistry, domainReseller, domainRow, later, money, ordersOf, performed, registered, registryStatus, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { DAY, HOUR } from '../../core/clock.ts';

forEachDatabase('domain-delete', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  const del = (params: Record<string, string | number>, sid = alice.sid) => t().call('domain-delete', { 'auth-sid': sid, ...params });

  it('setup', async () => {
    alice = await domainReseller(t(), 'del-alice');
    bob = await domainReseller(t(), 'del-bob');
  });

  it('refunds a gTLD registration deleted within 72 hours; inside the add grace period the name is purged at once', async () => {
    const before = await money(t(), alice.id);
    await registered(t(), alice, 'quick-del.com');
    alice = await later(t(), alice, 71 * HOUR);
    const res = await performed(t(), alice.sid, 'domain-delete', { domain: 'quick-del.com' });
    assert.equal(res.status, 'ack', res.body);
    assert.equal(res.text, 'result_msg: quick-del.com deleted and purged from the registry\nrefund: 11.25 USD');
    assert.deepEqual(await money(t(), alice.id), before);
    assert.equal(await domainRow(t(), 'quick-del.com'), undefined);
    assert.equal(await atRegistry(t(), 'quick-del.com'), undefined);
    assert.deepEqual((await ordersOf(t(), alice.id, 'quick-del.com')).map((o) => [o.type, o.status, o.amount_brutto]), [['create', 'ok', 1125], ['delete_domain', 'ok', 0], ['create', 'ok', -1125]]);
    const check = await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'quick-del.com' });
    assert.match(check.body, /^domain-status: available$/m);
  });

  it('needs force=1 after 72 hours and refunds nothing then', async () => {
    await registered(t(), alice, 'old-del.com');
    alice = await later(t(), alice, 72 * HOUR + 1000);
    const r = await del({ domain: 'old-del.com' });
    assert.equal(r.code, 2308, r.raw);
    assert.match(r.get('Error')!, /old-del.com was registered at .*, more than 72 hours ago; send force=1 to delete it \(no refund\)/);
    assert.equal(r.get('Proc-ID'), undefined);
    const before = await money(t(), alice.id);
    const res = await performed(t(), alice.sid, 'domain-delete', { domain: 'old-del.com', force: 'Yes' });
    assert.equal(res.status, 'ack', res.body);
    assert.doesNotMatch(res.text, /refund/);
    assert.deepEqual(await money(t(), alice.id), before);
  });

  it('puts a domain past its add grace period into redemption: unlisted, restorable, purged later', async () => {
    await registered(t(), alice, 'rgp-del.com');
    alice = await later(t(), alice, 10 * DAY);
    const res = await performed(t(), alice.sid, 'domain-delete', { domain: 'rgp-del.com', force: 1 });
    assert.equal(res.status, 'ack', res.body);
    const now = t().clock.now();
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    assert.equal(res.text, `result_msg: rgp-del.com deleted; restorable with domain-redeem until ${iso(now + 30 * DAY)}\npurge_date: ${iso(now + 35 * DAY)}`);
    const row = (await domainRow(t(), 'rgp-del.com'))!;
    assert.deepEqual([row.status, row.deleted_at, row.redemption_ends_at, row.purge_at], ['redemption', now, now + 30 * DAY, now + 35 * DAY]);
    assert.ok((await atRegistry(t(), 'rgp-del.com'))!.rgp.includes('redemptionPeriod'));
    assert.doesNotMatch((await t().call('query-domain-list', { 'auth-sid': alice.sid })).body, /rgp-del.com/);
    assert.match((await t().call('query-whois', { 'auth-sid': alice.sid, domain: 'rgp-del.com' })).body, /^domain.status: redemption$/m);
    const again = await del({ domain: 'rgp-del.com', force: 1 });
    assert.equal(again.code, 2304);
    assert.match(again.get('Error')!, /rgp-del.com is deleted and in its redemption period/);
  });

  it('does not refund ccTLD registrations', async () => {
    const de = await newContact(t(), alice.sid, { tld: 'de', name: 'Max Muster', email: 'max@example.org', 'address-1': 'Weg 1', city: 'Berlin', 'postal-code': '10115', country: 'DE', phone: '+49.3012345678', fax: '+49.3012345679' });
    await registered(t(), alice, 'kein-geld.de', { 'owner-c': de, 'admin-c': de, 'tech-c': de, 'billing-c': '' });
    const before = await money(t(), alice.id);
    const res = await performed(t(), alice.sid, 'domain-delete', { domain: 'kein-geld.de' });
    assert.equal(res.status, 'ack', res.body);
    assert.doesNotMatch(res.text, /refund/);
    assert.deepEqual(await money(t(), alice.id), before);
    assert.equal((await domainRow(t(), 'kein-geld.de'))!.status, 'redemption', '.de has no add grace period');
  });

  it('refuses a domain with name servers below it, and reports registry refusals as nack', async () => {
    await registered(t(), alice, 'hosts-del.com');
    assert.equal((await runAsync(t(), alice.sid, 'ns-create', { host: 'ns1.hosts-del.com', ip: '45.76.10.10' })).status, 'ack');
    const r = await del({ domain: 'hosts-del.com' });
    assert.equal(r.code, 2305, r.raw);
    assert.equal(r.get('Error'), 'hosts-del.com has name servers below it (ns1.hosts-del.com); delete them with ns-delete first');
    assert.equal((await runAsync(t(), alice.sid, 'ns-delete', { host: 'ns1.hosts-del.com' })).status, 'ack');
    await registryStatus(t(), 'hosts-del.com', { add: ['clientDeleteProhibited'] });
    const res = await performed(t(), alice.sid, 'domain-delete', { domain: 'hosts-del.com' });
    assert.equal(res.status, 'nack');
    assert.match(res.text, /hosts-del.com has a delete prohibition \(EPP 2304\)/);
    assert.equal((await domainRow(t(), 'hosts-del.com'))!.status, 'active');
  });

  it('type=endoflife lets the domain lapse at its expiry instead', async () => {
    await registered(t(), alice, 'eol-del.com', { autorenew: 1 });
    const res = await performed(t(), alice.sid, 'domain-delete', { domain: 'eol-del.com', type: 'endoflife' });
    assert.equal(res.status, 'ack', res.body);
    assert.match(res.text, /^result_msg: eol-del.com will not be renewed and lapses at its expiry on \d{4}-\d{2}-\d{2}$/);
    const row = (await domainRow(t(), 'eol-del.com'))!;
    assert.deepEqual([row.status, row.autorenew, row.delete_at_expiry], ['active', 0, 1]);
    const transit = await del({ domain: 'eol-del.com', type: 'transit' });
    assert.equal(transit.code, 2306);
  });

  it('answers another reseller\'s domain like a missing one; @admin grantees may delete, @billing not; read-only keys not', async () => {
    await registered(t(), alice, 'mine-del.com');
    bob = { ...bob, sid: await bob.session('full') };
    const foreign = await del({ domain: 'mine-del.com' }, bob.sid);
    const missing = await del({ domain: 'never-del.com' }, bob.sid);
    assert.deepEqual([foreign.code, missing.code], [2303, 2303]);
    assert.equal(foreign.get('Error'), 'domain mine-del.com not found');
    assert.equal((await del({ domain: 'mine-del.com' }, await alice.session('read-only'))).code, 2201);
    const id = (await domainRow(t(), 'mine-del.com'))!.id;
    await addGrant(t(), id, alice.id, bob.id, '@billing');
    const billing = await del({ domain: 'mine-del.com' }, bob.sid);
    assert.equal(billing.code, 2201);
    await addGrant(t(), id, alice.id, bob.id, '@admin');
    const mo = await bob.session('modify-only');
    assert.equal((await performed(t(), mo, 'domain-delete', { domain: 'mine-del.com' })).status, 'ack');
  });
});
