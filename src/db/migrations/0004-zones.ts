import { transactional, withId, type MigrationContext } from './helpers.ts';

/**
 * Hosted DNS zones (src/zone/): one row per domain that dmapid serves. The records are one JSON
 * array in put order (dns-zone-put replaces them whole; DynDNS rewrites them in a locked row),
 * so a zone is always read and written in one piece.
 */
export const zones = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await withId(ctx, db.schema.createTable('zones'))
      .addColumn('domain_id', 'bigint', (c) => c.notNull().unique().references('domains.id').onDelete('cascade'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('serial', 'bigint', (c) => c.notNull())
      .addColumn('dnssec', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('dyndns', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('dyndns_user', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('dyndns_password', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('records', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('validity_bounds', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('zones_account_name').on('zones').columns(['account_id', 'name']).execute();
  });
