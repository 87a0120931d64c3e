import { transactional, type MigrationContext } from './helpers.ts';
import { hashColumn } from './0012-hashed-keys.ts';

/** The FOA and transfer-away answer keys are kept only as hashes too (as 0012 did for the others). */
export const hashedTransferKeys = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('transfers_in').addColumn('foa_nonce', 'text').execute();
    await hashColumn(db, 'transfers_in', 'foa_key');
    await hashColumn(db, 'transfers_out', 'answer_key');
  });
