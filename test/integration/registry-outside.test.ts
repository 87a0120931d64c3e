import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../helpers/harness.ts';
import { crashOnce, guardRegistry, workerWrapping } from '../helpers/registry-guard.ts';
import { atRegistry, domainReseller, domainRow, later, money, performed, registered, registration, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { newContact, retrieve } from '../helpers/registry-fixtures.ts';
import { mailedKey } from '../helpers/mailed-keys.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { claimJobs } from '../../src/jobs/queue.ts';
import { Worker, type JobHandler } from '../../src/jobs/worker.ts';
import { runAutorenew, runExpiry } from '../../src/services/domain-lifecycle.ts';
import { addMonths } from '../../src/core/period.ts';
import { DAY, HOUR } from '../../src/core/clock.ts';
import { registryOf } from '../../src/registry/index.ts';

/**
 * Registry calls never run inside a database transaction (DESIGN.md, Jobs): every registrar flow
 * here runs under guardRegistry, which fails any call of the platform's registry session made
 * while one of the app's transactions is open. Then: what a crash between a job's registry step
 * and its transaction leaves (nothing done twice), the database being free meanwhile, and jobs
 * on one object running one after the other.
 */
forEachDatabase('registry calls outside transactions', (t) => {
  let guard: ReturnType<typeof guardRegistry>;
  let alice: DomainReseller;
  const deps = () => t().app.deps;
  const now = () => t().clock.now();
  const registryRows = (name: string) => deps().db.selectFrom('registry_domains').select('id').where('name', '=', name).execute();
  const charges = (accountId: number, name: string) =>
    deps().db.selectFrom('orders').select(['type', 'status', 'amount_brutto']).where('account_id', '=', accountId).where('identifier', '=', name).where('status', '=', 'ok').orderBy('id').execute();

  const workerWith = (kind: string, wrap: (real: JobHandler) => JobHandler) => workerWrapping(t().app, kind, wrap);

  before(() => {
    guard = guardRegistry(t().app.deps);
  });
  after(() => guard.restore());

  it('setup', async () => {
    alice = await domainReseller(t(), 'outside-alice', { balance: 1_000_000 });
  });

  it('catches a registry call inside a transaction (the guard itself)', async () => {
    await assert.rejects(deps().db.transaction().execute((trx) => registryOf(deps()).open(trx, now()).infoDomain('guarded.com')), /inside a database transaction/);
    await assert.rejects(deps().db.transaction().execute(() => registryOf(deps()).open(deps().db, now()).checkDomain('guarded.com')), /inside a database transaction/);
    assert.equal(guard.violations.length, 2);
    guard.violations.length = 0;
  });

  it('runs the registrar flows without a registry call inside a transaction', async () => {
    const contact = await newContact(t(), alice.sid, { tld: 'com', name: 'Olga Outside', email: 'olga@example.org', 'address-1': 'Road 2', city: 'Town', 'postal-code': '12345', country: 'US', phone: '+1.4155552672' });
    const ok = async (name: string, params: Record<string, string | number>) => {
      const r = await performed(t(), alice.sid, name, params);
      assert.equal(r.status, 'ack', `${name}: ${r.body}`);
      return r;
    };
    await ok('contact-modify', { handle: contact, city: 'Othertown' });
    await registered(t(), alice, 'flows-outside.com', { autorenew: 1 });
    await ok('ns-create', { host: 'ns1.flows-outside.com', ip: '45.76.10.54' });
    await ok('ns-modify', { host: 'ns1.flows-outside.com', ip: '45.76.10.55' });
    await ok('domain-modify', { domain: 'flows-outside.com', 'ns-list': 'ns1.flows-outside.com:c.ns.joker.com', 'tech-c': contact });
    await ok('domain-modify', { domain: 'flows-outside.com', 'ns-list': 'a.ns.joker.com:b.ns.joker.com' });
    await ok('ns-delete', { host: 'ns1.flows-outside.com' });
    await ok('domain-lock', { domain: 'flows-outside.com' });
    await ok('domain-unlock', { domain: 'flows-outside.com' });
    await ok('domain-transfer-get-auth-id', { domain: 'flows-outside.com' });
    await ok('domain-renew', { domain: 'flows-outside.com', period: 12 });
    // A change of registrant: not material (same name, e-mail), made at once; then a material one, confirmed by mail.
    await ok('domain-owner-change', { domain: 'flows-outside.com', name: 'Jane Owner', email: 'outside-alice-owner@example.org', 'address-1': 'Elm Street 2', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
    const material = await t().call('domain-owner-change', { 'auth-sid': alice.sid, domain: 'flows-outside.com', name: 'New Owner', email: 'new-owner@example.org', 'address-1': 'Elm Street 3', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
    assert.equal(material.code, 0, material.raw);
    await t().work();
    const key = await mailedKey(deps().db, { kind: 'cor-confirmation', object: 'flows-outside.com' });
    assert.equal((await t().call('cor-verify', { 'auth-sid': alice.sid, key, answer: 'yes' })).code, 0);
    await t().work();
    assert.equal((await retrieve(t(), alice.sid, material.get('Proc-ID')!)).keys.get('Completion-Status'), 'ack');

    // The lifecycle: autorenew a day ahead, then expiry of a domain without autorenew, delete and restore.
    await registered(t(), alice, 'lapse-outside.com');
    const d = (await domainRow(t(), 'flows-outside.com'))!;
    t().clock.advance(d.expires_at - now() - HOUR);
    assert.deepEqual(await runAutorenew(deps(), now()), ['flows-outside.com']);
    const lapse = (await domainRow(t(), 'lapse-outside.com'))!;
    t().clock.advance(lapse.expires_at - now() + 1000);
    assert.ok((await runExpiry(deps(), now())).includes('lapse-outside.com'));
    alice = await later(t(), alice, 0);
    await ok('domain-redeem', { domain: 'lapse-outside.com' });
    await ok('domain-delete', { domain: 'lapse-outside.com', force: 1 });
    await registered(t(), alice, 'young-outside.com');
    await ok('domain-delete', { domain: 'young-outside.com' });
    await ok('contact-delete', { handle: (await newContact(t(), alice.sid)) });

    assert.deepEqual(guard.violations, []);
    for (const call of ['createContact', 'updateContact', 'createDomain', 'createHost', 'updateHost', 'deleteHost', 'updateDomain', 'newAuthCode', 'renewDomain', 'restoreDomain', 'deleteDomain', 'deleteContact']) {
      assert.ok(guard.calls.some((c) => c.startsWith(`${call}(`)), `the flows called ${call}`);
    }
  });

  it('a registration whose worker dies after the registry said yes is registered and charged once', async () => {
    alice = await later(t(), alice, 0);
    const before = await money(t(), alice.id);
    const accepted = await t().call('domain-register', registration(alice, 'crash-create.com'));
    assert.equal(accepted.code, 0, accepted.raw);
    const worker = workerWith('domain-register', crashOnce);
    await worker.runUntilIdle();
    assert.equal((await atRegistry(t(), 'crash-create.com'))?.sponsor, 'dmapid', 'the registry has it');
    assert.equal(await domainRow(t(), 'crash-create.com'), undefined, 'the local rows rolled back');
    t().clock.advance(10_000);
    await worker.runUntilIdle();
    const { keys } = await retrieve(t(), alice.sid, accepted.get('Proc-ID')!);
    assert.equal(keys.get('Completion-Status'), 'ack', 'the retry adopted the registration instead of failing with 2302');
    assert.equal((await registryRows('crash-create.com')).length, 1);
    assert.equal((await domainRow(t(), 'crash-create.com'))?.account_id, alice.id);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125, reserved: 0 });
    assert.deepEqual((await charges(alice.id, 'crash-create.com')).map((o) => [o.type, o.amount_brutto]), [['create', 1125]]);
  });

  it('a renewal whose worker dies after the registry said yes renews once and charges once', async () => {
    const d = (await domainRow(t(), 'crash-create.com'))!;
    const before = await money(t(), alice.id);
    const accepted = await t().call('domain-renew', { 'auth-sid': alice.sid, domain: 'crash-create.com', period: 24 });
    assert.equal(accepted.code, 0, accepted.raw);
    const worker = workerWith('domain-renew', crashOnce);
    await worker.runUntilIdle();
    t().clock.advance(10_000);
    await worker.runUntilIdle();
    assert.equal((await retrieve(t(), alice.sid, accepted.get('Proc-ID')!)).keys.get('Completion-Status'), 'ack');
    const expected = addMonths(d.expires_at, 24);
    assert.equal((await atRegistry(t(), 'crash-create.com'))!.expiresAt, expected, 'renewed at the registry once');
    assert.equal((await domainRow(t(), 'crash-create.com'))!.expires_at, expected);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 2 * 1125, reserved: 0 });
  });

  it('an autorenew whose worker dies mid-way is finished by the queue, charged once', async () => {
    await registered(t(), alice, 'crash-auto.com', { autorenew: 1 });
    const d = (await domainRow(t(), 'crash-auto.com'))!;
    t().clock.advance(d.expires_at - now() - HOUR);
    const before = await money(t(), alice.id);
    assert.deepEqual(await runAutorenew(deps(), now(), workerWith('domain-autorenew', crashOnce)), [], 'not done in this run');
    assert.equal((await atRegistry(t(), 'crash-auto.com'))!.expiresAt, addMonths(d.expires_at, 12), 'the registry renewed');
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: 1125 }, 'the price is held meanwhile');
    assert.deepEqual(await runAutorenew(deps(), now()), [], 'a second run does not renew again while the job waits to retry');
    t().clock.advance(10_000);
    await t().work();
    assert.equal((await atRegistry(t(), 'crash-auto.com'))!.expiresAt, addMonths(d.expires_at, 12), 'renewed once at the registry');
    assert.equal((await domainRow(t(), 'crash-auto.com'))!.expires_at, addMonths(d.expires_at, 12));
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125, reserved: 0 });
    const results = await deps().db.selectFrom('results').select('status').where('object_name', '=', 'crash-auto.com').where('request_type', '=', 'domain-autorenew').execute();
    assert.deepEqual(results.map((r) => r.status), ['ack']);
    t().clock.advance(2 * DAY);
    assert.deepEqual(await runExpiry(deps(), now()), [], 'nothing expires');
  });

  it('leaves the database free while a registry step is under way: another write commits meanwhile', async () => {
    alice = await later(t(), alice, 0);
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = workerWith('domain-register', (real) => {
      const handler: JobHandler = (ctx, p) => real(ctx, p);
      if (real.failed) handler.failed = real.failed;
      handler.outside = async (...args) => {
        const answer = await real.outside!(...args);
        entered();
        await gate; // a slow registry answer
        return answer;
      };
      return handler;
    });
    const accepted = await t().call('domain-register', registration(alice, 'slow-outside.com'));
    const running = slow.runUntilIdle();
    await inside;
    // Were the job holding a transaction, on SQLite this request would wait for its connection forever.
    const other = await t().call('domain-set-property', { 'auth-sid': alice.sid, domain: 'crash-create.com', pname: 'autorenew', pvalue: 1 });
    assert.equal(other.code, 0, other.raw);
    assert.equal((await domainRow(t(), 'crash-create.com'))!.autorenew, 1, 'the other write committed while the registry step was waiting');
    release();
    await running;
    assert.equal((await retrieve(t(), alice.sid, accepted.get('Proc-ID')!)).keys.get('Completion-Status'), 'ack');
  });

  it('runs two jobs on one domain one after the other, in the order they were accepted', async () => {
    const first = await t().call('domain-modify', { 'auth-sid': alice.sid, domain: 'crash-create.com', 'ns-list': 'c.ns.joker.com:d.ns.joker.com' });
    const second = await t().call('domain-modify', { 'auth-sid': alice.sid, domain: 'crash-create.com', 'ns-list': 'a.ns.joker.com:b.ns.joker.com' });
    assert.deepEqual([first.code, second.code], [0, 0]);
    const w1 = new Worker(deps(), jobHandlers(t().app.table.commands));
    const w2 = new Worker(deps(), jobHandlers(t().app.table.commands));
    const claimed = await claimJobs(deps(), w1.id, 10);
    assert.deepEqual(claimed.map((j) => j.result_id), [Number(first.get('Proc-ID'))], 'the second waits while the first is claimed');
    assert.deepEqual(await claimJobs(deps(), w2.id, 10), [], 'another worker cannot take it either');
    await w1.perform(claimed[0]!);
    await Promise.all([w1.runUntilIdle(), w2.runUntilIdle()]);
    assert.deepEqual((await atRegistry(t(), 'crash-create.com'))!.nameservers, ['a.ns.joker.com', 'b.ns.joker.com'], 'the later change is the one that stays');
    const local = await deps().db.selectFrom('domain_nameservers').select('host').where('domain_id', '=', (await domainRow(t(), 'crash-create.com'))!.id).orderBy('position').execute();
    assert.deepEqual(local.map((h) => h.host), ['a.ns.joker.com', 'b.ns.joker.com']);
    assert.deepEqual(guard.violations, []);
  });
});
