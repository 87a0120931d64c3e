import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, withCommands } from '../../test/helpers/harness.ts';
import { testAsync } from '../../test/helpers/test-commands.ts';
import { domainReseller, performed, registered } from '../../test/helpers/domain-fixtures.ts';
import { EVENT_RETENTION_DAYS, eventsAfter, purgeEvents, recordEvent } from './events.ts';
import { DAY } from '../core/clock.ts';
import { charge } from '../billing/ledger.ts';

forEachDatabase('events', (t) => {
  const all = async (accountId: number) => eventsAfter(t().app.deps.db, accountId, 0, 1000);

  it('writes result.completed with the result: ack and nack, with the Proc-ID and the request', async () => {
    const r = await t().reseller('ev-results');
    const x = await withCommands(t(), [testAsync]);
    try {
      const ok = await x.call('test-async', { 'auth-sid': r.sid, object: 'fine.example' });
      const bad = await x.call('test-async', { 'auth-sid': r.sid, object: 'broken.example', outcome: 'nack' });
      assert.deepEqual(await all(r.account.id), [], 'nothing is completed before the jobs ran');
      await x.worker.runUntilIdle();
      const events = await all(r.account.id);
      assert.deepEqual(
        events.map((e) => [e.seq, e.type, e.object, e.proc_id, JSON.parse(e.data)]),
        [
          [1, 'result.completed', 'fine.example', Number(ok.get('Proc-ID')), { request: 'test-async', status: 'ack' }],
          [2, 'result.completed', 'broken.example', Number(bad.get('Proc-ID')), { request: 'test-async', status: 'nack' }],
        ],
      );
    } finally {
      await x.close();
    }
  });

  it('writes domain.registered (and the zone and result events) when a registration completes', async () => {
    const r = await domainReseller(t(), 'ev-register');
    const before = (await all(r.id)).length;
    const procId = Number(await registered(t(), r, 'events-one.com'));
    const events = (await all(r.id)).slice(before);
    const reg = events.find((e) => e.type === 'domain.registered');
    assert.ok(reg, JSON.stringify(events));
    assert.equal(reg.object, 'events-one.com');
    assert.equal(reg.proc_id, procId);
    assert.equal(JSON.parse(reg.data).months, 12);
    const done = events.find((e) => e.type === 'result.completed' && e.proc_id === procId);
    assert.ok(done && done.seq > reg.seq, 'the result completes after the domain row is written, in the same transaction');
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => before + i + 1), 'numbered without gaps');
  });

  it('writes domain.renewed and domain.deleted with their requests', async () => {
    const r = await domainReseller(t(), 'ev-renew');
    await registered(t(), r, 'events-two.com');
    const from = (await all(r.id)).length;
    const renew = await performed(t(), r.sid, 'domain-renew', { domain: 'events-two.com', period: 12 });
    assert.equal(renew.status, 'ack', renew.body);
    const del = await performed(t(), r.sid, 'domain-delete', { domain: 'events-two.com' });
    assert.equal(del.status, 'ack', del.body);
    const events = (await all(r.id)).slice(from).filter((e) => e.type.startsWith('domain.'));
    assert.deepEqual(
      events.map((e) => [e.type, e.object, e.proc_id]),
      [
        ['domain.renewed', 'events-two.com', Number(renew.accepted.get('Proc-ID'))],
        ['domain.deleted', 'events-two.com', Number(del.accepted.get('Proc-ID'))],
      ],
    );
    assert.equal(JSON.parse(events[0]!.data).months, 12);
  });

  it('writes nothing when the change is rolled back, and leaves no gap in the numbers', async () => {
    const r = await t().reseller('ev-rollback');
    const { db } = t().app.deps;
    const now = t().clock.now();
    await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: 'kept.example', now });
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        await recordEvent(tx, { accountId: r.account.id, type: 'domain.deleted', object: 'lost.example', now });
        throw new Error('the change fails after its event was written');
      }),
      /the change fails/,
    );
    await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: 'kept-too.example', now });
    assert.deepEqual((await all(r.account.id)).map((e) => [e.seq, e.object]), [[1, 'kept.example'], [2, 'kept-too.example']]);
  });

  it('numbers concurrent events of one account 1…n without duplicates, each account on its own', async () => {
    const a = await t().reseller('ev-race-a');
    const b = await t().reseller('ev-race-b');
    const { db } = t().app.deps;
    const now = t().clock.now();
    const one = (accountId: number, i: number) =>
      db.transaction().execute(async (tx) => {
        const seq = await recordEvent(tx, { accountId, type: 'zone.changed', object: `z${i}.example`, now });
        // Work after the number was taken, while other transactions wait for it (PostgreSQL) or queue (SQLite).
        await tx.selectFrom('accounts').select('id').where('id', '=', accountId).execute();
        return seq;
      });
    const seqs = await Promise.all(Array.from({ length: 24 }, (_, i) => one(i % 2 ? a.account.id : b.account.id, i)));
    const ofA = seqs.filter((_, i) => i % 2).sort((x, y) => x - y);
    assert.deepEqual(ofA, Array.from({ length: 12 }, (_, i) => i + 1));
    assert.deepEqual((await all(b.account.id)).map((e) => e.seq), Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('writes balance.low once, when a charge takes the available money below the threshold', async () => {
    const r = await t().reseller('ev-balance', { balance: 6000 });
    const { db } = t().app.deps;
    const now = t().clock.now();
    const pay = (brutto: number) => charge(db, { accountId: r.account.id, type: 'create', identifier: 'x.example', now, price: { netto: brutto, vatBp: 0, brutto } });
    await pay(500); // 60.00 → 55.00: still above 50.00
    assert.deepEqual((await all(r.account.id)).filter((e) => e.type === 'balance.low'), []);
    await pay(1000); // → 45.00: below
    await pay(1000); // → 35.00: already below, no second event
    const low = (await all(r.account.id)).filter((e) => e.type === 'balance.low');
    assert.equal(low.length, 1);
    assert.deepEqual(JSON.parse(low[0]!.data), { available: '45.00', threshold: '50.00', currency: 'USD' });
  });

  it('purges events past the retention period; their numbers are not reused', async () => {
    const r = await t().reseller('ev-purge');
    const { db } = t().app.deps;
    const now = t().clock.now();
    await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: 'old.example', now: now - (EVENT_RETENTION_DAYS + 1) * DAY });
    await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: 'recent.example', now: now - DAY });
    assert.ok((await purgeEvents(db, now - EVENT_RETENTION_DAYS * DAY)) >= 1);
    assert.deepEqual((await all(r.account.id)).map((e) => [e.seq, e.object]), [[2, 'recent.example']]);
    assert.equal(await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: 'next.example', now }), 3);
  });
});
