import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DbHandle, type Dialect } from '../../src/db/database.ts';

export const PG_URL = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the PostgreSQL run happens. scripts/test.mjs probes the server once and sets
 * DMAPID_TEST_PG (under CI a missing server fails the run there); a direct `node --test`
 * run follows CI/PGURL.
 */
export function dialectsToTest(): Dialect[] {
  const pg = process.env.DMAPID_TEST_PG ?? (process.env.CI === 'true' || process.env.PGURL ? '1' : '0');
  return pg === '1' ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * A fresh, empty database: SQLite in memory, or a PostgreSQL schema of its own (so test files
 * running in parallel never see each other's rows). `drop()` removes it.
 */
export async function freshDatabase(dialect: Dialect): Promise<DbHandle & { drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const h = openDatabase(':memory:');
    return { ...h, drop: () => h.close() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const h = openDatabase(PG_URL, { pgSchema: schema, poolSize: 5 });
  return {
    ...h,
    drop: async () => {
      await h.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

/**
 * A database that outlives its connections: a temporary SQLite file or a PostgreSQL schema of its
 * own. `url` is what DMAPID_DATABASE must say for a child process (the CLI, a spawned server) to
 * reach it; `open()` gives a new, independent connection (a "restarted process").
 */
export interface PersistentDatabase {
  dialect: Dialect;
  url: string;
  open(): DbHandle;
  drop(): Promise<void>;
}

export async function persistentDatabase(dialect: Dialect): Promise<PersistentDatabase> {
  if (dialect === 'sqlite') {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'dmapid-test-'));
    const url = join(dir, 'dmapid.sqlite');
    return { dialect, url, open: () => openDatabase(url), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const sep = PG_URL.includes('?') ? '&' : '?';
  return {
    dialect,
    url: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    open: () => openDatabase(PG_URL, { pgSchema: schema, poolSize: 5 }),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}
