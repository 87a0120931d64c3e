import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../helpers/harness.ts';
import { crashOnce, guardRegistry, workerWrapping } from '../helpers/registry-guard.ts';
import { atRegistry, domainReseller, domainRow, later, money, ordersOf, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { answerFoa, answerPage, foaKey, foreignDomain, LOSING, outRow, ownDomain, requested, tick, transferRow, DAY } from '../helpers/transfer-fixtures.ts';
import { addMonths } from '../../src/core/period.ts';
import { simulatorOf } from '../../src/registry/index.ts';
import { runTransfers, TRANSFER_COMPLETE_JOB, TRANSFER_REQUEST_JOB } from '../../src/services/transfers.ts';
import { requestTransferOut } from '../../src/services/transfer-out.ts';
import { setTransferPolicy, type TransferAnswer } from '../../src/services/transfer-policy.ts';
import type { JobHandler } from '../../src/jobs/worker.ts';

/** .com transfer price for a reseller without rebate: 11.25 USD. */
const PRICE = 1125;

/**
 * The transfer flows under guardRegistry (no registry call of the platform while one of its
 * transactions is open): transfers in from another registrar (checks, FOA, request, the losing
 * registrar's approval, rejection or silence, cancel, completion), transfers away (the reseller's
 * approval, rejection, the registry's deadline), transfers between two resellers of the platform;
 * then workers dying between a step's registry calls and its transaction.
 */
forEachDatabase('transfer flows call the registry outside transactions', (t) => {
  let guard: ReturnType<typeof guardRegistry>;
  let alice: DomainReseller;
  let bob: DomainReseller;
  const deps = () => t().app.deps;
  const now = () => t().clock.now();
  const state = async (name: string) => (await transferRow(t(), name)).state;
  const control = (r: DomainReseller, action: string, domain: string) => t().call('domain-transfer-control', { 'auth-sid': r.sid, action, domain });
  const policy = (answer: TransferAnswer) => setTransferPolicy(deps().db, now(), { registrar: LOSING, answer, delayMs: 0 });
  const calls = (call: string) => guard.calls.filter((c) => c === call).length;
  const workerWith = (kind: string, wrap: (real: JobHandler) => JobHandler) => workerWrapping(t().app, kind, wrap);
  /** A transfer from another registrar up to the registry's request: checks, FOA, yes. */
  const waiting = async (name: string) => {
    const { code } = await foreignDomain(t(), name);
    const { procId } = await requested(t(), bob, name, code);
    await answerFoa(t(), name, 'yes');
    assert.equal(await state(name), 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    return procId;
  };
  const fresh = async () => {
    alice = await later(t(), alice, 0);
    bob = await later(t(), bob, 0);
  };

  before(() => {
    guard = guardRegistry(t().app.deps);
  });
  after(() => guard.restore());

  it('setup', async () => {
    alice = await domainReseller(t(), 'tro-alice');
    bob = await domainReseller(t(), 'tro-bob');
  });

  it('transfers in from another registrar: approved, rejected, silent until the registry approves, cancelled', async () => {
    const before = await money(t(), bob.id);
    await waiting('in-approved.com');
    await policy('approve');
    await tick(t());
    assert.equal(await state('in-approved.com'), 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.equal((await atRegistry(t(), 'in-approved.com'))!.registrant, bob.contact, 'the requested owner was set at the registry');

    await waiting('in-rejected.com');
    await policy('reject');
    await tick(t());
    assert.equal(await state('in-rejected.com'), 'TRANSFER_FAILED');

    await policy('silent');
    await waiting('in-silent.com');
    await waiting('in-cancelled.com');
    assert.equal((await control(bob, 'cancel', 'in-cancelled.com')).code, 0);
    await t().work();
    assert.equal(await state('in-cancelled.com'), 'TRANSFER_CANCELLED');
    t().clock.advance(5 * DAY + 1000);
    await tick(t());
    assert.equal(await state('in-silent.com'), 'TRANSFER_PROCESSED_SUCCESSFULLY');

    assert.deepEqual(guard.violations, []);
    assert.deepEqual(await money(t(), bob.id), { balance: before.balance - 2 * PRICE, reserved: 0 });
    for (const call of ['infoDomain', 'verifyAuthCode', 'requestTransfer', 'queryTransfer', 'cancelTransfer', 'updateDomain']) {
      assert.ok(guard.calls.some((c) => c.startsWith(`${call}(`)), `the flows called ${call}`);
    }
  });

  it('transfers away: the reseller approves, rejects, or does not answer until the registry approves', async () => {
    await fresh();
    const away = async (name: string) => {
      const own = await ownDomain(t(), alice, name);
      const out = await requestTransferOut({ db: deps().db, now: now(), deps: deps() }, { domain: name, gaining: LOSING, authCode: own.code });
      assert.equal(out.state, 'pending');
    };
    await away('away-approved.com');
    await away('away-rejected.com');
    await away('away-silent.com');
    assert.equal((await control(alice, 'approve-out', 'away-approved.com')).code, 0);
    assert.equal((await control(alice, 'reject-out', 'away-rejected.com')).code, 0);
    await t().work();
    assert.equal((await outRow(t(), 'away-approved.com')).state, 'transferred');
    assert.equal(await domainRow(t(), 'away-approved.com'), undefined);
    assert.equal((await outRow(t(), 'away-rejected.com')).state, 'rejected');
    assert.equal((await atRegistry(t(), 'away-rejected.com'))!.sponsor, 'dmapid');
    t().clock.advance(5 * DAY + 1000);
    await tick(t());
    assert.equal((await outRow(t(), 'away-silent.com')).state, 'transferred');
    assert.equal((await atRegistry(t(), 'away-silent.com'))!.sponsor, LOSING);
    assert.deepEqual(guard.violations, []);
    assert.ok(calls('approveTransfer(away-approved.com)') >= 1 && calls('rejectTransfer(away-rejected.com)') >= 1);
  });

  it('transfers between two resellers of the platform: approved by the holder (the year added once), rejected by the holder', async () => {
    await fresh();
    const own = await ownDomain(t(), alice, 'move-outside.com');
    const expiry = (await atRegistry(t(), own.name))!.expiresAt;
    const { procId } = await requested(t(), bob, own.name, own.code);
    await answerFoa(t(), own.name, 'yes');
    assert.equal((await control(alice, 'approve-out', own.name)).code, 0);
    await t().work();
    assert.equal(await state(own.name), 'TRANSFER_PROCESSED_SUCCESSFULLY', procId);
    assert.equal((await domainRow(t(), own.name))!.account_id, bob.id);
    assert.equal((await atRegistry(t(), own.name))!.expiresAt, addMonths(expiry, 12));

    const kept = await ownDomain(t(), alice, 'kept-outside.com');
    await requested(t(), bob, kept.name, kept.code);
    await answerFoa(t(), kept.name, 'yes');
    assert.equal((await control(alice, 'reject-out', kept.name)).code, 0);
    await t().work();
    assert.equal(await state(kept.name), 'TRANSFER_FAILED');
    assert.equal((await domainRow(t(), kept.name))!.account_id, alice.id);
    assert.deepEqual(guard.violations, []);
    assert.equal(calls(`renewDomain(${own.name})`), 1);
    assert.ok(calls(`newAuthCode(${own.name})`) >= 1);
  });

  it('a transfer request whose worker dies after the registry took it is requested once', async () => {
    await fresh();
    const before = await money(t(), bob.id);
    const { name, code } = await foreignDomain(t(), 'crash-request.com');
    await requested(t(), bob, name, code);
    await answerPage(t(), 'transfer', await foaKey(t(), name), 'yes');
    const worker = workerWith(TRANSFER_REQUEST_JOB, crashOnce);
    await worker.runUntilIdle();
    assert.equal(await state(name), 'REGISTRY_REQUEST_SENT', 'marked before the registry was asked; the rest rolled back');
    assert.equal((await simulatorOf(deps()).open(deps().db, now()).queryTransfer(name))?.status, 'pending', 'the registry has the request');
    assert.equal((await control(bob, 'cancel', name)).code, 2304, 'no quiet cancel while the registry may hold the request');
    t().clock.advance(10_000);
    await worker.runUntilIdle();
    assert.equal(await state(name), 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING', 'the retry adopted the request instead of failing with 2300');
    assert.equal(calls(`requestTransfer(${name})`), 1, 'requested at the registry once');
    t().clock.advance(5 * DAY + 1000);
    await tick(t());
    assert.equal(await state(name), 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.deepEqual(await money(t(), bob.id), { balance: before.balance - PRICE, reserved: 0 });
    assert.deepEqual(guard.violations, []);
  });

  it('a completion whose worker dies before its commit puts the domain in the account and books the money once', async () => {
    await fresh();
    const before = await money(t(), bob.id);
    const name = 'crash-complete.com';
    await waiting(name);
    t().clock.advance(5 * DAY + 1000);
    await runTransfers(deps(), now());
    assert.equal(await state(name), 'DOMAIN_WITH_JOKER_PENDING_COMPLETE');
    const worker = workerWith(TRANSFER_COMPLETE_JOB, crashOnce);
    await worker.runUntilIdle();
    assert.equal(await domainRow(t(), name), undefined, 'the local rows rolled back');
    assert.deepEqual(await money(t(), bob.id), { balance: before.balance, reserved: PRICE }, 'still held');
    t().clock.advance(10_000);
    await worker.runUntilIdle();
    assert.equal(await state(name), 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.equal((await domainRow(t(), name))!.account_id, bob.id);
    assert.deepEqual(await money(t(), bob.id), { balance: before.balance - PRICE, reserved: 0 });
    assert.deepEqual((await ordersOf(t(), bob.id, name)).filter((o) => o.status === 'ok').map((o) => [o.type, o.amount_brutto]), [['transfer', PRICE]]);
    assert.deepEqual(guard.violations, []);
  });

  it('a move between resellers whose worker dies before its commit renews once and books once', async () => {
    await fresh();
    const before = await money(t(), bob.id);
    const own = await ownDomain(t(), alice, 'crash-move.com');
    const expiry = (await atRegistry(t(), own.name))!.expiresAt;
    await requested(t(), bob, own.name, own.code);
    await answerFoa(t(), own.name, 'yes');
    assert.equal((await control(alice, 'approve-out', own.name)).code, 0);
    const worker = workerWith(TRANSFER_COMPLETE_JOB, crashOnce);
    await worker.runUntilIdle();
    assert.equal(await state(own.name), 'DOMAIN_WITH_JOKER_PENDING_COMPLETE');
    assert.equal((await domainRow(t(), own.name))!.account_id, alice.id, 'the local move rolled back');
    assert.equal((await atRegistry(t(), own.name))!.expiresAt, addMonths(expiry, 12), 'the registry renewed');
    t().clock.advance(10_000);
    await worker.runUntilIdle();
    assert.equal(await state(own.name), 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.equal(calls(`renewDomain(${own.name})`), 1, 'renewed once');
    assert.equal((await atRegistry(t(), own.name))!.expiresAt, addMonths(expiry, 12));
    const d = (await domainRow(t(), own.name))!;
    assert.deepEqual([d.account_id, d.expires_at], [bob.id, addMonths(expiry, 12)]);
    assert.deepEqual(await money(t(), bob.id), { balance: before.balance - PRICE, reserved: 0 });
    assert.equal((await outRow(t(), own.name)).state, 'transferred');
    assert.deepEqual(guard.violations, []);
  });
});
