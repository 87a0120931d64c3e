import { transactional, type MigrationContext } from './helpers.ts';

/**
 * Expiry reminders already mailed: one row per domain, expiry date and stage, so that a reminder
 * goes out once even when several processes run the scheduler, and again for the next term.
 */
export const expiryReminders = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema
      .createTable('expiry_reminders')
      .addColumn('domain_id', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('expiry_reminders_pk', ['domain_id', 'expires_at', 'stage'])
      .execute();
  });
