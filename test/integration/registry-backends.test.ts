import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../helpers/harness.ts';
import { forEachDatabaseOverEpp } from '../helpers/epp-registry.ts';
import { domainReseller, domainRow, money, performed, registered, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { DAY } from '../../src/core/clock.ts';
import { addMonths } from '../../src/core/period.ts';
import { registryOf } from '../../src/registry/index.ts';
import { AUTORENEW_LEAD_MS, runDomainLifecycle } from '../../src/services/domain-lifecycle.ts';

const digest = 'A1'.repeat(32);

/**
 * One registrar life of a name through DMAPI, the same assertions on either backend: the
 * simulated registry in dmapid's database, and a registry reached over EPP (another dmapid's
 * listener). What the reseller sees and pays must not depend on which.
 */
function lifecycle(t: () => TestApp, advance: (ms: number) => void, backend: 'simulated' | 'epp') {
  let alice: DomainReseller;
  const ok = async (name: string, params: Record<string, string | number>) => {
    const r = await performed(t(), alice.sid, name, params);
    assert.equal(r.status, 'ack', `${name}: ${r.body}`);
    return r;
  };

  it('setup', async () => {
    alice = await domainReseller(t(), `life-${backend}`, { balance: 1_000_000 });
    assert.equal(registryOf(t().app.deps).kind, backend);
  });

  it('registers, modifies (name servers, DNSSEC, lock), renews, deletes and restores; money adds up', async () => {
    const start = await money(t(), alice.id);
    await registered(t(), alice, 'life-cycle.com');
    const created = (await domainRow(t(), 'life-cycle.com'))!;
    assert.equal(created.expires_at, addMonths(t().clock.now(), 12));
    const afterCreate = await money(t(), alice.id);
    assert.ok(afterCreate.balance < start.balance);
    assert.equal(afterCreate.reserved, 0);

    await ok('ns-create', { host: 'ns1.life-cycle.com', ip: '45.76.10.54' });
    await ok('domain-modify', { domain: 'life-cycle.com', 'ns-list': 'ns1.life-cycle.com:b.ns.joker.com', dnssec: 1, 'ds-1': `12345:13:2:${digest}` });
    await ok('domain-lock', { domain: 'life-cycle.com' });
    const info = await t().call('query-whois', { 'auth-sid': alice.sid, domain: 'life-cycle.com' });
    assert.match(info.raw, /ns1\.life-cycle\.com/i);
    await ok('domain-unlock', { domain: 'life-cycle.com' });
    await ok('domain-modify', { domain: 'life-cycle.com', 'ns-list': 'a.ns.joker.com:b.ns.joker.com', dnssec: 0 });
    await ok('ns-delete', { host: 'ns1.life-cycle.com' });
    await ok('domain-transfer-get-auth-id', { domain: 'life-cycle.com' });

    await ok('domain-renew', { domain: 'life-cycle.com', period: 12 });
    assert.equal((await domainRow(t(), 'life-cycle.com'))!.expires_at, addMonths(created.expires_at, 12));

    advance(5 * DAY);
    alice = { ...alice, sid: await alice.session('full') };
    const del = await ok('domain-delete', { domain: 'life-cycle.com', force: 1 });
    assert.match(del.text, /restorable with domain-redeem/);
    assert.equal((await domainRow(t(), 'life-cycle.com'))!.status, 'redemption');
    await ok('domain-redeem', { domain: 'life-cycle.com' });
    const back = (await domainRow(t(), 'life-cycle.com'))!;
    assert.equal(back.status, 'active');
    const end = await money(t(), alice.id);
    assert.equal(end.reserved, 0, 'nothing left reserved');
    const frames = await t().app.deps.db.selectFrom('registry_frames').select(['job_id', 'command']).execute();
    // Over EPP every registry call of a job is on file under it; the simulated backend files none.
    if (backend === 'epp') assert.ok(frames.some((f) => f.command === 'domain:create' && f.job_id !== null) && frames.some((f) => f.command === 'domain:renew'));
    else assert.deepEqual(frames, []);
    const paid = await t().app.deps.db.selectFrom('orders').select(['type', 'amount_brutto']).where('account_id', '=', alice.id).where('identifier', '=', 'life-cycle.com').where('status', '=', 'ok').orderBy('id').execute();
    const charged = paid.reduce((s, o) => s + Number(o.amount_brutto), 0);
    assert.equal(start.balance - end.balance, charged, 'the balance moved by exactly what the orders say');
    assert.deepEqual(paid.filter((o) => Number(o.amount_brutto) > 0).map((o) => o.type), ['create', 'renew', 'restore']);
  });

  it('a registration inside the add grace period is purged on delete', async () => {
    await registered(t(), alice, 'life-young.com');
    const r = await ok('domain-delete', { domain: 'life-young.com' });
    assert.match(r.text, /purged/);
    assert.equal(await domainRow(t(), 'life-young.com'), undefined);
    const check = await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'life-young.com' });
    assert.match(check.raw, /domain-status: available/);
  });

  it('the lifecycle: autorenew a day before expiry, expiry into redemption without it, then the purge', async () => {
    alice = { ...alice, sid: await alice.session('full') };
    await registered(t(), alice, 'life-auto.com', { autorenew: 1 });
    await registered(t(), alice, 'life-lapse.com', { autorenew: 0 });
    const expiry = (await domainRow(t(), 'life-auto.com'))!.expires_at;
    const before = await money(t(), alice.id);
    const atRegistry = (name: string) => registryOf(t().app.deps).open(t().app.deps.db, t().clock.now()).infoDomain(name);
    advance(expiry - t().clock.now() - AUTORENEW_LEAD_MS + 1000);
    assert.deepEqual((await runDomainLifecycle(t().app.deps, t().clock.now())).autorenewed, ['life-auto.com']);
    assert.equal((await atRegistry('life-auto.com'))!.expiresAt, addMonths(expiry, 12), 'renewed at the registry');
    assert.equal((await domainRow(t(), 'life-auto.com'))!.expires_at, addMonths(expiry, 12));
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125, reserved: 0 });
    advance(AUTORENEW_LEAD_MS);
    assert.deepEqual((await runDomainLifecycle(t().app.deps, t().clock.now())).expired, ['life-lapse.com']);
    assert.equal((await domainRow(t(), 'life-lapse.com'))!.status, 'redemption');
    assert.ok((await atRegistry('life-lapse.com'))!.rgp.includes('redemptionPeriod'), 'deleted at the registry');
    advance(36 * DAY);
    assert.ok((await runDomainLifecycle(t().app.deps, t().clock.now())).purged.includes('life-lapse.com'));
    assert.equal(await domainRow(t(), 'life-lapse.com'), undefined);
    assert.equal(await atRegistry('life-lapse.com'), undefined, 'purged at the registry too');
  });
}

forEachDatabase('registrar lifecycle on the simulated backend', (t) => lifecycle(t, (ms) => t().clock.advance(ms), 'simulated'));
forEachDatabaseOverEpp('registrar lifecycle', (p) => lifecycle(() => p().client, (ms) => p().advance(ms), 'epp'));
