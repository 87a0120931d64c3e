import { transactional, type MigrationContext } from './helpers.ts';

/**
 * The registry object a job acts on (`domain:example.com`): claiming holds a job back while an
 * earlier one with the same key is queued or running, so registry calls on one object run one
 * at a time and in order (their outside steps run without a transaction to serialise them).
 */
export const jobObjectKeys = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('jobs').addColumn('object_key', 'text').execute();
    await db.schema.createIndex('jobs_object_key').on('jobs').columns(['object_key', 'status']).execute();
  });
