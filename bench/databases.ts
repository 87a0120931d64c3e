/** Throw-away databases for the benchmarks: a SQLite file in a temporary folder, or a PostgreSQL schema of its own. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DbHandle } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';

export const pgUrl = process.env.BENCH_PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  /** What a server's DMAPID_DATABASE says to reach it. */
  url: string;
  /** Open and migrated, for seeding; close it before the server starts if you like. */
  handle: DbHandle;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function benchDatabase(dialect: string, label: string): Promise<BenchDatabase> {
  let db: Omit<BenchDatabase, 'handle'> & { handle: DbHandle };
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `dmapid-bench-${label}-`));
    const url = join(dir, 'bench.sqlite');
    db = { url, handle: openDatabase(url), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  } else if (dialect === 'postgres') {
    const schema = `bench_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
    await admin(`create schema ${schema}`);
    const url = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    db = { url, handle: openDatabase(pgUrl, { pgSchema: schema }), drop: () => admin(`drop schema ${schema} cascade`) };
  } else {
    throw new Error(`unknown database ${dialect} (sqlite or postgres)`);
  }
  await migrate(db.handle);
  return db;
}
