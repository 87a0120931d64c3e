import { transactional, type MigrationContext } from './helpers.ts';

/** The account's default autorenew for new domains (user-set-property pname=autorenew). */
export const accountProperties = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('accounts').addColumn('autorenew_default', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  });
