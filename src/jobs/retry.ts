import type { Db } from '../db/database.ts';
import { jobHandlers } from './handlers.ts';

/**
 * Queues a job that failed for good again, with a fresh count of attempts (after the operator
 * fixed its cause). Refused for a job whose failure was undone (money released, state rolled back
 * by its `failed` hook): that one must not run after all; the request is to be sent again.
 */
export async function retryFailedJob(db: Db, id: number, now: number): Promise<{ kind: string }> {
  const row = await db.selectFrom('jobs').select(['kind', 'status']).where('id', '=', id).executeTakeFirst();
  if (!row || row.status !== 'failed') throw new Error(`no failed job ${id}`);
  const { commands } = await import('../dmapi/commands/index.ts');
  if (jobHandlers(commands).get(row.kind)?.failed) throw new Error(`job ${id} (${row.kind}) was failed for good and undone; send the request again instead`);
  const res = await db
    .updateTable('jobs')
    .set({ status: 'queued', attempts: 0, run_at: now, locked_by: null, locked_until: null, finished_at: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new Error(`no failed job ${id}`);
  return { kind: row.kind };
}
