import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addGrant } from '../../../test/helpers/zones.ts';
import { newContact } from '../../../test/helpers/registry-fixtures.ts';
import { atRegistry, domainReseller, domainRow, later, money, ordersOf, performed, registered, registration, registryStatus, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { HOUR } from '../../core/clock.ts';
import { addMonths } from '../../core/period.ts';

forEachDatabase('domain-renew', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  const renew = (params: Record<string, string | number>, sid = alice.sid) => t().call('domain-renew', { 'auth-sid': sid, ...params });
  const refused = async (params: Record<string, string | number>, code: number, error: RegExp, sid = alice.sid) => {
    const before = await money(t(), alice.id);
    const r = await renew(params, sid);
    assert.equal(r.code, code, r.raw);
    assert.equal(r.get('Proc-ID'), undefined);
    assert.match(r.all('Error').join('\n'), error);
    assert.deepEqual(await money(t(), alice.id), before);
  };

  it('setup', async () => {
    alice = await domainReseller(t(), 'ren-alice');
    bob = await domainReseller(t(), 'ren-bob');
    await registered(t(), alice, 'renew-me.com');
  });

  it('renews by a period in months: held at once, booked on ack, expiry moved', async () => {
    const before = await money(t(), alice.id);
    const row = (await domainRow(t(), 'renew-me.com'))!;
    const r = await renew({ domain: 'renew-me.com', period: 24 });
    assert.equal(r.code, 0, r.raw);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: 2250 });
    await t().work();
    const expires = addMonths(row.expires_at, 24);
    const after = (await domainRow(t(), 'renew-me.com'))!;
    assert.equal(after.expires_at, expires);
    assert.equal((await atRegistry(t(), 'renew-me.com'))!.expiresAt, expires);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 2250, reserved: 0 });
    const res = await t().call('result-retrieve', { 'auth-sid': alice.sid, 'proc-id': r.get('Proc-ID')! });
    assert.match(res.body, new RegExp(`\n\nresult_msg: renew-me.com renewed by 24 months; expires ${new Date(expires).toISOString().slice(0, 10)}\n$`));
  });

  it('renews a domain only once per 6 hours; a refused renewal does not count', async () => {
    await refused({ domain: 'renew-me.com', period: 12 }, 2308, /renew-me.com was renewed at .*; a domain can be renewed once per 6 hours, next from /);
    alice = await later(t(), alice, 6 * HOUR - 1000);
    await refused({ domain: 'renew-me.com', period: 12 }, 2308, /once per 6 hours/);
    alice = await later(t(), alice, 1000);
    await registryStatus(t(), 'renew-me.com', { add: ['clientRenewProhibited'] });
    const before = await money(t(), alice.id);
    const res = await performed(t(), alice.sid, 'domain-renew', { domain: 'renew-me.com', period: 12 });
    assert.equal(res.status, 'nack');
    assert.match(res.text, /^result_msg: the registry says renew-me.com has a renew prohibition \(EPP 2304\)$/m);
    assert.deepEqual(await money(t(), alice.id), before, 'the held money came back');
    await registryStatus(t(), 'renew-me.com', { remove: ['clientRenewProhibited'] });
    const ok = await performed(t(), alice.sid, 'domain-renew', { domain: 'renew-me.com', period: 12 });
    assert.equal(ok.status, 'ack', ok.body);
  });

  it('renews with expyear up to that year, never past it', async () => {
    await registered(t(), alice, 'expyear-me.com');
    const row = (await domainRow(t(), 'expyear-me.com'))!;
    const year = new Date(row.expires_at).getUTCFullYear();
    await refused({ domain: 'expyear-me.com', expyear: year }, 2004, new RegExp(`invalid 'expyear' \\(expyear-me.com already expires in ${year}, on .*; not renewed\\)`));
    await refused({ domain: 'expyear-me.com', expyear: year - 1 }, 2004, /already expires/);
    const res = await performed(t(), alice.sid, 'domain-renew', { domain: 'expyear-me.com', expyear: year + 2 });
    assert.equal(res.status, 'ack', res.body);
    const after = (await domainRow(t(), 'expyear-me.com'))!;
    assert.equal(new Date(after.expires_at).getUTCFullYear(), year + 2);
    alice = await later(t(), alice, 7 * HOUR);
    // Sent twice by mistake: the second one renews nothing and costs nothing.
    await refused({ domain: 'expyear-me.com', expyear: year + 2 }, 2004, /already expires in/);
  });

  it('checks period/expyear and the 10-year ceiling', async () => {
    await registered(t(), alice, 'ceiling-me.com');
    await refused({ domain: 'ceiling-me.com' }, 2003, /missing parameter 'period' \(or 'expyear'\)/);
    await refused({ domain: 'ceiling-me.com', period: 12, expyear: 2030 }, 2005, /give period or expyear, not both/);
    await refused({ domain: 'ceiling-me.com', period: 18 }, 2004, /invalid 'period' \(18 is not a period in months/);
    await refused({ domain: 'ceiling-me.com', period: 120 }, 2308, /past the 10-year limit .*; at most 108 months now/);
    const res = await performed(t(), alice.sid, 'domain-renew', { domain: 'ceiling-me.com', period: 108 });
    assert.equal(res.status, 'ack', res.body);
  });

  it('keeps an active privacy subscription by default, drops it with none, orders it with basic/pro', async () => {
    await registered(t(), alice, 'keep-me.com', { privacy: 'basic' });
    const d = (await domainRow(t(), 'keep-me.com'))!;
    let before = await money(t(), alice.id);
    assert.equal((await performed(t(), alice.sid, 'domain-renew', { domain: 'keep-me.com', period: 12 })).status, 'ack');
    let after = (await domainRow(t(), 'keep-me.com'))!;
    assert.equal(after.privacy_expires_at, addMonths(d.expires_at, 12));
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125 - 300, reserved: 0 });
    assert.deepEqual((await ordersOf(t(), alice.id, 'keep-me.com')).map((o) => o.type), ['create', 'privacy_pp1', 'renew', 'privacy_pp1']);

    alice = await later(t(), alice, 7 * HOUR);
    before = await money(t(), alice.id);
    assert.equal((await performed(t(), alice.sid, 'domain-renew', { domain: 'keep-me.com', period: 12, privacy: 'none' })).status, 'ack');
    const dropped = (await domainRow(t(), 'keep-me.com'))!;
    assert.equal(dropped.privacy_expires_at, after.privacy_expires_at, 'privacy runs out at its own date');
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125, reserved: 0 });

    await registered(t(), alice, 'order-pro.com');
    before = await money(t(), alice.id);
    assert.equal((await performed(t(), alice.sid, 'domain-renew', { domain: 'order-pro.com', period: 12, privacy: 'pro' })).status, 'ack');
    after = (await domainRow(t(), 'order-pro.com'))!;
    assert.deepEqual([after.privacy, after.privacy_origin, after.privacy_expires_at], ['pro', 'pro', after.expires_at]);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125 - 1200, reserved: 0 }, 'pro from now to the new expiry: 24 months');
  });

  it('needs max-price for a premium renewal', async () => {
    const org = await newContact(t(), alice.sid, { tld: 'org', name: 'Org Person', email: 'o@example.org', 'address-1': 'A 1', city: 'B', 'postal-code': '1', country: 'US', phone: '+1.4155552671' });
    await t().app.deps.db.updateTable('accounts').set((eb) => ({ balance: eb('balance', '+', 400_000) })).where('id', '=', alice.id).execute();
    const reg = await performed(t(), alice.sid, 'domain-register', { ...registration(alice, 'charity.org', { 'max-price': 1500 }), 'owner-c': org, 'admin-c': org, 'tech-c': org, 'billing-c': org });
    assert.equal(reg.status, 'ack', reg.body);
    await refused({ domain: 'charity.org', period: 12 }, 2003, /missing parameter 'max-price' \(required for the renewal of charity.org, a premium name priced 1500.00 USD/);
    assert.equal((await performed(t(), alice.sid, 'domain-renew', { domain: 'charity.org', period: 12, 'max-price': '1500.00' })).status, 'ack');
  });

  it('refuses without funds, for unknown and other accounts\' domains, and to keys that may not cause costs', async () => {
    const poor = await domainReseller(t(), 'ren-poor', { balance: 2000 });
    await registered(t(), poor, 'poor-renew.com');
    const r = await renew({ domain: 'poor-renew.com', period: 12 }, poor.sid);
    assert.equal(r.code, 2104, r.raw);
    const missing = await renew({ domain: 'no-such-renew.com', period: 12 });
    const foreign = await renew({ domain: 'poor-renew.com', period: 12 });
    assert.equal(missing.code, 2303);
    assert.equal(foreign.code, 2303);
    assert.equal(foreign.get('Error'), 'domain poor-renew.com not found', 'another reseller\'s domain answers like a missing one');
    for (const scope of ['modify-only', 'read-only'] as const) assert.equal((await renew({ domain: 'renew-me.com', period: 12 }, await alice.session(scope))).code, 2201);
  });

  it('lets a @billing grantee renew, not a @tech one', async () => {
    const id = (await domainRow(t(), 'ceiling-me.com'))!.id;
    await registered(t(), alice, 'granted-renew.com');
    const gid = (await domainRow(t(), 'granted-renew.com'))!.id;
    await addGrant(t(), gid, alice.id, bob.id, '@billing');
    await addGrant(t(), id, alice.id, bob.id, '@tech');
    bob = { ...bob, sid: await bob.session('full') };
    const before = await money(t(), bob.id);
    const ok = await performed(t(), bob.sid, 'domain-renew', { domain: 'granted-renew.com', period: 12 });
    assert.equal(ok.status, 'ack', ok.body);
    assert.deepEqual(await money(t(), bob.id), { balance: before.balance - 1125, reserved: 0 }, 'the grantee pays');
    const tech = await renew({ domain: 'ceiling-me.com', period: 12 }, bob.sid);
    assert.equal(tech.code, 2201);
    assert.match(tech.get('Error')!, /^your role @tech on ceiling-me\.com does not permit renewing it/);
  });

  it('refuses deleted domains', async () => {
    await registered(t(), alice, 'gone-renew.com');
    alice = await later(t(), alice, 6 * 24 * HOUR); // past the add grace period: into redemption, not purged
    assert.equal((await performed(t(), alice.sid, 'domain-delete', { domain: 'gone-renew.com', force: 1 })).status, 'ack');
    await refused({ domain: 'gone-renew.com', period: 12 }, 2304, /gone-renew.com is deleted and in its redemption period until .*; restore it with domain-redeem first/);
  });
});
