import { transactional, type MigrationContext } from './helpers.ts';

/** The hourly purge of old result texts finds them by age, without reading every result. */
export const resultsCreated = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.createIndex('results_created').on('results').column('created_at').execute();
  });
