import { transactional, withId, type MigrationContext } from './helpers.ts';

/** The mail outbox, grants and invitations on domains, whois e-mail verification, domain suspension. */
export const mailGrantsVerification = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await withId(ctx, db.schema.createTable('mail_outbox'))
      .addColumn('account_id', 'bigint', (c) => c.references('accounts.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('object_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('from_address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema.createIndex('mail_outbox_status').on('mail_outbox').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('mail_outbox_account').on('mail_outbox').columns(['account_id', 'created_at']).execute();

    // Domains may be deleted by their flows; their grants and verifications go with them.
    await withId(ctx, db.schema.createTable('grants'))
      .addColumn('domain_id', 'bigint', (c) => c.notNull().references('domains.id').onDelete('cascade'))
      .addColumn('inviter_account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('nickname', 'text', (c) => c.notNull())
      .addColumn('invitee_account_id', 'bigint', (c) => c.references('accounts.id'))
      .addColumn('invite_key', 'text', (c) => c.unique())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('accepted_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .execute();
    await db.schema.createIndex('grants_domain').on('grants').columns(['domain_id', 'state']).execute();
    await db.schema.createIndex('grants_invitee').on('grants').columns(['invitee_account_id', 'state']).execute();

    await withId(ctx, db.schema.createTable('whois_emails'))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('verify_key', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('verified_at', 'bigint')
      .execute();

    await withId(ctx, db.schema.createTable('whois_verifications'))
      .addColumn('email_id', 'bigint', (c) => c.notNull().references('whois_emails.id'))
      .addColumn('domain_id', 'bigint', (c) => c.notNull().references('domains.id').onDelete('cascade'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('deadline_at', 'bigint', (c) => c.notNull())
      .addColumn('reminded_at', 'bigint')
      .addColumn('resolved_at', 'bigint')
      .execute();
    await db.schema.createIndex('whois_verifications_state').on('whois_verifications').columns(['state', 'deadline_at']).execute();
    await db.schema.createIndex('whois_verifications_domain').on('whois_verifications').columns(['domain_id', 'state']).execute();
    await db.schema.createIndex('whois_verifications_email').on('whois_verifications').columns(['email_id', 'state']).execute();

    await db.schema.alterTable('domains').addColumn('suspended_at', 'bigint').execute();
    await db.schema.alterTable('domains').addColumn('suspension_reason', 'text').execute();
  });
