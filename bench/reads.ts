/**
 * `npm run bench:reads`: the read paths of issue 15 against their floors, in one run (never part
 * of `npm test`).
 *
 * Floors: a bare node:http handler (baseline-server.ts) and a fastify route answering a constant
 * (fastify-constant-server.ts). Then, on SQLite and on PostgreSQL, `dmapid serve` (worker off) with
 * one account holding BENCH_DOMAINS (100) domains, one of them with a zone of 50 records:
 * query-profile with a session and with a bare api-key, dns-zone-get of that zone, and
 * query-domain-list of all domains. Each target gets a warm-up and a measured autocannon run; the
 * server's CPU time is read from /proc/<pid>/stat around the measured window and divided by the
 * requests answered. Every answer must be a DMAPI success. The goal is printed beside
 * each figure, with `ok` or `MISSED`.
 *
 * Environment: BENCH_SECONDS (5), BENCH_WARMUP (2), BENCH_CONNECTIONS (50), BENCH_DOMAINS (100),
 * BENCH_DATABASES (sqlite,postgres), BENCH_PGURL, BENCH_WORKER (off), BENCH_ONLY (a substring of
 * the targets to run), BENCH_PROFILE (a folder: the server runs with --cpu-prof and writes its
 * profile there when it stops; bench/profile-summary.ts reads it).
 */
import type { ChildProcess } from 'node:child_process';
import { canPin, cpuSeconds, pinLoadGenerator, postLoad, start, stop } from './spawn.ts';
import { benchDatabase } from './databases.ts';
import { READ_DOMAINS, seedReads, ZONE_RECORDS } from './reads-data.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const worker = process.env.BENCH_WORKER ?? 'off';
const only = process.env.BENCH_ONLY;
const profile = process.env.BENCH_PROFILE;

pinLoadGenerator();

interface Figures {
  rps: number;
  p99: number;
  cpuUs: number;
  bad: number;
}

/** Warm-up, then a measured run with the server's CPU time read around it. */
async function measure(pid: number, url: string, body: string): Promise<Figures> {
  const run = (duration: number) => postLoad(url, body, duration, connections);
  if (warmup > 0) await run(warmup);
  const cpu0 = cpuSeconds(pid);
  const r = await run(seconds);
  const cpu = cpuSeconds(pid) - cpu0;
  return { rps: r.requests.average, p99: r.latency.p99, cpuUs: (cpu / Math.max(1, r.requests.total)) * 1e6, bad: r.errors + r.timeouts + r.non2xx + r.mismatches };
}

interface Goal {
  cpuUs?: number;
  vsBaseline?: number;
  vsFastify?: number;
  /** p99 at most this many times the node:http baseline's. */
  p99Times?: number;
}

const rows: Array<{ db: string; name: string; f: Figures; goal: Goal }> = [];
let baseline: Figures | undefined;
let fastify: Figures | undefined;

function print(db: string, name: string, f: Figures, goal: Goal): void {
  rows.push({ db, name, f, goal });
  const checks: string[] = [];
  const check = (label: string, ok: boolean) => checks.push(`${label} ${ok ? 'ok' : 'MISSED'}`);
  if (goal.cpuUs !== undefined) check(`≤ ${goal.cpuUs} µs`, f.cpuUs <= goal.cpuUs);
  if (goal.vsBaseline !== undefined && baseline) check(`≥ ${goal.vsBaseline} × node:http`, f.rps / baseline.rps >= goal.vsBaseline);
  if (goal.vsFastify !== undefined && fastify) check(`≥ ${goal.vsFastify} × fastify`, f.rps / fastify.rps >= goal.vsFastify);
  if (goal.p99Times !== undefined && baseline) check(`p99 ≤ ${goal.p99Times} × baseline`, f.p99 <= goal.p99Times * Math.max(1, baseline.p99));
  const ratio = baseline ? (f.rps / baseline.rps).toFixed(3) : '1.000';
  console.log(
    `${db.padEnd(8)} ${name.padEnd(28)} ${Math.round(f.rps).toString().padStart(7)} ${ratio.padStart(7)} ${f.cpuUs.toFixed(1).padStart(8)} ${String(f.p99).padStart(6)} ${String(f.bad).padStart(4)}  ${checks.join(', ')}`,
  );
}

