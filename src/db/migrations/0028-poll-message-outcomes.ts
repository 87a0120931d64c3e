import { transactional, type MigrationContext } from './helpers.ts';

/** What dmapid did with each registry poll message, for the operator reading them later. */
export const pollMessageOutcomes = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('registry_poll_messages').addColumn('outcome', 'text').execute();
    await db.schema.createIndex('registry_poll_messages_open').on('registry_poll_messages').columns(['handled_at', 'id']).execute();
  });
