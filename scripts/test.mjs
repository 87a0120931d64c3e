#!/usr/bin/env node
// Node 20 neither globs nor discovers .ts test files: find them here, fail when there are none.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['src', 'test'];
const filter = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
};
for (const root of roots) walk(root);
const chosen = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
if (chosen.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
chosen.sort();

// Every database test runs on SQLite and PostgreSQL; under CI a missing PostgreSQL is a failure.
const pgUrl = process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test';
const probe = spawnSync(process.execPath, ['-e', `const c=new (require('pg').Client)({connectionString:process.argv[1],connectionTimeoutMillis:3000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))`, pgUrl]);
const pgUp = probe.status === 0;
if (!pgUp && process.env.CI === 'true') {
  console.error(`PostgreSQL at ${pgUrl} is not reachable, and CI=true makes the PostgreSQL run mandatory`);
  process.exit(1);
}
if (!pgUp) console.error(`note: PostgreSQL at ${pgUrl} is not reachable; running the SQLite half only`);
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...chosen],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', PGURL: pgUrl, DMAPID_TEST_PG: pgUp ? '1' : '0' } },
);
process.exit(run.status ?? 1);
