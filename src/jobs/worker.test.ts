import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { persistentDatabase } from '../../test/helpers/databases.ts';
import { insertResult } from '../../test/helpers/test-commands.ts';
import { effects, slowOutside } from '../../test/helpers/job-effects.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { Worker, type JobHandler } from './worker.ts';
import { claimJobs, enqueue } from './queue.ts';
import { openResult, purgeResultContent } from '../services/results.ts';
import { createAccount } from '../services/accounts.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { ManualClock, DAY, HOUR } from '../core/clock.ts';
import type { AppDeps } from '../app-deps.ts';

async function queueWithResult(t: TestApp, accountId: number, kind: string, payload: unknown, options: { maxAttempts?: number } = {}) {
  const { app, clock } = t;
  return app.deps.db.transaction().execute(async (trx) => {
    const resultId = await openResult(trx, { accountId, svtrid: randomBytes(16).toString('hex'), cltrid: null, requestType: kind, now: clock.now() });
    const jobId = await enqueue(trx, clock.now(), kind, payload, { resultId, accountId, ...options });
    return { resultId, jobId };
  });
}

/** The lease the test apps run with (the default). */
const LEASE_MS = loadConfig({}).jobLeaseMs;

const job = (deps: AppDeps, id: number) => deps.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const result = (deps: AppDeps, id: number) => deps.db.selectFrom('results').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

