import { spaceField } from '../dmapi/reply.ts';
import type { Executor } from '../db/database.ts';
import type { ResultRow } from '../db/schema.ts';
import type { JobOutcome } from '../dmapi/command.ts';
import { compactTimestamp } from '../core/dates.ts';

/** Opens the result row of a modifying request; its id is the Proc-ID. */
export async function openResult(
  db: Executor,
  r: { accountId: number; svtrid: string; cltrid: string | null; requestType: string; now: number },
): Promise<number> {
  const row = await db
    .insertInto('results')
    .values({
      account_id: r.accountId,
      svtrid: r.svtrid,
      cltrid: r.cltrid,
      request_type: r.requestType,
      object_name: '',
      status: '?',
      content: null,
      created_at: r.now,
      completed_at: null,
      deleted_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setResultObject(db: Executor, id: number, object: string): Promise<void> {
  await db.updateTable('results').set({ object_name: object }).where('id', '=', id).execute();
}

export async function completeResult(db: Executor, id: number, outcome: JobOutcome, now: number): Promise<void> {
  await db
    .updateTable('results')
    .set({
      status: outcome.status,
      content: outcome.text,
      completed_at: now,
      ...(outcome.object !== undefined ? { object_name: outcome.object } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Drops the content of results older than the retention period; their status stays. Returns how many. */
export async function purgeResultContent(db: Executor, olderThan: number, batch = 1000): Promise<number> {
  // A batch a statement: on SQLite each holds the one connection only briefly, so requests
  // interleave with an hour's purge of a big platform.
  let purged = 0;
  for (;;) {
    const due = db.selectFrom('results').select('id').where('created_at', '<', olderThan).where('content', 'is not', null).limit(batch);
    const res = await db.updateTable('results').set({ content: null }).where('id', 'in', due).executeTakeFirst();
    const n = Number(res.numUpdatedRows);
    purged += n;
    if (n < batch) return purged;
  }
}

/** The result-list line: `TimeStamp SvTrId Proc-ID request-type request-object status ClTrId`. */
export function resultListLine(r: ResultRow): string {
  return [compactTimestamp(r.created_at), r.svtrid, r.id, r.request_type, r.object_name, r.status, r.cltrid].map(spaceField).join(' ');
}

/**
 * The result-retrieve body: a `key: value` block, a blank line, then the free text.
 * Without content (deleted, purged or not yet done) only the key block is sent.
 */
export function resultRetrieveBody(r: ResultRow): string {
  const keys = [
    `Completion-Status: ${r.status}`,
    `Object-Name: ${r.object_name || '-'}`,
    `Proc-ID: ${r.id}`,
    `SvTrId: ${r.svtrid}`,
    `Request-Type: ${r.request_type}`,
    `Received: ${compactTimestamp(r.created_at)}`,
  ];
  if (r.completed_at !== null) keys.push(`Completed: ${compactTimestamp(r.completed_at)}`);
  const text = r.content ?? '';
  return keys.join('\n') + '\n' + (text === '' ? '' : `\n${text.endsWith('\n') ? text : text + '\n'}`);
}
