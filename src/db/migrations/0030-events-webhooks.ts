import { transactional, withId, type MigrationContext } from './helpers.ts';

/**
 * The event feed and its webhooks (src/services/events.ts, webhooks.ts, webhook-delivery.ts):
 * events numbered per account (the counter is the account's event_counters row), the
 * account's endpoints, one delivery per event and endpoint, and every attempt of a delivery.
 * `accounts.low_balance`: the available money (minor units) below which a `balance.low` event is written.
 */
export const eventsWebhooks = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('accounts').addColumn('low_balance', 'bigint', (c) => c.notNull().defaultTo(5000)).execute();
    await db.schema
      .createTable('event_counters')
      .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .execute();
    await withId(ctx, db.schema.createTable('events'))
      .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('object', 'text', (c) => c.notNull())
      .addColumn('proc_id', 'bigint')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('events_account_seq', ['account_id', 'seq'])
      .execute();
    // The hourly purge finds old events by age.
    await db.schema.createIndex('events_created').on('events').column('created_at').execute();
    await withId(ctx, db.schema.createTable('webhooks'))
      .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhooks_account').on('webhooks').column('account_id').execute();
    await withId(ctx, db.schema.createTable('webhook_deliveries'))
      .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('account_id', 'integer', (c) => c.notNull())
      .addColumn('event_id', 'integer', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('webhook_deliveries_account').on('webhook_deliveries').columns(['account_id', 'id']).execute();
    // An event's deletion (the purge) removes its deliveries by this key, without a scan per event.
    await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').column('event_id').execute();
    await withId(ctx, db.schema.createTable('webhook_attempts'))
      .addColumn('delivery_id', 'integer', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'id']).execute();
  });
