import { transactional, type MigrationContext } from './helpers.ts';

/**
 * query-domain-list reads an account's active domains in name order: with the status in the
 * index the walk to a deep `from=` (and each page of a streamed whole list) stays inside the index
 * instead of visiting every skipped row (SQLite at 200,000 domains: 751 → 10 ms for from=100000).
 */
export const domainListOrder = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.createIndex('domains_account_status_name').on('domains').columns(['account_id', 'status', 'name']).execute();
  });