const header = () => console.log(`${'database'.padEnd(8)} ${'target'.padEnd(28)} ${'req/s'.padStart(7)} ${'×http'.padStart(7)} ${'µs CPU'.padStart(8)} ${'p99ms'.padStart(6)} ${'bad'.padStart(4)}  goal`);

/** Serves a fresh database, seeds it (reads-data.ts) and measures the four read targets. */
async function benchDatabaseReads(dialect: string): Promise<void> {
  const data = await benchDatabase(dialect, 'reads');
  let server: ChildProcess | undefined;
  try {
    const env = { DMAPID_DATABASE: data.url, DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_WORKER: worker, DMAPID_LOG_LEVEL: 'warn', DMAPID_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' };
    const prof = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/${dialect}`] : [];
    const app = await start([...prof, '--import', 'tsx', 'src/cli/main.ts', 'serve'], env, /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//);
    server = app.child;
    const base = app.match[1]!;
    // Seeded through this process's connection while the server runs (it found the schema migrated).
    const { sid, key, zoneDomain } = await seedReads(data.handle.db, async (name, params) => (await fetch(`${base}/request/${name}`, { method: 'POST', body: new URLSearchParams(params) })).text());
    await data.handle.close();

    const form = (p: Record<string, string>) => new URLSearchParams(p).toString();
    const pid = server.pid!;
    const read = { p99Times: 3 };
    const targets: Array<[string, string, string, Goal]> = [
      ['query-profile (session)', 'query-profile', form({ 'auth-sid': sid }), { cpuUs: 40, vsBaseline: 0.25, vsFastify: 0.4, ...read }],
      ['query-profile (api-key)', 'query-profile', form({ 'api-key': key }), { cpuUs: 40, vsBaseline: 0.25, vsFastify: 0.4, ...read }],
      [`dns-zone-get (${ZONE_RECORDS} records)`, 'dns-zone-get', form({ 'auth-sid': sid, domain: zoneDomain }), { cpuUs: 60, ...read }],
      [`query-domain-list (${READ_DOMAINS})`, 'query-domain-list', form({ 'auth-sid': sid }), { cpuUs: 60, ...read }],
    ];
    for (const [title, request, body, goal] of targets) if (!only || title.includes(only)) print(dialect, title, await measure(pid, `${base}/request/${request}`, body), goal);
  } finally {
    if (server) await stop(server);
    await data.drop();
  }
}

console.log(`autocannon: ${connections} connections, ${warmup} s warm-up + ${seconds} s measured per target; worker ${worker}; ${canPin ? 'servers on CPU 0, load generator on CPU 1' : 'not pinned'}`);
const floors: ChildProcess[] = [];
try {
  const http = await start(['--import', 'tsx', 'bench/baseline-server.ts'], {}, /baseline listening (\d+)/);
  floors.push(http.child);
  const fst = await start(['--import', 'tsx', 'bench/fastify-constant-server.ts'], {}, /fastify constant listening (\d+)/);
  floors.push(fst.child);
  header();
  if (only) console.log(`(only targets with '${only}'; the floors are measured all the same)`);
  baseline = await measure(http.child.pid!, `http://127.0.0.1:${http.match[1]}/request/query-profile`, 'auth-sid=x');
  print('-', 'node:http baseline', baseline, {});
  fastify = await measure(fst.child.pid!, `http://127.0.0.1:${fst.match[1]}/request/query-profile`, 'auth-sid=x');
  print('-', 'fastify constant route', fastify, { vsBaseline: 0.61 });
} finally {
  for (const c of floors) await stop(c);
}
for (const d of databases) await benchDatabaseReads(d);
if (rows.some((r) => r.f.bad > 0)) process.exitCode = 1;
