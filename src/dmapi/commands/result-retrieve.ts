import { z } from 'zod';
import { sql } from 'kysely';
import { defineCommand, type RequestContext } from '../command.ts';
import { DmapiError } from '../errors.ts';
import { optText } from '../params.ts';
import { resultRetrieveBody } from '../../services/results.ts';
import type { ResultRow } from '../../db/schema.ts';

/** Proc-ID or SvTrId (SvTrId wins when both are given); the parameter names are case-insensitive. */
export const resultRef = z
  .object({ 'proc-id': optText(20), svtrid: optText(64) })
  .refine((p) => p['proc-id'] !== undefined || p.svtrid !== undefined, { message: "missing parameter 'Proc-ID' or 'SvTrId'", params: { dmapi: 'PARAM_MISSING' } })
  .refine((p) => p.svtrid !== undefined || /^\d+$/.test(p['proc-id'] ?? ''), { message: "invalid 'Proc-ID' (must be a number)", params: { dmapi: 'PARAM_SYNTAX' } });

/** The account's result named by the reference; others' results answer like missing ones. */
export async function findResult(ctx: RequestContext, ref: z.output<typeof resultRef>): Promise<ResultRow> {
  let q = ctx.db.selectFrom('results').selectAll().where('account_id', '=', ctx.account.id);
  const procId = Number(ref['proc-id']);
  // A Proc-ID beyond the integer range names no result (PostgreSQL would refuse to compare it).
  if (ref.svtrid === undefined && !Number.isSafeInteger(procId)) q = q.where(sql<boolean>`1 = 0`);
  else q = ref.svtrid !== undefined ? q.where('svtrid', '=', ref.svtrid.toLowerCase()) : q.where('id', '=', procId);
  const row = await q.executeTakeFirst();
  if (!row) throw new DmapiError('OBJECT_NOT_FOUND', `no result with ${ref.svtrid !== undefined ? `SvTrId ${ref.svtrid}` : `Proc-ID ${ref['proc-id']}`}`);
  return row;
}

export const resultRetrieve = defineCommand({
  name: 'result-retrieve',
  summary: 'The outcome of an asynchronous request: `Completion-Status`, `Object-Name`, a blank line, then the free text.',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: resultRef,
  errors: ['OBJECT_NOT_FOUND'],
  notes: 'After result-delete or the retention period only the key block (the status) remains.',
  async run(ctx, p) {
    return { body: resultRetrieveBody(await findResult(ctx, p)) };
  },
});
