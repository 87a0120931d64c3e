import { defineCommand } from '../command.ts';
import { resultRef, findResult } from './result-retrieve.ts';

export const resultDelete = defineCommand({
  name: 'result-delete',
  summary: 'Delete the content of a result (its status stays); it is then listed only with showall=1.',
  access: 'modify',
  session: 'required',
  execution: 'sync',
  params: resultRef,
  errors: ['OBJECT_NOT_FOUND'],
  async run(ctx, p) {
    const row = await findResult(ctx, p);
    await ctx.db.updateTable('results').set({ content: null, deleted_at: row.deleted_at ?? ctx.now }).where('id', '=', row.id).execute();
    return { body: `Result ${row.id} deleted\n`, object: String(row.id) };
  },
});
