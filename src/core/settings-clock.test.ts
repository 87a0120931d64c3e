import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { persistentDatabase } from '../../test/helpers/databases.ts';
import { advanceClockOffset, databaseClock, readClockOffset } from './settings-clock.ts';
import { ManualClock, parseDuration, HOUR, DAY } from './clock.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { trackingIdTime } from './ids.ts';
import { parseReply } from '../dmapi/reply.ts';

forEachDatabase('sandbox clock', (t) => {
  it('stores the offset in settings, only ever forward', async () => {
    const { db } = t().app.deps;
    assert.equal(await readClockOffset(db), 0);
    assert.equal(await advanceClockOffset(db, 6 * HOUR), 6 * HOUR);
    assert.equal(await advanceClockOffset(db, DAY), 6 * HOUR + DAY);
    assert.equal(await readClockOffset(db), 6 * HOUR + DAY);
    await assert.rejects(advanceClockOffset(db, -1), /only moves forward/);
    await assert.rejects(advanceClockOffset(db, Number.NaN), /only moves forward/);
    assert.equal(await readClockOffset(db), 6 * HOUR + DAY);
  });

  it('lets a database clock follow the stored offset when synced', async () => {
    const { db } = t().app.deps;
    const { clock, sync } = databaseClock(db);
    await sync();
    const offset = await readClockOffset(db);
    assert.ok(Math.abs(clock.now() - (Date.now() + offset)) < 1000);
    await advanceClockOffset(db, 5 * DAY);
    assert.ok(Math.abs(clock.now() - (Date.now() + offset)) < 1000, 'unchanged until synced');
    await sync();
    assert.ok(Math.abs(clock.now() - (Date.now() + offset + 5 * DAY)) < 1000);
  });

  it('moves the clock of a running app that another connection (the CLI) advanced', async () => {
    const store = await persistentDatabase(t().dialect);
    const server = store.open();
    const cli = store.open();
    try {
      const app = await createApp({ config: loadConfig({}, { logLevel: 'silent', worker: false }), handle: server });
      try {
        const stamp = async () => trackingIdTime(parseReply((await app.http.inject({ method: 'GET', url: '/request/version' })).body).get('Tracking-Id')!);
        const t0 = Date.now();
        assert.ok(Math.abs((await stamp()) - t0) < 5000);
        await advanceClockOffset(cli.db, 6 * HOUR);
        const moved = await stamp();
        assert.ok(moved >= t0 + 6 * HOUR && moved < Date.now() + 6 * HOUR + 1000, `${moved - t0} ms`);
      } finally {
        await app.close();
      }
    } finally {
      await server.close();
      await cli.close();
      await store.drop();
    }
  });

  it('leaves a test clock alone: tests move it themselves', async () => {
    const { app, clock } = t();
    assert.ok(clock instanceof ManualClock);
    const before = clock.now();
    await advanceClockOffset(app.deps.db, HOUR);
    await app.deps.syncClock();
    assert.equal(app.deps.clock.now(), before);
    clock.advance(HOUR);
    assert.equal(app.deps.clock.now(), before + HOUR);
  });

  it('parses the durations the CLI accepts', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('6h'), 6 * HOUR);
    assert.equal(parseDuration('2d12h'), 2.5 * DAY);
    assert.equal(parseDuration('1w'), 7 * DAY);
    for (const bad of ['', '6', 'h', '-1h', '1.5h', '6x', '6h ago']) assert.equal(parseDuration(bad), undefined, bad);
  });
});
