/**
 * `npm run bench:register`: domain-register against `dmapid serve --demo` with its worker running
 * (never part of `npm test`).
 *
 * 1. Time until ack: BENCH_SEQUENTIAL (30) registrations one after the other (bench/registrations.ts).
 * 2. Throughput: BENCH_REGISTRATIONS (1000) registrations of distinct names with BENCH_CONCURRENCY
 *    (20) requests in flight: requests accepted per second (money held, job queued, Proc-ID sent)
 *    with accept-latency percentiles, then how long the worker needs until every one is acked.
 *
 * The server runs in a child process on a fresh SQLite database (pinned to CPU 0 when taskset and
 * a second core exist; this process goes to CPU 1); the demo reseller is credited through the
 * operator CLI (`dmapid account credit`), one contact is created through DMAPI.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { canPin, pinLoadGenerator, root, start, stop } from './spawn.ts';
import { measureRegistrations } from './registrations.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sequential = Number(process.env.BENCH_SEQUENTIAL ?? 30);
const total = Number(process.env.BENCH_REGISTRATIONS ?? 1000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);

pinLoadGenerator();

const dir = mkdtempSync(join(tmpdir(), 'dmapid-bench-register-'));
const env = { DMAPID_DATABASE: join(dir, 'bench.sqlite'), DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_LOG_LEVEL: 'warn' };
let server: ChildProcess | undefined;
try {
  const app = await start(['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'], env, /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//);
  server = app.child;
  const credit = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'account', 'credit', 'demo', String((sequential + total) * 12 + 100)], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (credit.status !== 0) throw new Error(`account credit failed: ${credit.stderr}`);
  console.log(`dmapid serve --demo, SQLite, worker on; ${canPin ? 'server on CPU 0, load generator on CPU 1' : 'not pinned'}`);
  const figures = await measureRegistrations(app.match[1]!, { sequential, total, concurrency, prefix: '' });
  if (figures.failed > 0) process.exitCode = 1;
} finally {
  if (server) await stop(server);
  rmSync(dir, { recursive: true, force: true });
}
