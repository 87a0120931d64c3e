import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { createAccount } from '../services/accounts.ts';
import type { Executor } from '../db/database.ts';
import { charge, commitReservation, recordOrder, refund, releaseReservation, reserve, topUp, type OrderRef } from './ledger.ts';

const price = (brutto: number, vatBp = 0) => {
  const netto = vatBp ? Math.round((brutto * 10000) / (10000 + vatBp)) : brutto;
  return { brutto, netto, vatBp };
};

/** The invariants every sequence of ledger operations must keep. */
async function assertInvariants(db: Executor, accountId: number): Promise<void> {
  const a = await db.selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', accountId).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('ledger').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  const sum = rows.reduce((s, r) => s + r.amount, 0);
  const reserved = rows.reduce((s, r) => s + r.reserved_delta, 0);
  assert.equal(a.balance, sum, 'balance = sum of the ledger');
  assert.equal(a.reserved, reserved, 'reserved = sum of reservation movements');
  assert.ok(a.balance - a.reserved >= 0, 'available never negative');
  assert.ok(a.reserved >= 0, 'reserved never negative');
  let b = 0;
  let r = 0;
  for (const row of rows) {
    b += row.amount;
    r += row.reserved_delta;
    assert.equal(row.balance_after, b, `ledger ${row.id}: balance_after`);
    assert.equal(row.reserved_after, r, `ledger ${row.id}: reserved_after`);
    assert.ok(row.balance_after - row.reserved_after >= 0);
  }
  const held = await db.selectFrom('orders').select(['held', 'status']).where('account_id', '=', accountId).execute();
  assert.equal(held.filter((o) => o.status === 'pending').reduce((s, o) => s + o.held, 0), a.reserved, 'reserved = money held by pending orders');
  assert.ok(held.every((o) => o.status === 'pending' || o.held === 0));
}

const insufficient = (e: unknown) => e instanceof DmapiError && e.key === 'INSUFFICIENT_FUNDS';

