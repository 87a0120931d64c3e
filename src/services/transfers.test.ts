import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { domainReseller, domainRow, money, type DomainReseller } from '../../test/helpers/domain-fixtures.ts';
import { answerPage, foaKey, foreignDomain, LOSING, ownDomain, requested, states, tick, transferRow } from '../../test/helpers/transfer-fixtures.ts';
import { registryCancelFailed, registryRequestFailed, TRANSFER_REQUEST_JOB } from './transfers.ts';
import { requestTransferOut } from './transfer-out.ts';
import { simulatorOf } from '../registry/index.ts';

forEachDatabase('transfer flows (service level)', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  const tx = <T>(fn: (ctx: { db: Parameters<typeof registryRequestFailed>[0]['db']; now: number }) => Promise<T>) => t().app.deps.db.transaction().execute((db) => fn({ db, now: t().clock.now() }));

  it('setup', async () => {
    alice = await domainReseller(t(), 'svc-alice');
    bob = await domainReseller(t(), 'svc-bob');
  });

  it('ends a transfer whose registry request could not be sent at all, releasing the money', async () => {
    const { name, code } = await foreignDomain(t(), 'lost-request.com');
    const before = await money(t(), alice.id);
    const { procId } = await requested(t(), alice, name, code);
    const key = await foaKey(t(), name);
    // The answer is taken, but the worker never gets to run the request (its attempts fail for good).
    await answerPage(t(), 'transfer', key, 'yes');
    const row = await transferRow(t(), name);
    assert.equal(row.state, 'FOA_ACK');
    await t().app.deps.db.updateTable('jobs').set({ status: 'failed' }).where('kind', '=', TRANSFER_REQUEST_JOB).where('status', '=', 'queued').execute();
    await tx((ctx) => registryRequestFailed(ctx, row.id, 'database unavailable'));
    const after = await transferRow(t(), name);
    assert.deepEqual([after.state, after.outcome], ['TRANSFER_FAILED', 'failed']);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: before.reserved });
    const res = await t().app.deps.db.selectFrom('results').select(['status', 'content']).where('id', '=', Number(procId)).executeTakeFirstOrThrow();
    assert.equal(res.status, 'nack');
    assert.match(res.content!, /could not be requested at the registry: database unavailable/);
    // A second call changes nothing.
    await tx((ctx) => registryRequestFailed(ctx, row.id, 'again'));
    assert.equal((await states(t(), name)).filter((s) => s === 'TRANSFER_FAILED').length, 1);
  });

  it('puts a transfer whose cancel could not be sent back to waiting, where the registry ends it', async () => {
    const { name, code } = await foreignDomain(t(), 'lost-cancel.com');
    await requested(t(), alice, name, code);
    await answerPage(t(), 'transfer', await foaKey(t(), name), 'yes');
    await t().work();
    const r = await t().call('domain-transfer-control', { 'auth-sid': alice.sid, action: 'cancel', domain: name });
    assert.equal(r.code, 0, r.raw);
    const row = await transferRow(t(), name);
    await tx((ctx) => registryCancelFailed(ctx, row.id, 'timeout'));
    assert.equal((await transferRow(t(), name)).state, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    await simulatorOf(t().app.deps).openAs(LOSING, t().app.deps.db, t().clock.now()).approveTransfer(name);
    await t().work(); // the cancel job finds the state changed and does nothing
    await tick(t());
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
  });

  it('takes a transferred-away domain out of whichever account holds it by then', async () => {
    const own = await ownDomain(t(), alice, 'moved-then-gone.com');
    await requestTransferOut({ db: t().app.deps.db, now: t().clock.now(), deps: t().app.deps }, { domain: own.name, gaining: LOSING, authCode: own.code });
    // Meanwhile the domain moved to bob's portfolio (grants @creator).
    await t().app.deps.db.updateTable('domains').set({ account_id: bob.id }).where('id', '=', own.id).execute();
    await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).approveTransfer(own.name);
    await tick(t());
    assert.equal(await domainRow(t(), own.name), undefined);
  });
});
