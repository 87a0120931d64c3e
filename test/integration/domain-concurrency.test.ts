import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../helpers/harness.ts';
import { retrieve } from '../helpers/registry-fixtures.ts';
import { domainReseller, domainRow, money, registration, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { Worker } from '../../src/jobs/worker.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { claimJobs } from '../../src/jobs/queue.ts';

/** query-order-list rows as objects, by its Columns header. */
function orderRows(reply: { body: string; get(name: string): string | undefined }): Array<Record<string, string>> {
  const columns = reply.get('Columns')!.split(',');
  // TAB-separated (the billing engine's layout); a `Separator: SPACE` reply would use spaces.
  const sep = reply.get('Separator') === 'SPACE' ? ' ' : '\t';
  return reply.body
    .split('\n')
    .filter(Boolean)
    .map((line) => Object.fromEntries(line.split(sep).map((v, i) => [columns[i]!, v])));
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

forEachDatabase('domain registration under concurrency', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;

  it('setup', async () => {
    alice = await domainReseller(t(), 'cc-alice');
    bob = await domainReseller(t(), 'cc-bob');
  });

  const race = async (name: string, perform: () => Promise<void>) => {
    const before = { alice: await money(t(), alice.id), bob: await money(t(), bob.id) };
    const [a, b] = await Promise.all([t().call('domain-register', registration(alice, name)), t().call('domain-register', registration(bob, name))]);
    assert.deepEqual([a.code, b.code], [0, 0], 'both are accepted: the registry decides');
    assert.equal((await money(t(), alice.id)).reserved, 1125);
    assert.equal((await money(t(), bob.id)).reserved, 1125);
    await perform();
    const sa = (await retrieve(t(), alice.sid, a.get('Proc-ID')!)).keys.get('Completion-Status');
    const sb = (await retrieve(t(), bob.sid, b.get('Proc-ID')!)).keys.get('Completion-Status');
    assert.deepEqual([sa, sb].sort(), ['ack', 'nack'], 'exactly one gets it');
    const [winner, loser] = sa === 'ack' ? (['alice', 'bob'] as const) : (['bob', 'alice'] as const);
    const ids = { alice: alice.id, bob: bob.id };
    assert.equal((await domainRow(t(), name))!.account_id, ids[winner]);
    assert.deepEqual(await money(t(), ids[winner]), { balance: before[winner].balance - 1125, reserved: 0 });
    assert.deepEqual(await money(t(), ids[loser]), before[loser], 'the other one gets its money back');
    const lost = await t().app.deps.db.selectFrom('orders').select(['status', 'held']).where('account_id', '=', ids[loser]).where('identifier', '=', name).executeTakeFirstOrThrow();
    assert.deepEqual(lost, { status: 'error', held: 0 });
  };

  it('two resellers register the same name at once: one gets it, the other is refunded', async () => {
    await race('contested-cc.com', async () => void (await t().work()));
  });

  it('also when two workers perform both registrations at the same moment', async () => {
    const { deps, table } = t().app;
    const w1 = new Worker(deps, jobHandlers(table.commands));
    const w2 = new Worker(deps, jobHandlers(table.commands));
    await race('contested2-cc.com', async () => {
      const [j1] = await claimJobs(deps, w1.id, 1);
      assert.ok(j1);
      assert.deepEqual(await claimJobs(deps, w2.id, 1), [], 'the other registration of the name waits while the first is claimed');
      // Jobs queued before object keys existed (migration 0016) may still run side by side: the registry decides.
      await deps.db.updateTable('jobs').set({ object_key: null }).where('kind', '=', 'domain-register').execute();
      const [j2] = await claimJobs(deps, w2.id, 1);
      assert.ok(j2);
      await Promise.all([w1.perform(j1), w2.perform(j2)]);
      // Two registry sessions colliding on one name may fail as a database conflict: the retry checks first, then gets 2302.
      t().clock.advance(10_000);
      await t().work();
    });
  });

  it('100 parallel registrations with funds for 50: exactly 50 ack, the balance exact, the order list summing to the change', async () => {
    const price = 1125;
    const rich = await domainReseller(t(), 'cc-hundred', { balance: 50 * price });
    const start = await money(t(), rich.id);
    assert.deepEqual(start, { balance: 50 * price, reserved: 0 });
    const names = Array.from({ length: 100 }, (_, i) => `parallel-${String(i).padStart(3, '0')}-cc.com`);
    const replies = await Promise.all(names.map((n) => t().call('domain-register', registration(rich, n))));
    const accepted = replies.filter((r) => r.code === 0);
    const refused = replies.filter((r) => r.code !== 0);
    assert.equal(accepted.length, 50);
    assert.ok(refused.every((r) => r.code === 2104 && /^insufficient funds for create of parallel-\d{3}-cc.com \(11.25 USD needed, 0.00 USD available\)$/.test(r.get('Error')!)), refused[0]?.raw);
    assert.deepEqual(await money(t(), rich.id), { balance: 50 * price, reserved: 50 * price });
    await t().work();
    const statuses = await Promise.all(accepted.map(async (r) => (await retrieve(t(), rich.sid, r.get('Proc-ID')!)).keys.get('Completion-Status')));
    assert.equal(statuses.filter((s) => s === 'ack').length, 50);
    const end = await money(t(), rich.id);
    assert.deepEqual(end, { balance: 0, reserved: 0 });
    const domains = await t().app.deps.db.selectFrom('domains').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', rich.id).executeTakeFirstOrThrow();
    assert.equal(Number(domains.n), 50);
    const orders = orderRows(await t().call('query-order-list', { 'auth-sid': rich.sid, limit: 1000 }));
    const booked = orders.filter((o) => o.status === 'ok');
    assert.equal(booked.length, 50);
    assert.equal(booked.reduce((sum, o) => sum + cents(o.amount_brutto!), 0), start.balance - end.balance);
    const ledger = await t().app.deps.db.selectFrom('ledger').select((eb) => eb.fn.sum<number>('amount').as('s')).where('account_id', '=', rich.id).executeTakeFirstOrThrow();
    assert.equal(Number(ledger.s), end.balance - start.balance, 'the ledger accounts for every cent');
  });
});
