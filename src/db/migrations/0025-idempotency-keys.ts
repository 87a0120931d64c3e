import { transactional, type MigrationContext } from './helpers.ts';

/**
 * Idempotency keys of modifying requests (src/services/idempotency.ts): per account, the request's
 * fingerprint and the reply it got, kept for a day so that a repeated request answers the same.
 */
export const idempotencyKeys = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('reply', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
      .execute();
    await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
  });
