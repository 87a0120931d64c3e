import { transactional, withId, type MigrationContext } from './helpers.ts';

/**
 * The change journal of hosted zones (src/zone/journal.ts): one row per change, written in the
 * transaction of the change, holding what it removed and added in DMAPI records and what the
 * zone was before (its served serial, base serial, DynDNS switch), so IXFR can rebuild an older
 * version and answer the difference. Bounded per zone; rows go with their zone.
 */
export const zoneChanges = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await withId(ctx, db.schema.createTable('zone_changes'))
      .addColumn('zone_id', 'bigint', (c) => c.notNull().references('zones.id').onDelete('cascade'))
      .addColumn('serial_from', 'bigint', (c) => c.notNull())
      .addColumn('serial_to', 'bigint', (c) => c.notNull())
      .addColumn('old_base', 'bigint', (c) => c.notNull())
      .addColumn('old_dyndns', 'integer', (c) => c.notNull())
      .addColumn('removed', 'text', (c) => c.notNull())
      .addColumn('added', 'text', (c) => c.notNull())
      .addColumn('changed_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('zone_changes_zone').on('zone_changes').columns(['zone_id', 'id']).execute();
  });
