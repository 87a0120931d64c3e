import type { Kysely } from 'kysely';
import { hashPassword, tokenHash } from '../../core/password.ts';
import { transactional, type MigrationContext } from './helpers.ts';

/**
 * Keys mailed to people and DynDNS passwords are kept only as hashes (src/services/answer-keys.ts).
 * Keys stored in clear before become their hash (the mailed links keep working) with no nonce;
 * DynDNS passwords become argon2id hashes.
 */
export const hashedKeys = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('grants').addColumn('invite_nonce', 'text').execute();
    await db.schema.alterTable('whois_emails').addColumn('verify_nonce', 'text').execute();
    await hashColumn(db, 'grants', 'invite_key');
    await hashColumn(db, 'whois_emails', 'verify_key');
    await hashColumn(db, 'owner_changes', 'confirm_key');
    const zones = await db.selectFrom('zones').select(['id', 'dyndns_password']).where('dyndns_password', '!=', '').execute();
    for (const z of zones) await db.updateTable('zones').set({ dyndns_password: await hashPassword(z.dyndns_password) }).where('id', '=', z.id).execute();
  });

export async function hashColumn(db: Kysely<any>, table: string, column: string): Promise<void> {
  const rows = await db.selectFrom(table).select(['id', column]).where(column, 'is not', null).execute();
  for (const r of rows) await db.updateTable(table).set({ [column]: tokenHash(r[column]) }).where('id', '=', r.id).execute();
}
