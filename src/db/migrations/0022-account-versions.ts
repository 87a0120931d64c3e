import { sql } from 'kysely';
import { transactional, type MigrationContext } from './helpers.ts';

/**
 * accounts.version goes up with every change of an account row, whoever makes it (a DMAPI
 * request, the worker, the operator CLI, another node): a trigger bumps it, so no code path can
 * forget. Each request reads it with the session (src/dmapi/account-cache.ts) and reuses its
 * copy of the account only while the version is the same.
 */
export const accountVersions = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.schema.alterTable('accounts').addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    if (ctx.dialect === 'sqlite') {
      // Recursive triggers are off, and the WHEN keeps it from firing again even if they were on.
      await sql`create trigger accounts_version after update on accounts for each row when new.version = old.version
        begin update accounts set version = old.version + 1 where id = new.id; end`.execute(db);
    } else {
      await sql`create function accounts_bump_version() returns trigger language plpgsql as $$
        begin new.version := old.version + 1; return new; end $$`.execute(db);
      await sql`create trigger accounts_version before update on accounts for each row execute function accounts_bump_version()`.execute(db);
    }
  });
