import type { Kysely } from 'kysely';
import { transactional, withId, type MigrationContext } from './helpers.ts';
import { defaultPriceRows } from '../../billing/default-prices.ts';

/**
 * Billing: list prices per TLD/operation/currency, promos, orders (what query-order-list shows) and
 * the ledger (every movement of an account's balance or reservation). A fresh database gets the
 * shipped default prices; later changes of that file reach existing databases via `dmapid price import`.
 */
export const billing = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await withId(ctx, db.schema.createTable('prices'))
      .addColumn('tld', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('min_years', 'integer', (c) => c.notNull())
      .addColumn('max_years', 'integer', (c) => c.notNull())
      .addColumn('tld_currency', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('prices_key').on('prices').columns(['tld', 'operation', 'currency']).unique().execute();

    await withId(ctx, db.schema.createTable('promos'))
      .addColumn('tld', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('price', 'bigint', (c) => c.notNull())
      .addColumn('min_years', 'integer', (c) => c.notNull())
      .addColumn('max_years', 'integer', (c) => c.notNull())
      .addColumn('period_type', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'bigint', (c) => c.notNull())
      .addColumn('valid_to', 'bigint', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('promos_lookup').on('promos').columns(['tld', 'operation', 'currency', 'valid_to']).execute();

    await withId(ctx, db.schema.createTable('orders'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('proc_id', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('amount_brutto', 'bigint', (c) => c.notNull())
      .addColumn('amount_netto', 'bigint', (c) => c.notNull())
      .addColumn('vat_bp', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('identifier', 'text', (c) => c.notNull())
      .addColumn('tld', 'text')
      .addColumn('held', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('refunded', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('refund_of', 'bigint')
      .execute();
    await db.schema.createIndex('orders_account_created').on('orders').columns(['account_id', 'created_at']).execute();
    await db.schema.createIndex('orders_account_proc').on('orders').columns(['account_id', 'proc_id']).execute();

    await withId(ctx, db.schema.createTable('ledger'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('order_id', 'bigint')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('reserved_delta', 'bigint', (c) => c.notNull())
      .addColumn('balance_after', 'bigint', (c) => c.notNull())
      .addColumn('reserved_after', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.createIndex('ledger_account').on('ledger').columns(['account_id', 'id']).execute();

    // updated_at 0 marks a shipped default (migrations have no clock).
    await insertDefaultPrices(db, 0);
  });

async function insertDefaultPrices(db: Kysely<any>, now: number): Promise<void> {
  const rows = defaultPriceRows().map((r) => ({ ...r, updated_at: now }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('prices').values(rows.slice(i, i + 200)).execute();
}
