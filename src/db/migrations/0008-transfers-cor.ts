import { transactional, withId, type MigrationContext } from './helpers.ts';

/**
 * Transfers and change of registrant (src/services/transfers.ts, transfer-out.ts, owner-change.ts):
 *
 * - `transfers_in`: one row per domain-transfer-in-reseller, carrying the seeds' transfer state
 *   (IN_DB … TRANSFER_PROCESSED_SUCCESSFULLY), what the request asked for, the money held and the
 *   FOA; `transfer_events` keeps every state it passed through, with the time.
 * - `transfers_out`: a foreign registrar asking for one of the platform's domains.
 * - `owner_changes`: domain-owner-change requests waiting for the registrant's confirmation, and
 *   the IRTP-C transfer lock they leave behind.
 * - `sim_transfer_policies`: how a simulated foreign registrar answers a transfer away from it.
 *
 * Transfer rows name the domain instead of referencing `domains`: a transfer-in exists before
 * the domain does, and a transfer-out outlives it.
 */
export const transfersCor = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await withId(ctx, db.schema.createTable('transfers_in'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      // The Proc-ID of the request: its result stays pending until the transfer ends.
      .addColumn('result_id', 'bigint', (c) => c.notNull().references('results.id'))
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('tld', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      // open | done | failed | cancelled
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      // Kept only until the registry request is sent.
      .addColumn('auth_code', 'text')
      .addColumn('owner_c', 'text', (c) => c.notNull())
      .addColumn('admin_c', 'text')
      .addColumn('tech_c', 'text')
      .addColumn('billing_c', 'text')
      // JSON array of host names; null keeps the delegation the domain has.
      .addColumn('ns_list', 'text')
      .addColumn('lock_after', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('autorenew', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('privacy', 'text', (c) => c.notNull().defaultTo('off'))
      .addColumn('period_months', 'integer', (c) => c.notNull())
      .addColumn('transfer_order_id', 'bigint', (c) => c.notNull())
      .addColumn('privacy_order_id', 'bigint')
      .addColumn('losing_registrar', 'text')
      .addColumn('foa_key', 'text', (c) => c.unique())
      .addColumn('foa_owner_email', 'text')
      .addColumn('foa_admin_email', 'text')
      .addColumn('foa_sent_at', 'bigint')
      .addColumn('foa_deadline_at', 'bigint')
      .addColumn('foa_answered_at', 'bigint')
      .addColumn('registry_requested_at', 'bigint')
      .addColumn('registry_act_by', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema.createIndex('transfers_in_account').on('transfers_in').columns(['account_id', 'domain']).execute();
    await db.schema.createIndex('transfers_in_open').on('transfers_in').columns(['outcome', 'state']).execute();

    await withId(ctx, db.schema.createTable('transfer_events'))
      .addColumn('transfer_id', 'bigint', (c) => c.notNull().references('transfers_in.id').onDelete('cascade'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.createIndex('transfer_events_transfer').on('transfer_events').columns(['transfer_id', 'id']).execute();

    await withId(ctx, db.schema.createTable('transfers_out'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('result_id', 'bigint', (c) => c.references('results.id'))
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('gaining', 'text', (c) => c.notNull())
      // pending | approving | rejecting | transferred | rejected | cancelled
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('answer_key', 'text', (c) => c.notNull().unique())
      .addColumn('requested_at', 'bigint', (c) => c.notNull())
      .addColumn('act_by', 'bigint', (c) => c.notNull())
      .addColumn('answered_at', 'bigint')
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema.createIndex('transfers_out_state').on('transfers_out').columns(['state', 'act_by']).execute();
    await db.schema.createIndex('transfers_out_domain').on('transfers_out').columns(['domain', 'state']).execute();

    await withId(ctx, db.schema.createTable('owner_changes'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('domain_id', 'bigint', (c) => c.notNull().references('domains.id').onDelete('cascade'))
      .addColumn('domain', 'text', (c) => c.notNull())
      .addColumn('result_id', 'bigint', (c) => c.notNull().references('results.id'))
      // pending | confirmed | applied | rejected | expired | failed
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('confirm_key', 'text', (c) => c.unique())
      .addColumn('recipient', 'text')
      .addColumn('old_owner', 'text')
      .addColumn('new_owner', 'text')
      // JSON ContactFields of the new registrant.
      .addColumn('fields', 'text', (c) => c.notNull())
      // 1 when name, organisation or e-mail change (IRTP-C "material change").
      .addColumn('material', 'integer', (c) => c.notNull())
      .addColumn('lock_opt_out', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('deadline_at', 'bigint', (c) => c.notNull())
      .addColumn('answered_at', 'bigint')
      .addColumn('applied_at', 'bigint')
      // The IRTP-C 60-day inter-registrar transfer lock the change leaves.
      .addColumn('lock_until', 'bigint')
      .execute();
    await db.schema.createIndex('owner_changes_domain').on('owner_changes').columns(['domain_id', 'state']).execute();
    await db.schema.createIndex('owner_changes_state').on('owner_changes').columns(['state', 'deadline_at']).execute();

    await db.schema
      .createTable('sim_transfer_policies')
      .addColumn('registrar', 'text', (c) => c.primaryKey().references('registry_registrars.id'))
      // approve | reject | silent
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('delay_ms', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  });
