import { sql } from 'kysely';
import { transactional, type MigrationContext } from './helpers.ts';

/**
 * Indexes for accounts with a million domains, results and orders (bench/scale.ts; plans in
 * docs/performance.md):
 *
 * - the newest top-up (query-profile's last-payment) without reading the other orders;
 * - login's count of autorenewing domains from the index alone;
 * - patterns with a literal start (`abc*`): globMatch bounds the lowered name (sql-helpers.ts),
 *   and these indexes hold exactly that expression, per account.
 */
export const listIndexes = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.createIndex('orders_account_type').on('orders').columns(['account_id', 'type', 'id']).execute();
    await db.schema.createIndex('domains_account_autorenew').on('domains').columns(['account_id', 'autorenew']).execute();
    // The same expression globMatch writes: lower() in SQLite, lower(… collate "C") in PostgreSQL.
    const lowered = (column: string) => (ctx.dialect === 'postgres' ? sql`lower(${sql.ref(column)} collate "C")` : sql`lower(${sql.ref(column)})`);
    await sql`create index domains_account_lower_name on domains (account_id, ${lowered('name')})`.execute(db);
    await sql`create index results_account_lower_object on results (account_id, ${lowered('object_name')})`.execute(db);
  });
