import { transactional, type MigrationContext } from './helpers.ts';

/**
 * Transfers between resellers of this platform (src/services/internal-transfer.ts): the gaining
 * reseller's `transfers_in` row names the losing account once the worker found the domain in it,
 * and the losing reseller's `transfers_out` row points back at the transfer that asks for it.
 * Both stay null for transfers from and to foreign registrars.
 */
export const internalTransfers = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('transfers_in').addColumn('losing_account_id', 'bigint', (c) => c.references('accounts.id')).execute();
    await db.schema.alterTable('transfers_out').addColumn('transfer_in_id', 'bigint', (c) => c.references('transfers_in.id')).execute();
    await db.schema.createIndex('transfers_out_transfer_in').on('transfers_out').column('transfer_in_id').execute();
  });
