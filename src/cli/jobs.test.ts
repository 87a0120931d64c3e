import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsToTest, persistentDatabase } from '../../test/helpers/databases.ts';
import { dmapid } from '../../test/helpers/cli.ts';
import { migrate } from '../db/migrate.ts';
import { enqueue } from '../jobs/queue.ts';
import type { Executor } from '../db/database.ts';
import { forJob, recordFrame } from '../registry/frames.ts';
import { createAccount } from '../services/accounts.ts';

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

    it('shows one job with its result and its registry frames, secrets masked', async () => {
      const pdb = await persistentDatabase(dialect);
      const handle = pdb.open();
      try {
        await migrate(handle);
        const { db } = handle;
        const now = Date.UTC(2026, 0, 15, 12);
        const account = await createAccount(db, { login: 'show-r', email: 'r@example.com', password: 'secret-pw' }, now);
        const result = await db.insertInto('results').values({ account_id: account.id, svtrid: 'sv-1', cltrid: null, request_type: 'domain-register', object_name: 'shown.com', status: 'ack', content: 'result_msg: shown.com registered\n', created_at: now, completed_at: now, deleted_at: null }).returning('id').executeTakeFirstOrThrow();
        const id = await enqueue(db, now, 'domain-register', { name: 'shown.com', authCode: 'Payload-Secret-1' }, { resultId: result.id, objectKey: 'domain:shown.com' });
        await db.updateTable('jobs').set({ status: 'done', attempts: 1, finished_at: now }).where('id', '=', id).execute();
        const sent = '<?xml version="1.0"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><create><domain:create xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>shown.com</domain:name><domain:authInfo><domain:pw>Frame-Secret-2</domain:pw></domain:authInfo></domain:create></create></command></epp>';
        await forJob(id, () => recordFrame(db, { registry: 'verisign', command: 'domain:create', resultCode: 1000, sent, received: '<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><response><result code="1000"><msg>ok</msg></result></response></epp>', at: now }));
        const shown = await dmapid(pdb.url, ['job', 'show', String(id)]);
        assert.equal(shown.code, 0, shown.stderr);
        assert.match(shown.stdout, new RegExp(`^job ${id} domain-register: done \\(attempt 1 of 8\\)`));
        assert.match(shown.stdout, /domain-register shown\.com\): ack\n {2}result_msg: shown\.com registered/);
        assert.match(shown.stdout, /registry frames \(1\):\n--- 1\. domain:create at verisign 2026-01-15T12:00:00Z: 1000\n> .*<domain:pw>\*{8}<\/domain:pw>/);
        assert.doesNotMatch(shown.stdout, /Frame-Secret-2|Payload-Secret-1/);
        const missing = await dmapid(pdb.url, ['job', 'show', '999999']);
        assert.notEqual(missing.code, 0);
        assert.match(missing.stderr, /no job 999999/);
      } finally {
        await handle.close();
        await pdb.drop();
      }
    });
  });
}
