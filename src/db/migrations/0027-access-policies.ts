import { transactional, type MigrationContext } from './helpers.ts';

/**
 * Allowed client addresses and request budgets per account and per API key (src/services/access-policy.ts),
 * and the shared counters the budgets are checked against (one row per scope and window).
 */
export const accessPolicies = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('accounts').addColumn('access_policy', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('access_policy', 'text').execute();
    await db.schema
      .createTable('request_budgets')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('request_budgets_pk', ['scope', 'window_start'])
      .execute();
  });
