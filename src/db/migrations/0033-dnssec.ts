import { transactional, withId, type MigrationContext } from './helpers.ts';

/**
 * DNSSEC signing of hosted zones (src/zone/dnssec.ts). `dnssec_keys`: the zone's keys, the private
 * half sealed with AES-256-GCM under the key-encryption key (never stored here), and each key's
 * state in its rollover. `dnssec_zones`: one row per zone that is or was being signed: whether it
 * signs or is unwinding, and where the DS at the parent stands. Rows go with their zone.
 */
export const dnssec = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await withId(ctx, db.schema.createTable('dnssec_keys'))
      .addColumn('zone_id', 'bigint', (c) => c.notNull().references('zones.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'integer', (c) => c.notNull())
      .addColumn('key_tag', 'integer', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('sealed_key', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('state_since', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dnssec_keys_zone').on('dnssec_keys').columns(['zone_id', 'role']).execute();
    await db.schema
      .createTable('dnssec_zones')
      .addColumn('zone_id', 'bigint', (c) => c.primaryKey().references('zones.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_since', 'bigint', (c) => c.notNull())
      .addColumn('signed_at', 'bigint', (c) => c.notNull())
      .addColumn('parent_ds', 'text')
      .addColumn('ds_state', 'text', (c) => c.notNull())
      .addColumn('ds_changed_at', 'bigint')
      .execute();
  });
