import { transactional, withId, type MigrationContext } from './helpers.ts';

/**
 * What dmapid exchanged with EPP registries: the frames of each registry call a job made
 * (passwords and auth codes masked), for `dmapid job show`; and the poll messages read from
 * the registries' queues (acknowledged there once stored here).
 */
export const registryFrames = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await withId(ctx, db.schema.createTable('registry_frames'))
      .addColumn('job_id', 'bigint')
      .addColumn('registry', 'text', (c) => c.notNull())
      .addColumn('command', 'text', (c) => c.notNull())
      .addColumn('result_code', 'integer')
      .addColumn('sent', 'text', (c) => c.notNull())
      .addColumn('received', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('registry_frames_job').on('registry_frames').columns(['job_id', 'id']).execute();
    await withId(ctx, db.schema.createTable('registry_poll_messages'))
      .addColumn('registry', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('object', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('queued_at', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('handled_at', 'bigint')
      .addUniqueConstraint('registry_poll_messages_once', ['registry', 'message_id'])
      .execute();
  });
