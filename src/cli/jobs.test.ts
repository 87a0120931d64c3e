import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsToTest, persistentDatabase } from '../../test/helpers/databases.ts';
import { dmapid } from '../../test/helpers/cli.ts';
import { migrate } from '../db/migrate.ts';
import { enqueue } from '../jobs/queue.ts';
import type { Executor } from '../db/database.ts';

/** A job that has failed for good, as the worker leaves it. */
async function failedJob(db: Executor, kind: string, now: number): Promise<number> {
  const id = await enqueue(db, now, kind, { id: 1 }, { maxAttempts: 3 });
  await db.updateTable('jobs').set({ status: 'failed', attempts: 3, finished_at: now, last_error: 'relay down' }).where('id', '=', id).execute();
  return id;
}

for (const dialect of dialectsToTest()) {
  describe(`dmapid job [${dialect}]`, () => {
    it('lists failed jobs and queues one again with fresh attempts; refuses jobs whose failure was undone', async () => {
      const pdb = await persistentDatabase(dialect);
      const handle = pdb.open();
      try {
        await migrate(handle);
        const now = Date.now();
        const mail = await failedJob(handle.db, 'mail-send', now);
        const register = await failedJob(handle.db, 'domain-register', now);
        await enqueue(handle.db, now, 'mail-send', { id: 2 });

        const list = await dmapid(pdb.url, ['job', 'list', '--status', 'failed']);
        assert.equal(list.code, 0, list.stderr);
        const lines = list.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
        assert.deepEqual(lines.map((l) => [l[0], l[1], l[2], l[5]]), [
          ['id', 'kind', 'status', 'last_error'],
          [String(register), 'domain-register', 'failed(3)', 'relay down'],
          [String(mail), 'mail-send', 'failed(3)', 'relay down'],
        ]);

        const retried = await dmapid(pdb.url, ['job', 'retry', String(mail)]);
        assert.equal(retried.stdout, `job ${mail} queued again\n`, retried.stderr);
        const row = await handle.db.selectFrom('jobs').selectAll().where('id', '=', mail).executeTakeFirstOrThrow();
        assert.equal(row.status, 'queued');
        assert.equal(row.attempts, 0);
        assert.equal(row.finished_at, null);

        const undone = await dmapid(pdb.url, ['job', 'retry', String(register)]);
        assert.notEqual(undone.code, 0);
        assert.match(undone.stderr, /was failed for good and undone; send the request again instead/);
        for (const bad of [String(mail), 'abc', '999999']) {
          const r = await dmapid(pdb.url, ['job', 'retry', bad]);
          assert.notEqual(r.code, 0);
          assert.match(r.stderr, new RegExp(`no failed job ${bad}`));
        }
        const badStatus = await dmapid(pdb.url, ['job', 'list', '--status', 'lost']);
        assert.notEqual(badStatus.code, 0);
        assert.match(badStatus.stderr, /one of queued, running, done, failed/);
      } finally {
        await handle.close();
        await pdb.drop();
      }
    });
  });
}