forEachDatabase('job worker', (t) => {
  it('performs a job once and completes its result with ack', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-once');
    const e = effects('once');
    const worker = new Worker(app.deps, new Map([[e.kind, e.handler]]));
    const { jobId, resultId } = await queueWithResult(t(), r.account.id, e.kind, { id: 'a' });
    assert.equal(await worker.runUntilIdle(), 1);
    assert.equal(await worker.runUntilIdle(), 0);
    clock.advance(LEASE_MS * 10);
    assert.equal(await worker.runUntilIdle(), 0, 'a done job is never claimed again');
    assert.equal(await e.count(app.deps.db), 1);
    const j = await job(app.deps, jobId);
    assert.equal(j.status, 'done');
    assert.equal(j.attempts, 1);
    assert.equal(j.locked_until, null);
    const res = await result(app.deps, resultId);
    assert.equal(res.status, 'ack');
    assert.equal(res.content, 'done a');
  });

  it('does not queue a job whose transaction rolls back', async () => {
    const { app, clock } = t();
    const e = effects('rollback');
    await assert.rejects(
      app.deps.db.transaction().execute(async (trx) => {
        await enqueue(trx, clock.now(), e.kind, { id: 'x' });
        throw new Error('the change failed');
      }),
    );
    const worker = new Worker(app.deps, new Map([[e.kind, e.handler]]));
    assert.equal(await worker.runUntilIdle(), 0);
    assert.equal((await app.deps.db.selectFrom('jobs').select('id').where('kind', '=', e.kind).execute()).length, 0);
  });

  it('retries a thrown plain Error with exponential backoff on the clock, and completes later', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-retry');
    const e = effects('retry');
    const worker = new Worker(app.deps, new Map([[e.kind, e.handler]]));
    const { jobId, resultId } = await queueWithResult(t(), r.account.id, e.kind, { id: 'b', failTimes: 2 });

    assert.equal(await worker.runUntilIdle(), 1);
    let j = await job(app.deps, jobId);
    assert.equal(j.status, 'queued');
    assert.equal(j.attempts, 1);
    assert.equal(j.run_at, clock.now() + 5000);
    assert.equal(j.last_error, 'transient failure 1');
    assert.equal((await result(app.deps, resultId)).status, '?');
    assert.equal(await e.count(app.deps.db), 0, 'a failed attempt leaves no effect');

    clock.advance(4999);
    assert.equal(await worker.runUntilIdle(), 0, 'not before the backoff');
    clock.advance(1);
    assert.equal(await worker.runUntilIdle(), 1);
    j = await job(app.deps, jobId);
    assert.equal(j.attempts, 2);
    assert.equal(j.run_at, clock.now() + 10_000, 'the delay doubles');

    clock.advance(10_000);
    assert.equal(await worker.runUntilIdle(), 1);
    j = await job(app.deps, jobId);
    assert.equal(j.status, 'done');
    assert.equal(j.attempts, 3);
    assert.equal(await e.count(app.deps.db), 1);
    const res = await result(app.deps, resultId);
    assert.equal(res.status, 'ack');
    assert.equal(res.completed_at, clock.now());
  });

  it('turns a DmapiError into a nack with result_msg / error_text at once, without retrying', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-nack');
    const e = effects('nack');
    const worker = new Worker(app.deps, new Map([[e.kind, e.handler]]));
    const { jobId, resultId } = await queueWithResult(t(), r.account.id, e.kind, { id: 'c', dmapiError: true });
    assert.equal(await worker.runUntilIdle(), 1);
    const j = await job(app.deps, jobId);
    assert.equal(j.status, 'failed');
    assert.equal(j.last_error, 'registry refused the name');
    const res = await result(app.deps, resultId);
    assert.equal(res.status, 'nack');
    assert.equal(res.content, 'result_msg: registry refused the name\nerror_text: policy 7');
    assert.equal(res.completed_at, clock.now());
    assert.equal(await e.count(app.deps.db), 0, "the failed attempt's own writes are rolled back");
    clock.advance(DAY);
    assert.equal(await worker.runUntilIdle(), 0);
  });

  it('gives up after max attempts and completes the result with nack', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-max');
    const e = effects('max');
    const worker = new Worker(app.deps, new Map([[e.kind, e.handler]]));
    const { jobId, resultId } = await queueWithResult(t(), r.account.id, e.kind, { id: 'd', failTimes: 99 }, { maxAttempts: 3 });
    for (const wait of [0, 5000, 10_000]) {
      clock.advance(wait);
      assert.equal(await worker.runUntilIdle(), 1);
    }
    const j = await job(app.deps, jobId);
    assert.equal(j.status, 'failed');
    assert.equal(j.attempts, 3);
    assert.equal(j.last_error, 'transient failure 3');
    const res = await result(app.deps, resultId);
    assert.equal(res.status, 'nack');
    assert.equal(res.content, 'result_msg: internal error after 3 attempts');
    clock.advance(DAY);
    assert.equal(await worker.runUntilIdle(), 0);
  });

  it('answers a job of an unknown kind with retries, then nack (never lost silently)', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-unknown');
    const worker = new Worker(app.deps, new Map());
    const { jobId, resultId } = await queueWithResult(t(), r.account.id, 'no-such-kind', {}, { maxAttempts: 2 });
    assert.equal(await worker.runUntilIdle(), 1);
    clock.advance(5000);
    assert.equal(await worker.runUntilIdle(), 1);
    assert.equal((await job(app.deps, jobId)).status, 'failed');
    assert.equal((await job(app.deps, jobId)).last_error, 'no handler for job kind no-such-kind');
    assert.equal((await result(app.deps, resultId)).status, 'nack');
  });

  it('performs a job exactly once when its first worker dies holding the claim', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-crash');
    const e = effects('crash');
    const handlers = new Map([[e.kind, e.handler]]);
    const a = new Worker(app.deps, handlers);
    const b = new Worker(app.deps, handlers);
    const { jobId, resultId } = await queueWithResult(t(), r.account.id, e.kind, { id: 'e' });

    // Worker A claims the job and "dies": it never performs it.
    const [stale] = await claimJobs(app.deps, a.id, 10);
    assert.equal(stale?.id, jobId);
    assert.equal(await b.runUntilIdle(), 0, 'the lease keeps others away');
    clock.advance(LEASE_MS - 1);
    assert.equal(await b.runUntilIdle(), 0);
    clock.advance(2);
    assert.equal(await b.runUntilIdle(), 1, 'after the lease another worker takes over');
    assert.equal(await e.count(app.deps.db), 1);
    const done = await job(app.deps, jobId);
    assert.equal(done.status, 'done');
    assert.equal(done.attempts, 2);
    const completed = await result(app.deps, resultId);
    assert.equal(completed.status, 'ack');

    // A comes back to life and performs its stale claim: nothing is applied a second time.
    clock.advance(1000);
    await a.perform(stale!);
    assert.equal(await e.count(app.deps.db), 1);
    assert.equal((await job(app.deps, jobId)).status, 'done');
    assert.deepEqual(await result(app.deps, resultId), completed);
  });

  it('lets a stale worker lose the race even before the new owner performs', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-race');
    const e = effects('race');
    const handlers = new Map([[e.kind, e.handler]]);
    const a = new Worker(app.deps, handlers);
    const b = new Worker(app.deps, handlers);
    const { jobId } = await queueWithResult(t(), r.account.id, e.kind, { id: 'f' });
    const [staleA] = await claimJobs(app.deps, a.id, 10);
    clock.advance(LEASE_MS + 1);
    const [claimB] = await claimJobs(app.deps, b.id, 10);
    assert.equal(claimB?.id, jobId);
    await a.perform(staleA!);
    assert.equal(await e.count(app.deps.db), 0, "A's late attempt commits nothing");
    await b.perform(claimB!);
    assert.equal(await e.count(app.deps.db), 1);
    // A failing stale attempt cannot requeue or fail the job either.
    await a.perform({ ...staleA!, kind: 'no-such-kind' });
    assert.equal((await job(app.deps, jobId)).status, 'done');
  });

  it('never hands the same job to two workers claiming at the same time', async () => {
    const { app, clock } = t();
    const e = effects('claim');
    const ids: number[] = [];
    for (let i = 0; i < 24; i++) ids.push(await enqueue(app.deps.db, clock.now(), e.kind, { id: `c${i}` }));
    const workers = ['w-1', 'w-2', 'w-3', 'w-4'];
    const claimed: number[] = [];
    for (let round = 0; round < 3; round++) {
      const batches = await Promise.all(workers.map((w) => claimJobs(app.deps, w, 2)));
      for (const [i, batch] of batches.entries()) for (const j of batch) assert.equal(j.locked_by, workers[i]);
      claimed.push(...batches.flat().map((j) => j.id));
    }
    assert.equal(new Set(claimed).size, claimed.length, `a job was claimed twice: ${claimed.join(',')}`);
    assert.deepEqual([...claimed].sort((x, y) => x - y), ids);
    const rows = await app.deps.db.selectFrom('jobs').select(['id', 'locked_by', 'attempts']).where('kind', '=', e.kind).execute();
    assert.ok(rows.every((row) => row.attempts === 1));
  });

  it('performs every job exactly once with two workers running at the same time', async () => {
    const { app, clock } = t();
    const e = effects('pair');
    const handlers = new Map([[e.kind, e.handler]]);
    for (let i = 0; i < 30; i++) await enqueue(app.deps.db, clock.now(), e.kind, { id: `p${i}` });
    const [n1, n2] = await Promise.all([new Worker(app.deps, handlers).runUntilIdle(), new Worker(app.deps, handlers).runUntilIdle()]);
    assert.equal(n1 + n2, 30);
    assert.equal(await e.count(app.deps.db), 30);
    for (let i = 0; i < 30; i++) assert.equal(await e.count(app.deps.db, `p${i}`), 1, `job p${i}`);
  });

  it('keeps a queued job across a restart, and a crashed claim too', async () => {
    const db = await persistentDatabase(t().dialect);
    const clock = new ManualClock();
    const config = loadConfig({}, { logLevel: 'silent', strictErrors: true, worker: false });
    const e = effects('restart');
    const handlers = new Map([[e.kind, e.handler]]);
    try {
      const first = db.open();
      const app1 = await createApp({ config, clock, handle: first });
      const accountId = (await createAccount(app1.deps.db, { login: 'restart', email: 'restart@example.com' }, clock.now())).id;
      const queued = await app1.deps.db.transaction().execute(async (trx) => {
        const resultId = await openResult(trx, { accountId, svtrid: randomBytes(16).toString('hex'), cltrid: null, requestType: e.kind, now: clock.now() });
        return { resultId, jobId: await enqueue(trx, clock.now(), e.kind, { id: 'r1' }, { resultId, accountId }) };
      });
      const crashedId = await enqueue(app1.deps.db, clock.now(), e.kind, { id: 'r2' });
      const [claimed] = await claimJobs(app1.deps, 'w-dies-with-the-process', 1);
      assert.equal(claimed?.id, queued.jobId);
      const [claimed2] = await claimJobs(app1.deps, 'w-dies-with-the-process', 1);
      assert.equal(claimed2?.id, crashedId);
      await app1.close();
      await first.close();

      const second = db.open();
      const app2 = await createApp({ config, clock, handle: second });
      try {
        const worker = new Worker(app2.deps, handlers);
        assert.equal(await worker.runUntilIdle(), 0, 'the dead process still holds the leases');
        clock.advance(LEASE_MS + 1);
        assert.equal(await worker.runUntilIdle(), 2);
        assert.equal(await e.count(app2.deps.db, 'r1'), 1);
        assert.equal(await e.count(app2.deps.db, 'r2'), 1);
        const res = await app2.deps.db.selectFrom('results').select(['status', 'content']).where('id', '=', queued.resultId).executeTakeFirstOrThrow();
        assert.deepEqual(res, { status: 'ack', content: 'done r1' });
      } finally {
        await app2.close();
        await second.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('runs due jobs when started, without waiting for the first poll', async () => {
    const { app, clock } = t();
    const e = effects('start');
    const id = await enqueue(app.deps.db, clock.now(), e.kind, { id: 's1' });
    const worker = new Worker(app.deps, new Map([[e.kind, e.handler]]));
    worker.start(3_600_000);
    try {
      await waitFor(async () => (await job(app.deps, id)).status === 'done', 10_000);
    } finally {
      await worker.stop();
    }
    assert.equal(await e.count(app.deps.db), 1);
  });

  it('finishes the job in progress on stop and hands the rest of its batch back at once', async () => {
    const { app, clock } = t();
    const e = effects('stop');
    const slow = slowOutside(e, 'g1');
    const handlers = new Map([[e.kind, slow.handler]]);
    const ids = [];
    for (const id of ['g1', 'g2', 'g3']) ids.push(await enqueue(app.deps.db, clock.now(), e.kind, { id }));
    const a = new Worker(app.deps, handlers);
    a.start(3_600_000);
    await slow.entered;
    const stopped = a.stop();
    slow.release();
    await stopped;
    assert.equal((await job(app.deps, ids[0]!)).status, 'done', 'the job in progress completes');
    assert.equal(await e.count(app.deps.db, 'g1'), 1);
    for (const id of ids.slice(1)) {
      const j = await job(app.deps, id);
      assert.deepEqual([j.status, j.locked_by, j.locked_until, j.attempts], ['queued', null, null, 0], `job ${id} is back in the queue, its claim not counted`);
    }
    assert.deepEqual(slow.calls, ['g1'], 'the stopping worker started nothing more');
    const b = new Worker(app.deps, handlers);
    assert.equal(await b.runUntilIdle(), 2, 'another worker takes them without waiting for a lease');
    for (const id of ['g1', 'g2', 'g3']) assert.equal(await e.count(app.deps.db, id), 1, id);
    assert.equal((await job(app.deps, ids[1]!)).attempts, 1);
  });

  it('purges result content after the retention period, keeping the status', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-purge');
    const retention = app.deps.config.resultRetentionDays * DAY;
    assert.equal(retention, 30 * DAY);
    const old = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - retention - HOUR, status: 'nack', content: 'result_msg: old' });
    const young = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - retention + 2 * DAY, status: 'ack', content: 'young' });
    await app.worker.runTasks();
    const content = async (id: number) => (await result(app.deps, id)).content;
    assert.equal(await content(old.procId), null);
    assert.equal((await result(app.deps, old.procId)).status, 'nack');
    assert.equal(await content(young.procId), 'young');
    // The task runs again once its interval has passed on the clock.
    clock.advance(2 * DAY + HOUR);
    await app.worker.runTasks();
    assert.equal(await content(young.procId), null);
    assert.equal((await result(app.deps, young.procId)).status, 'ack');
    const listed = await t().call('result-list', { 'auth-sid': await r.session('full'), period: 60 });
    assert.deepEqual(listed.body.trimEnd().split('\n').map((l) => l.split(' ')[5]), ['ack', 'nack'], 'purged results are still listed');
  });
  it('purges in batches until none is left', async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-purge-batches');
    const at = clock.now() - 400 * DAY;
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await insertResult(app.deps.db, { accountId: r.account.id, at, status: 'ack', content: `old ${i}` })).procId);
    assert.equal(await purgeResultContent(app.deps.db, clock.now() - 399 * DAY, 2), 5, 'three statements of at most two rows');
    for (const id of ids) assert.equal((await result(app.deps, id)).content, null);
    assert.equal(await purgeResultContent(app.deps.db, clock.now() - 399 * DAY, 2), 0);
  });
  it("runs the handler's failed hook in the transaction of the final failure, not on retries", async () => {
    const { app, clock } = t();
    const r = await t().reseller('job-hook');
    const e = effects('hook');
    const calls: string[] = [];
    const handler: JobHandler = Object.assign((ctx: Parameters<JobHandler>[0], p: unknown) => e.handler(ctx, p), {
      failed: async (ctx: Parameters<JobHandler>[0], p: { id: string }, reason: string) => {
        calls.push(`${p.id}: ${reason}`);
        await ctx.db.insertInto('settings').values({ key: `hook-released:${p.id}`, value: reason }).execute();
      },
    });
    const worker = new Worker(app.deps, new Map([[e.kind, handler]]));
    await queueWithResult(t(), r.account.id, e.kind, { id: 'x', dmapiError: true });
    await queueWithResult(t(), r.account.id, e.kind, { id: 'y', failTimes: 99 }, { maxAttempts: 2 });
    await worker.runUntilIdle();
    assert.deepEqual(calls, ['x: registry refused the name'], 'a retry is not a final failure');
    clock.advance(5000);
    await worker.runUntilIdle();
    assert.deepEqual(calls, ['x: registry refused the name', 'y: transient failure 2']);
    const released = await app.deps.db.selectFrom('settings').select('key').where('key', 'like', 'hook-released:%').orderBy('key').execute();
    assert.deepEqual(released.map((x) => x.key), ['hook-released:x', 'hook-released:y'], 'the hook writes are committed');
  });

  it('runs the jobs of one object one at a time and in order, even while the first one waits to retry', async () => {
    const { app, clock } = t();
    const e = effects('objkey');
    const order: string[] = [];
    const handler: JobHandler = Object.assign((ctx: Parameters<JobHandler>[0], p: unknown) => e.handler(ctx, p), {
      outside: async (_deps: unknown, p: { id: string }, o: { attempt: number }) => void order.push(`${p.id}#${o.attempt}`),
    });
    const queue = (id: string, objectKey: string | null, failTimes = 0) => enqueue(app.deps.db, clock.now(), e.kind, { id, failTimes }, { objectKey });
    await queue('a1', 'domain:a.com', 1);
    await queue('b1', 'domain:b.com');
    await queue('a2', 'domain:a.com');
    await queue('free', null);
    const w1 = new Worker(app.deps, new Map([[e.kind, handler]]));
    const w2 = new Worker(app.deps, new Map([[e.kind, handler]]));
    await Promise.all([w1.runUntilIdle(), w2.runUntilIdle()]);
    assert.deepEqual(order.toSorted(), ['a1#1', 'b1#1', 'free#1'], 'a2 waits while a1 backs off before its retry');
    clock.advance(5000);
    await Promise.all([w1.runUntilIdle(), w2.runUntilIdle()]);
    assert.deepEqual(order.slice(3), ['a1#2', 'a2#1'], 'the retry comes first, then the next job on the object');
    assert.equal(await e.count(app.deps.db), 4, 'each job committed once (a1 after its retry)');
  });

  it('gives the outside step the attempt and the instant the transaction then uses', async () => {
    const { app, clock } = t();
    const e = effects('outside-ctx');
    const seen: Array<{ jobId: number; attempt: number; now: number }> = [];
    const handler: JobHandler = Object.assign((ctx: Parameters<JobHandler>[0], p: unknown) => e.handler(ctx, p), {
      outside: async (_deps: unknown, _p: unknown, o: { jobId: number; attempt: number; now: number }) => void seen.push(o),
    });
    const jobId = await enqueue(app.deps.db, clock.now(), e.kind, { id: 'c', failTimes: 1 });
    const worker = new Worker(app.deps, new Map([[e.kind, handler]]));
    const first = clock.now();
    await worker.runUntilIdle();
    clock.advance(5000);
    await worker.runUntilIdle();
    assert.deepEqual(seen, [{ jobId, attempt: 1, now: first }, { jobId, attempt: 2, now: first + 5000 }]);
    const stored = await app.deps.db.selectFrom('settings').select('value').where('key', 'like', 'outside-ctx:c:%').execute();
    assert.deepEqual(stored.map((s) => Number(s.value)), [first + 5000], 'perform ran at the attempt\'s instant');
  });
});
