import { transactional, type MigrationContext } from './helpers.ts';

/** Operators run the platform from the web console; every account so far is a reseller. */
export const accountRoles = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('accounts').addColumn('role', 'text', (c) => c.notNull().defaultTo('reseller')).execute();
  });
