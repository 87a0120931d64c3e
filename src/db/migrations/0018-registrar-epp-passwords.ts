import { transactional, type MigrationContext } from './helpers.ts';

/** The simulated registry's registrars log in over EPP: each may have a password (argon2id hash). */
export const registrarEppPasswords = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('registry_registrars').addColumn('epp_password_hash', 'text').execute();
  });
