import { it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { forEachDatabase } from '../helpers/harness.ts';

forEachDatabase('health checks', (t) => {
  const get = async (url: string) => {
    const r = await t().app.http.inject({ method: 'GET', url });
    return { status: r.statusCode, body: r.body, type: String(r.headers['content-type']) };
  };

  it('/healthz answers while the process runs', async () => {
    assert.deepEqual(await get('/healthz'), { status: 200, body: 'ok\n', type: 'text/plain; charset=utf-8' });
  });

  it('/readyz is ready with the database up, the schema current and the worker running', async () => {
    assert.deepEqual(await get('/readyz'), { status: 503, body: 'not ready\ndatabase: ok\nmigrations: ok\nworker: not running\nshutdown: no\n', type: 'text/plain; charset=utf-8' });
    t().app.worker.start(60_000);
    try {
      assert.deepEqual((await get('/readyz')).status, 200);
      assert.match((await get('/readyz')).body, /^ready\ndatabase: ok\nmigrations: ok\nworker: ok\n/);
    } finally {
      await t().app.worker.stop();
    }
  });

  it('/readyz is not ready while a migration of this version is missing', async () => {
    const db = t().app.deps.db;
    await sql`delete from kysely_migration where name = '0019-other-providers'`.execute(db);
    try {
      const r = await get('/readyz');
      assert.equal(r.status, 503);
      assert.match(r.body, /^migrations: missing 0019-other-providers$/m);
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values ('0019-other-providers', '2026-01-01T00:00:00.000Z')`.execute(db);
    }
  });
}, { worker: true });
