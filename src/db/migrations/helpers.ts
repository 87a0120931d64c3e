import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/** What a migration needs to know about the database it runs on. */
export interface MigrationContext {
  dialect: Dialect;
}

export interface MigrationStep {
  up(db: Kysely<any>): Promise<void>;
}

/** The one place where the dialects differ in DDL: the identity column. */
export function withId<T extends string>(ctx: MigrationContext, table: CreateTableBuilder<T, never>) {
  return ctx.dialect === 'sqlite'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn('id', 'bigserial', (c) => c.primaryKey());
}

/** Kysely wraps PostgreSQL migrations in a transaction but not SQLite ones; open one there. */
export function transactional(ctx: MigrationContext, body: (db: Kysely<any>) => Promise<void>): MigrationStep {
  return {
    up: (db) => (ctx.dialect === 'sqlite' ? db.transaction().execute(body) : body(db)),
  };
}
