import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, type Transaction } from 'kysely';
import type PgModule from 'pg';
import type { Database } from './schema.ts';
import { SqliteQueueDialect } from './sqlite-dialect.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Executor = Db | Tx;

export interface DbHandle {
  db: Db;
  dialect: Dialect;
  /** The SQLite file (absent for PostgreSQL and `:memory:`). */
  file?: string;
  close(): Promise<void>;
}

let pgLib: typeof PgModule | undefined;
/** pg, loaded when a PostgreSQL database is first opened (a SQLite sandbox starts without it). */
function pg(): typeof PgModule {
  if (pgLib) return pgLib;
  pgLib = createRequire(import.meta.url)('pg') as typeof PgModule;
  // int8 (OID 20) comes back from pg as a string; money and instants fit in a safe integer.
  pgLib.types.setTypeParser(20, (text) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is not a safe integer`);
    return n;
  });
  return pgLib;
}

export interface OpenOptions {
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  pgSchema?: string;
  poolSize?: number;
}

/** Opens `postgres://…` URLs with pg, anything else as a SQLite file path (`:memory:` allowed). */
export function openDatabase(url: string, options: OpenOptions = {}): DbHandle {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new (pg().Pool)({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    // An idle client losing its connection must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (url !== ':memory:') mkdirSync(dirname(url), { recursive: true });
  const sqlite = new SQLite(url);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteQueueDialect(sqlite) });
  return { db, dialect: 'sqlite', ...(url !== ':memory:' ? { file: url } : {}), close: () => db.destroy() };
}

/** Whether `db` talks to PostgreSQL (SQLite has no FOR UPDATE, and needs none: it serialises writers). */
export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
