import { transactional, type MigrationContext } from './helpers.ts';

/** What a @creator invitation offers (expiry, autorenew, privacy), fixed when it is made. */
export const grantTerms = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('grants').addColumn('terms', 'text').execute();
  });
