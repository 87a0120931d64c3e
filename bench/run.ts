/**
 * `npm run bench`: authenticated `query-profile` on the real server against a bare node:http
 * handler, in the same run (never part of `npm test`).
 *
 * Both servers run as child processes (pinned to CPU 0 when taskset and a second core exist; this
 * process, the load generator, goes to CPU 1). The app uses a fresh SQLite database with the demo
 * reseller and one logged-in session. Each target gets a warm-up and then a measured autocannon
 * run with 50 connections; req/s, p99 latency and the ratio are printed.
 *
 * Environment: BENCH_SECONDS (measured, default 5), BENCH_WARMUP (default 2), BENCH_CONNECTIONS (50),
 * BENCH_ROUNDS (1; more rounds alternate the order and report medians).
 */
import type { ChildProcess } from 'node:child_process';
import { canPin, pinLoadGenerator, postLoad, start, stop } from './spawn.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);

pinLoadGenerator();

interface Figures {
  rps: number;
  p99: number;
  p50: number;
  total: number;
  bad: number;
}

async function measure(url: string, body: string, duration: number): Promise<Figures> {
  const r = await postLoad(url, body, duration, connections);
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, total: r.requests.total, bad: r.errors + r.timeouts + r.non2xx + r.mismatches };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'dmapid-bench-'));
const children: ChildProcess[] = [];
try {
  // The load generator is one address: no per-address cap, so BENCH_CONNECTIONS may exceed it.
  const app = await start(
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'],
    { DMAPID_DATABASE: join(dir, 'bench.sqlite'), DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_LOG_LEVEL: 'warn', DMAPID_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' },
    /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//,
  );
  children.push(app.child);
  const baseline = await start(['--import', 'tsx', 'bench/baseline-server.ts'], {}, /baseline listening (\d+)/);
  children.push(baseline.child);
  const appBase = app.match[1]!;
  const baselineUrl = `http://127.0.0.1:${baseline.match[1]}/request/query-profile`;

  const login = await (await fetch(`${appBase}/request/login`, { method: 'POST', body: new URLSearchParams({ username: 'demo', password: 'demo' }) })).text();
  const sid = /^Auth-Sid: (\S+)$/m.exec(login)?.[1];
  if (!sid) throw new Error(`login failed:\n${login}`);
  const body = new URLSearchParams({ 'auth-sid': sid }).toString();
  const sample = await (await fetch(`${appBase}/request/query-profile`, { method: 'POST', body: new URLSearchParams({ 'auth-sid': sid }) })).text();
  if (!sample.startsWith('Status-Code: 0\n')) throw new Error(`query-profile failed:\n${sample}`);

  const targets = [
    { name: 'node:http baseline', url: baselineUrl },
    { name: 'dmapid query-profile', url: `${appBase}/request/query-profile` },
  ];
  const results = new Map<string, Figures[]>(targets.map((t) => [t.name, []]));
  console.log(`autocannon: ${connections} connections, ${warmup} s warm-up + ${seconds} s measured per target, ${rounds} round(s); ${canPin ? 'servers on CPU 0, load generator on CPU 1' : 'not pinned'}`);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const t of order) {
      if (warmup > 0) await measure(t.url, body, warmup);
      const f = await measure(t.url, body, seconds);
      results.get(t.name)!.push(f);
      console.log(`  round ${round + 1} ${t.name.padEnd(22)} ${Math.round(f.rps).toString().padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  (${f.total} requests, ${f.bad} bad)`);
    }
  }
  const summary = targets.map((t) => {
    const rs = results.get(t.name)!;
    return { name: t.name, rps: median(rs.map((r) => r.rps)), p99: median(rs.map((r) => r.p99)), bad: rs.reduce((n, r) => n + r.bad, 0) };
  });
  console.log('');
  console.log('target                    req/s   p99 ms   bad');
  for (const s of summary) console.log(`${s.name.padEnd(22)} ${Math.round(s.rps).toString().padStart(8)} ${String(s.p99).padStart(8)} ${String(s.bad).padStart(5)}`);
  const [base, real] = summary;
  console.log(`\nratio dmapid / node:http: ${(real!.rps / base!.rps).toFixed(3)} (req/s), p99 ${real!.p99} ms vs ${base!.p99} ms`);
  if (summary.some((s) => s.bad > 0)) process.exitCode = 1;
} finally {
  for (const c of children) await stop(c);
  rmSync(dir, { recursive: true, force: true });
}
