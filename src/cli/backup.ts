import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
const pgAdvice = 'the database is PostgreSQL: back it up with pg_dump and restore it with pg_restore (docs/operations.md, "Backups")';

/**
 * `dmapid backup <file>` / `dmapid restore <file>` for the embedded SQLite database. The backup is
 * taken while the server runs (VACUUM INTO reads one consistent snapshot and leaves a compact
 * file); restore puts a backup in place of the configured database, which no server may be using,
 * and brings its schema up to this version.
 */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup <file>')
    .description('write a consistent copy of the SQLite database to <file>, also while the server runs (PostgreSQL: pg_dump)')
    .action(async (file: string) => {
      const { database } = loadConfig();
      if (isPostgresUrl(database)) throw new Error(pgAdvice);
      const target = resolve(file);
      if (existsSync(target)) throw new Error(`${target} exists already; choose a new file`);
      mkdirSync(dirname(target), { recursive: true });
      const handle = openDatabase(database);
      try {
        await sql`vacuum into ${target}`.execute(handle.db);
      } finally {
        await handle.close();
      }
      console.log(`backup of ${database} written to ${target} (${statSync(target).size} bytes)`);
    });

  program
    .command('restore <file>')
    .description('replace the SQLite database with a backup (stop the server first); --force overwrites an existing database')
    .option('--force', 'overwrite the configured database file when it exists')
    .action(async (file: string, o: { force?: boolean }) => {
      const { database } = loadConfig();
      if (isPostgresUrl(database)) throw new Error(pgAdvice);
      const source = resolve(file);
      if (!existsSync(source)) throw new Error(`no backup at ${source}`);
      const target = resolve(database);
      if (existsSync(target) && !o.force) throw new Error(`${target} exists; stop the server and add --force to replace it`);
      // The old write-ahead log and shared memory belong to the database being replaced.
      for (const extra of ['-wal', '-shm']) rmSync(`${target}${extra}`, { force: true });
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(source, target);
      const handle = openDatabase(target);
      try {
        const applied = await migrate(handle);
        console.log(`restored ${source} to ${target}${applied.length ? `; migrated: ${applied.join(', ')}` : ''}`);
      } finally {
        await handle.close();
      }
    });
}