forEachDatabase('ledger', (t) => {
  const db = () => t().app.deps.db;
  let n = 0;
  const fresh = async (currency = 'USD') =>
    (await createAccount(db(), { login: `ledger-${++n}`, email: `l${n}@example.com`, currency, balance: 0 }, t().clock.now())).id;
  const order = (id: number) => db().selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('tops up and charges with an order and a ledger row each', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    const top = await topUp(db(), { accountId: acct, amount: 10_000, now, note: 'wire transfer' });
    assert.deepEqual([top.balance, top.reserved], [10_000, 0]);
    const ch = await charge(db(), { accountId: acct, type: 'create', identifier: 'example.com', tld: 'com', procId: 77, now, price: price(1339, 1900) });
    assert.deepEqual([ch.balance, ch.reserved], [8661, 0]);
    const o = await order(ch.orderId);
    assert.deepEqual(
      [o.status, o.type, o.amount_brutto, o.amount_netto, o.vat_bp, o.currency, o.identifier, o.tld, o.proc_id, o.completed_at],
      ['ok', 'create', 1339, 1125, 1900, 'USD', 'example.com', 'com', 77, now],
    );
    const t0 = await order(top.orderId);
    assert.deepEqual([t0.type, t0.amount_brutto, t0.amount_netto], ['credit-increase', -10_000, -10_000]);
    const ledger = await db().selectFrom('ledger').selectAll().where('account_id', '=', acct).orderBy('id').execute();
    assert.deepEqual(
      ledger.map((l) => [l.kind, l.amount, l.balance_after, l.order_id, l.note]),
      [
        ['topup', 10_000, 10_000, top.orderId, 'wire transfer'],
        ['charge', -1339, 8661, ch.orderId, ''],
      ],
    );
    await assertInvariants(db(), acct);
  });

  it('refuses a charge the available money does not cover, writing nothing, with a clear message', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    await topUp(db(), { accountId: acct, amount: 1000, now });
    await reserve(db(), { accountId: acct, type: 'renew', identifier: 'held.com', now, price: price(600) });
    await assert.rejects(
      charge(db(), { accountId: acct, type: 'create', identifier: 'big.com', now, price: price(500) }),
      (e: unknown) => insufficient(e) && (e as DmapiError).details[0] === 'insufficient funds for create of big.com (5.00 USD needed, 4.00 USD available)',
    );
    await assert.rejects(reserve(db(), { accountId: acct, type: 'transfer', identifier: 'big.com', now, price: price(401) }), insufficient);
    const orders = await db().selectFrom('orders').select('identifier').where('account_id', '=', acct).execute();
    assert.deepEqual(orders.map((o) => o.identifier).sort(), ['', 'held.com']);
    // Exactly the available money is fine.
    await charge(db(), { accountId: acct, type: 'create', identifier: 'exact.com', now, price: price(400) });
    await assertInvariants(db(), acct);
  });

  it('reserves, then commits or releases; a reservation closes once', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    await topUp(db(), { accountId: acct, amount: 5000, now });
    const a = await reserve(db(), { accountId: acct, type: 'create', identifier: 'a.com', now, price: price(1125) });
    const b = await reserve(db(), { accountId: acct, type: 'transfer', identifier: 'b.net', now, price: price(1290) });
    assert.deepEqual([b.balance, b.reserved], [5000, 2415]);
    assert.equal((await order(a.orderId)).status, 'pending');
    assert.equal((await order(a.orderId)).completed_at, null);

    t().clock.advance(60_000);
    const later = t().clock.now();
    const c = await commitReservation(db(), { accountId: acct, orderId: a.orderId, now: later });
    assert.deepEqual([c.balance, c.reserved], [3875, 1290]);
    assert.deepEqual([(await order(a.orderId)).status, (await order(a.orderId)).completed_at, (await order(a.orderId)).held], ['ok', later, 0]);
    const r = await releaseReservation(db(), { accountId: acct, orderId: b.orderId, now: later, note: 'registry said no' });
    assert.deepEqual([r.balance, r.reserved], [3875, 0]);
    const rel = await order(b.orderId);
    assert.deepEqual([rel.status, rel.amount_brutto], ['error', 1290]);

    await assert.rejects(commitReservation(db(), { accountId: acct, orderId: a.orderId, now: later }), /not pending/);
    await assert.rejects(releaseReservation(db(), { accountId: acct, orderId: b.orderId, now: later }), /not pending/);
    // Another account cannot touch the order.
    const other = await fresh();
    const p = await (async () => {
      await topUp(db(), { accountId: other, amount: 100, now });
      return reserve(db(), { accountId: acct, type: 'renew', identifier: 'c.org', now, price: price(100) });
    })();
    await assert.rejects(commitReservation(db(), { accountId: other, orderId: p.orderId, now }), /not pending/);
    await assertInvariants(db(), acct);
    await assertInvariants(db(), other);
  });

  it('refunds booked orders wholly or in part, never more than was paid', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    await topUp(db(), { accountId: acct, amount: 5000, now });
    const ch = await charge(db(), { accountId: acct, type: 'create', identifier: 'r.com', tld: 'com', now, price: price(1190, 1900) });
    const part = await refund(db(), { accountId: acct, orderId: ch.orderId, amount: 595, now, procId: 9 });
    assert.equal(part.balance, 5000 - 1190 + 595);
    const pr = await order(part.orderId);
    assert.deepEqual([pr.type, pr.amount_brutto, pr.amount_netto, pr.refund_of, pr.identifier, pr.tld, pr.proc_id], ['create', -595, -500, ch.orderId, 'r.com', 'com', 9]);
    await assert.rejects(refund(db(), { accountId: acct, orderId: ch.orderId, amount: 596, now }), /exceeds what is left/);
    const rest = await refund(db(), { accountId: acct, orderId: ch.orderId, now, type: 'delete_domain' });
    assert.equal(rest.balance, 5000);
    assert.equal((await order(rest.orderId)).type, 'delete_domain');
    await assert.rejects(refund(db(), { accountId: acct, orderId: ch.orderId, now }), /nothing left to refund/);
    const pend = await reserve(db(), { accountId: acct, type: 'renew', identifier: 'p.com', now, price: price(100) });
    await assert.rejects(refund(db(), { accountId: acct, orderId: pend.orderId, now }), /not a booked charge/);
    await assert.rejects(refund(db(), { accountId: acct, orderId: rest.orderId, now }), /not a booked charge/);
    await assertInvariants(db(), acct);
  });

  it('never refunds more than was paid under parallel refunds', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    await topUp(db(), { accountId: acct, amount: 1000, now });
    const ch = await charge(db(), { accountId: acct, type: 'renew', identifier: 'par.com', now, price: price(1000) });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => refund(db(), { accountId: acct, orderId: ch.orderId, amount: 300, now })));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 3);
    const a = await db().selectFrom('accounts').select('balance').where('id', '=', acct).executeTakeFirstOrThrow();
    assert.equal(a.balance, 900);
    await assertInvariants(db(), acct);
  });

  it('debits with a negative top-up only as far as the available money goes', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    await topUp(db(), { accountId: acct, amount: 1000, now });
    const d = await topUp(db(), { accountId: acct, amount: -300, now });
    assert.equal(d.balance, 700);
    const o = await order(d.orderId);
    assert.deepEqual([o.type, o.amount_brutto], ['credit-decrease', 300]);
    await assert.rejects(topUp(db(), { accountId: acct, amount: -701, now }), (e: unknown) => insufficient(e) && /the debit \(7\.01 USD needed, 7\.00 USD available\)/.test((e as DmapiError).details[0]!));
    await assert.rejects(topUp(db(), { accountId: acct, amount: 0, now }), /non-zero/);
    await assertInvariants(db(), acct);
  });

  it('records free and failed orders without moving money', async () => {
    const acct = await fresh('EUR');
    const now = t().clock.now();
    const id = await recordOrder(db(), { accountId: acct, type: 'create-contact', identifier: 'CCOM-1', status: 'ok', now });
    const o = await order(id);
    assert.deepEqual([o.amount_brutto, o.currency, o.status], [0, 'EUR', 'ok']);
    const failed = await recordOrder(db(), { accountId: acct, type: 'renew', identifier: 'x.eu', status: 'error', price: price(590), now });
    assert.equal((await order(failed)).amount_brutto, 590);
    await assert.rejects(recordOrder(db(), { accountId: acct, type: 'renew', identifier: 'x.eu', status: 'ok', price: price(590), now }), /use charge/);
    const ledger = await db().selectFrom('ledger').select('id').where('account_id', '=', acct).execute();
    assert.equal(ledger.length, 0);
    await assertInvariants(db(), acct);
  });

  it('rolls the money back with the transaction of the change it pays for', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    await topUp(db(), { accountId: acct, amount: 1000, now });
    await assert.rejects(
      db().transaction().execute(async (trx) => {
        await charge(trx, { accountId: acct, type: 'create', identifier: 'gone.com', now, price: price(800) });
        await reserve(trx, { accountId: acct, type: 'renew', identifier: 'gone.com', now, price: price(100) });
        throw new Error('the registry refused');
      }),
      /the registry refused/,
    );
    const a = await db().selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', acct).executeTakeFirstOrThrow();
    assert.deepEqual([a.balance, a.reserved], [1000, 0]);
    const orders = await db().selectFrom('orders').select('id').where('account_id', '=', acct).execute();
    assert.equal(orders.length, 1);
    await assertInvariants(db(), acct);
  });

  it('lets exactly as many parallel charges through as the funds cover', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    await topUp(db(), { accountId: acct, amount: 50 * 1125, now });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => charge(db(), { accountId: acct, type: 'create', identifier: `p${i}.com`, tld: 'com', now, price: price(1125) })),
    );
    const ok = outcomes.filter((o): o is PromiseFulfilledResult<OrderRef> => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.equal(ok.length, 50);
    assert.equal(refused.length, 50);
    assert.ok(refused.every((r) => insufficient(r.reason)), 'every refusal is INSUFFICIENT_FUNDS');
    const a = await db().selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', acct).executeTakeFirstOrThrow();
    assert.deepEqual([a.balance, a.reserved], [0, 0]);
    const charged = await db().selectFrom('orders').select('amount_brutto').where('account_id', '=', acct).where('type', '=', 'create').execute();
    assert.equal(charged.length, 50);
    await assertInvariants(db(), acct);
  });

  it('keeps reservations and charges consistent when they race', async () => {
    const acct = await fresh();
    const now = t().clock.now();
    await topUp(db(), { accountId: acct, amount: 10_000, now });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? reserve(db(), { accountId: acct, type: 'renew', identifier: `r${i}.com`, now, price: price(300) })
          : charge(db(), { accountId: acct, type: 'create', identifier: `c${i}.com`, now, price: price(400) }),
      ),
    );
    const a = await db().selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', acct).executeTakeFirstOrThrow();
    const granted = outcomes.filter((o) => o.status === 'fulfilled').length;
    assert.ok(granted > 0 && granted < 60);
    assert.ok(a.balance - a.reserved >= 0 && a.balance - a.reserved < 400, 'stops only when not even the cheaper one fits');
    assert.ok(outcomes.every((o) => o.status === 'fulfilled' || insufficient(o.reason)));
    await assertInvariants(db(), acct);
  });

  it('keeps balance = sum of the ledger and never negative for any sequence of operations (fast-check)', async () => {
    type Step =
      | { op: 'topup'; amount: number }
      | { op: 'debit'; amount: number }
      | { op: 'charge'; amount: number }
      | { op: 'reserve'; amount: number }
      | { op: 'commit'; pick: number }
      | { op: 'release'; pick: number }
      | { op: 'refund'; pick: number; part: number };
    let runs = 0;
    const amount = fc.integer({ min: 0, max: 5000 });
    const step: fc.Arbitrary<Step> = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant('topup' as const), amount: fc.integer({ min: 1, max: 5000 }) }), weight: 3 },
      fc.record({ op: fc.constant('debit' as const), amount: fc.integer({ min: 1, max: 3000 }) }),
      { arbitrary: fc.record({ op: fc.constant('charge' as const), amount }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant('reserve' as const), amount }), weight: 2 },
      fc.record({ op: fc.constant('commit' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('release' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), part: fc.integer({ min: 1, max: 100 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        runs++;
        const acct = await fresh();
        const now = t().clock.now();
        const pending: number[] = [];
        const booked: Array<{ id: number; left: number }> = [];
        let expected = 0;
        let expectedReserved = 0;
        for (const s of steps) {
          try {
            if (s.op === 'topup') {
              await topUp(db(), { accountId: acct, amount: s.amount, now });
              expected += s.amount;
            } else if (s.op === 'debit') {
              await topUp(db(), { accountId: acct, amount: -s.amount, now });
              expected -= s.amount;
            } else if (s.op === 'charge') {
              const r = await charge(db(), { accountId: acct, type: 'create', identifier: 'fc.com', now, price: price(s.amount) });
              expected -= s.amount;
              if (s.amount > 0) booked.push({ id: r.orderId, left: s.amount });
            } else if (s.op === 'reserve') {
              const r = await reserve(db(), { accountId: acct, type: 'renew', identifier: 'fc.com', now, price: price(s.amount) });
              expectedReserved += s.amount;
              pending.push(r.orderId);
            } else if (pending.length > 0 && (s.op === 'commit' || s.op === 'release')) {
              const [id] = pending.splice(s.pick % pending.length, 1);
              const o = await order(id!);
              if (s.op === 'commit') {
                await commitReservation(db(), { accountId: acct, orderId: id!, now });
                expected -= o.amount_brutto;
                if (o.amount_brutto > 0) booked.push({ id: id!, left: o.amount_brutto });
              } else {
                await releaseReservation(db(), { accountId: acct, orderId: id!, now });
              }
              expectedReserved -= o.amount_brutto;
            } else if (s.op === 'refund' && booked.length > 0) {
              const b = booked[s.pick % booked.length]!;
              const amt = Math.max(1, Math.floor((b.left * s.part) / 100));
              await refund(db(), { accountId: acct, orderId: b.id, amount: amt, now });
              b.left -= amt;
              expected += amt;
              if (b.left === 0) booked.splice(booked.indexOf(b), 1);
            }
          } catch (e) {
            // Refusals for lack of funds are expected; anything else is a bug.
            if (!insufficient(e)) throw e;
          }
        }
        const a = await db().selectFrom('accounts').select(['balance', 'reserved']).where('id', '=', acct).executeTakeFirstOrThrow();
        assert.equal(a.balance, expected);
        assert.equal(a.reserved, expectedReserved);
        await assertInvariants(db(), acct);
      }),
      { numRuns: 40 },
    );
    assert.equal(runs, 40);
  });

  it('shows the last top-up as last-payment in query-profile', async () => {
    const r = await t().reseller('ledger-profile');
    const before = await t().call('query-profile', { 'auth-sid': r.sid });
    assert.match(before.body, /^last-payment: $/m);
    t().clock.advance(86_400_000);
    await topUp(db(), { accountId: r.account.id, amount: 2500, now: t().clock.now() });
    const after = await t().call('query-profile', { 'auth-sid': await r.session('read-only') });
    assert.match(after.body, new RegExp(`^last-payment: ${new Date(t().clock.now()).toISOString().slice(0, 10)}$`, 'm'));
  });
});
