import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { freshDatabase } from '../../test/helpers/databases.ts';
import { effects, slowOutside } from '../../test/helpers/job-effects.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { Worker } from './worker.ts';
import { claimJobs, enqueue, releaseJobs, renewLeases } from './queue.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { advanceClockOffset } from '../core/settings-clock.ts';
import { DAY, HOUR } from '../core/clock.ts';
import type { AppDeps } from '../app-deps.ts';

const LEASE_MS = loadConfig({}).jobLeaseMs;

const job = (deps: AppDeps, id: number) => deps.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function queue(deps: AppDeps, kind: string, names: string[], runAt?: number): Promise<number[]> {
  const ids: number[] = [];
  for (const id of names) ids.push(await enqueue(deps.db, deps.clock.now(), kind, { id }, runAt === undefined ? {} : { runAt }));
  return ids;
}

/** An app wired as `serve` wires it: the sandbox clock from the database, leases on wall time. */
async function serverApp(dialect: AppDeps['dialect']) {
  const handle = await freshDatabase(dialect);
  const app = await createApp({ config: loadConfig({}, { logLevel: 'silent', strictErrors: true, worker: false, jobLeaseMs: HOUR }), handle });
  return { app, close: async () => (await app.close(), await handle.drop()) };
}

forEachDatabase('job leases', (t) => {
  it('defaults to leases of a few seconds, renewed every second', () => {
    const { config } = t().app.deps;
    assert.deepEqual([config.jobLeaseMs, config.jobHeartbeatMs], [5000, 1000]);
  });

  it('keeps the leases of a whole claimed batch alive while its first job runs a long outside step', async () => {
    const { app, clock } = t();
    const e = effects('beat');
    const ids = await queue(app.deps, e.kind, ['h1', 'h2', 'h3']);
    const leasedUntil = async () => (await app.deps.db.selectFrom('jobs').select('locked_until').where('id', 'in', ids).execute()).map((r) => r.locked_until);
    let taken: unknown[] | undefined;
    const slow = slowOutside(e, 'h1', async () => {
      // Three leases pass on the clock while the step runs; after each move the heartbeat renews them all.
      for (let i = 0; i < 6; i++) {
        clock.advance(LEASE_MS / 2);
        await waitFor(async () => (await leasedUntil()).every((u) => u === clock.now() + LEASE_MS), 10_000);
      }
      taken = await claimJobs(app.deps, 'w-other', 10);
    });
    slow.release();
    const a = new Worker({ ...app.deps, config: { ...app.deps.config, jobHeartbeatMs: 20 } }, new Map([[e.kind, slow.handler]]));
    assert.equal(await a.runOnce(), 3);
    assert.deepEqual(taken, [], 'no job of the batch was free to take over');
    assert.deepEqual(slow.calls, ['h1', 'h2', 'h3']);
    for (const [i, id] of ids.entries()) {
      const j = await job(app.deps, id);
      assert.deepEqual([j.status, j.attempts, j.locked_until], ['done', 1, null]);
      assert.equal(await e.count(app.deps.db, `h${i + 1}`), 1);
    }
  });

  it('lets another worker take over a batch whose heartbeat stopped; the stalled worker then starts none of it', async () => {
    const { app, clock } = t();
    const e = effects('stall');
    const ids = await queue(app.deps, e.kind, ['k1', 'k2', 'k3']);
    const slow = slowOutside(e, 'k1');
    const handlers = new Map([[e.kind, slow.handler]]);
    // A stalled process: its heartbeat does not come for longer than a lease.
    const a = new Worker({ ...app.deps, config: { ...app.deps.config, jobHeartbeatMs: HOUR } }, handlers);
    const b = new Worker(app.deps, handlers);
    const stalled = a.runOnce();
    await slow.entered;
    clock.advance(LEASE_MS - 1);
    assert.equal(await b.runUntilIdle(), 0, 'the lease still holds');
    clock.advance(2);
    assert.equal(await b.runUntilIdle(), 3, 'one lease after the last renewal another worker takes the batch over');
    slow.release();
    assert.equal(await stalled, 3);
    assert.deepEqual(slow.calls, ['k1', 'k1', 'k2', 'k3'], 'A repeated none of the outside steps of the jobs it lost before starting them');
    for (const [i, id] of ids.entries()) {
      const j = await job(app.deps, id);
      assert.deepEqual([j.status, j.attempts], ['done', 2]);
      assert.equal(await e.count(app.deps.db, `k${i + 1}`), 1, "A's late commit of k1 was refused");
    }
  });

  it('renews and releases only the running claims of the worker that asks', async () => {
    const { app, clock } = t();
    const e = effects('own');
    const [mine, theirs, finished] = await queue(app.deps, e.kind, ['o1', 'o2', 'o3']);
    await claimJobs(app.deps, 'w-me', 1);
    await claimJobs(app.deps, 'w-them', 1);
    await claimJobs(app.deps, 'w-me', 1);
    await app.deps.db.updateTable('jobs').set({ status: 'done' }).where('id', '=', finished!).execute();
    const until = clock.now() + 3 * LEASE_MS;
    assert.deepEqual(await renewLeases(app.deps.db, 'w-me', [mine!, theirs!, finished!], until), new Set([mine]));
    assert.equal((await job(app.deps, mine!)).locked_until, until);
    assert.equal((await job(app.deps, theirs!)).locked_until, clock.now() + LEASE_MS);
    assert.equal(await releaseJobs(app.deps.db, 'w-me', [mine!, theirs!, finished!]), 1);
    const released = await job(app.deps, mine!);
    assert.deepEqual([released.status, released.locked_by, released.locked_until, released.attempts], ['queued', null, null, 0]);
    assert.equal((await job(app.deps, theirs!)).locked_by, 'w-them');
    assert.equal((await job(app.deps, finished!)).status, 'done');
  });

  it('measures leases on wall time in a server: moving the sandbox clock takes no running job over', async () => {
    const { app, close } = await serverApp(t().dialect);
    try {
      const e = effects('wall');
      const now = app.deps.clock.now();
      const [running] = await queue(app.deps, e.kind, ['w1']);
      const [scheduled] = await queue(app.deps, e.kind, ['w2'], now + DAY);
      assert.deepEqual((await claimJobs(app.deps, 'w-busy', 10)).map((j) => j.id), [running]);
      // `dmapid clock advance 2d`: on the sandbox clock every lease has run out long ago.
      await advanceClockOffset(app.deps.db, 2 * DAY);
      await app.deps.syncClock();
      assert.ok(app.deps.clock.now() >= now + 2 * DAY);
      const b = new Worker(app.deps, new Map([[e.kind, e.handler]]));
      assert.equal(await b.runUntilIdle(), 1, 'what is scheduled on the sandbox clock is due');
      assert.equal((await job(app.deps, scheduled!)).status, 'done');
      const j = await job(app.deps, running!);
      assert.deepEqual([j.status, j.locked_by], ['running', 'w-busy'], 'the running job keeps its owner');
      assert.ok(j.locked_until! > Date.now() && j.locked_until! <= Date.now() + HOUR, 'its lease is a wall-time instant');
      assert.equal(await e.count(app.deps.db, 'w1'), 0);
    } finally {
      await close();
    }
  });

  it('lets a started worker follow a moved sandbox clock with no request coming in', async () => {
    const { app, close } = await serverApp(t().dialect);
    try {
      const e = effects('sync');
      const [id] = await queue(app.deps, e.kind, ['y1'], app.deps.clock.now() + DAY);
      await advanceClockOffset(app.deps.db, DAY + HOUR);
      const worker = new Worker(app.deps, new Map([[e.kind, e.handler]]));
      worker.start(3_600_000);
      try {
        await waitFor(async () => (await job(app.deps, id!)).status === 'done', 10_000);
      } finally {
        await worker.stop();
      }
      assert.equal(await e.count(app.deps.db, 'y1'), 1);
    } finally {
      await close();
    }
  });
});
