import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { atRegistry, domainReseller, domainRow, later, money, ordersOf, performed, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { DAY } from '../../core/clock.ts';
import { addMonths } from '../../core/period.ts';
import { simulatorOf } from '../../registry/index.ts';
import { runRedemption } from '../../services/domain-lifecycle.ts';

forEachDatabase('domain-redeem', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  const redeem = (params: Record<string, string | number>, sid = alice.sid) => t().call('domain-redeem', { 'auth-sid': sid, ...params });
  const deleted = async (name: string, extra: Record<string, string | number> = {}) => {
    await registered(t(), alice, name, extra);
    alice = await later(t(), alice, 10 * DAY);
    const res = await performed(t(), alice.sid, 'domain-delete', { domain: name, force: 1 });
    assert.equal(res.status, 'ack', res.body);
  };

  it('setup', async () => {
    alice = await domainReseller(t(), 'rdm-alice');
    bob = await domainReseller(t(), 'rdm-bob');
  });

  it('restores a domain in redemption for the restore fee plus a year, and lists it again', async () => {
    await deleted('back-rdm.com');
    const before = await money(t(), alice.id);
    const r = await redeem({ domain: 'back-rdm.com' });
    assert.equal(r.code, 0, r.raw);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: 8000 + 1125 });
    await t().work();
    const row = (await domainRow(t(), 'back-rdm.com'))!;
    const expires = addMonths(t().clock.now(), 12);
    assert.deepEqual([row.status, row.expires_at, row.deleted_at, row.redemption_ends_at, row.purge_at], ['active', expires, null, null, null]);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 9125, reserved: 0 });
    assert.deepEqual((await ordersOf(t(), alice.id, 'back-rdm.com')).map((o) => [o.type, o.status, o.amount_brutto]).slice(-2), [['restore', 'ok', 8000], ['renew', 'ok', 1125]]);
    assert.equal((await atRegistry(t(), 'back-rdm.com'))!.expiresAt, expires);
    assert.match((await t().call('query-domain-list', { 'auth-sid': alice.sid })).body, /^back-rdm.com /m);
    const res = await t().call('result-retrieve', { 'auth-sid': alice.sid, 'proc-id': r.get('Proc-ID')! });
    assert.match(res.body, /\n\nresult_msg: back-rdm.com restored; expires \d{4}-\d{2}-\d{2}\n$/);
  });

  it('charges only the restore fee when the domain runs longer than a year anyway', async () => {
    await deleted('long-rdm.com', { period: 60 });
    const before = await money(t(), alice.id);
    const res = await performed(t(), alice.sid, 'domain-redeem', { domain: 'long-rdm.com' });
    assert.equal(res.status, 'ack', res.body);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 8000, reserved: 0 });
  });

  it('refuses active domains, domains past redemption, other accounts\' domains, keys without costs, and too little money', async () => {
    await registered(t(), alice, 'live-rdm.com');
    const live = await redeem({ domain: 'live-rdm.com' });
    assert.equal(live.code, 2304);
    assert.equal(live.get('Error'), 'live-rdm.com is not deleted; nothing to restore');
    await deleted('late-rdm.com');
    const foreign = await redeem({ domain: 'late-rdm.com' }, (await bob.session('full')));
    assert.equal(foreign.code, 2303);
    assert.equal((await redeem({ domain: 'late-rdm.com' }, await alice.session('modify-only'))).code, 2201);
    const poor = await domainReseller(t(), 'rdm-poor', { balance: 2000 });
    await registered(t(), poor, 'poor-rdm.com');
    const p = await later(t(), poor, 10 * DAY);
    assert.equal((await performed(t(), p.sid, 'domain-delete', { domain: 'poor-rdm.com', force: 1 })).status, 'ack');
    assert.equal((await redeem({ domain: 'poor-rdm.com' }, p.sid)).code, 2104);
    alice = await later(t(), alice, 21 * DAY); // 31 days after the delete: past redemption, not yet purged
    await runRedemption(t().app.deps, t().clock.now());
    const over = await redeem({ domain: 'late-rdm.com' });
    assert.equal(over.code, 2304);
    assert.match(over.get('Error')!, /late-rdm.com left its redemption period on .* and can no longer be restored/);
  });

  it('releases the money when the registry refuses', async () => {
    await deleted('raced-rdm.com');
    const before = await money(t(), alice.id);
    const r = await redeem({ domain: 'raced-rdm.com' });
    assert.equal(r.code, 0, r.raw);
    // Meanwhile the registry restored it on its own (an operator, another channel).
    await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).restoreDomain('raced-rdm.com');
    await t().work();
    const res = await t().call('result-retrieve', { 'auth-sid': alice.sid, 'proc-id': r.get('Proc-ID')! });
    assert.match(res.body, /Completion-Status: nack/);
    assert.match(res.body, /raced-rdm.com is not in its redemption period \(EPP 2304\)/);
    assert.deepEqual(await money(t(), alice.id), before);
  });
});
