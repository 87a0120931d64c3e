/**
 * `npm run bench:register`: domain-register against `dmapid serve --demo` with its worker running
 * (never part of `npm test`).
 *
 * 1. Time until ack: BENCH_SEQUENTIAL (30) registrations one after the other; for each, the time
 *    to the Proc-ID reply and the time until result-retrieve says `ack` (polled every 2 ms).
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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sequential = Number(process.env.BENCH_SEQUENTIAL ?? 30);
const total = Number(process.env.BENCH_REGISTRATIONS ?? 1000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);

pinLoadGenerator();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => x.toFixed(1).padStart(7);
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

const dir = mkdtempSync(join(tmpdir(), 'dmapid-bench-register-'));
const env = { DMAPID_DATABASE: join(dir, 'bench.sqlite'), DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_LOG_LEVEL: 'warn' };
let server: ChildProcess | undefined;
try {
  const app = await start(['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'], env, /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//);
  server = app.child;
  const base = app.match[1]!;
  const call = async (name: string, params: Record<string, string>) => {
    const res = await fetch(`${base}/request/${name}`, { method: 'POST', body: new URLSearchParams(params) });
    const text = await res.text();
    const header = (h: string) => new RegExp(`^${h}: (.*)$`, 'm').exec(text.slice(0, text.indexOf('\n\n')))?.[1];
    return { text, code: Number(header('Status-Code')), header };
  };
  const credit = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'account', 'credit', 'demo', String((sequential + total) * 12 + 100)], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (credit.status !== 0) throw new Error(`account credit failed: ${credit.stderr}`);

  const login = await call('login', { username: 'demo', password: 'demo' });
  const sid = login.header('Auth-Sid');
  if (!sid) throw new Error(`login failed:\n${login.text}`);
  const until = async (procId: string): Promise<string> => {
    for (;;) {
      const r = await call('result-retrieve', { 'auth-sid': sid, 'proc-id': procId });
      const status = /^Completion-Status: (\S+)$/m.exec(r.text)?.[1];
      if (status === 'ack' || status === 'nack') return status;
      await sleep(2);
    }
  };
  const contact = await call('contact-create', { 'auth-sid': sid, tld: 'com', name: 'Bench Owner', email: 'bench@example.org', 'address-1': 'Main Street 1', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
  const cproc = contact.header('Proc-ID')!;
  if ((await until(cproc)) !== 'ack') throw new Error('contact-create failed');
  const handle = /^Object-Name: (\S+)$/m.exec((await call('result-retrieve', { 'auth-sid': sid, 'proc-id': cproc })).text)![1]!;
  const register = (name: string) =>
    call('domain-register', { 'auth-sid': sid, domain: name, period: '12', status: 'production', 'owner-c': handle, 'admin-c': handle, 'tech-c': handle, 'billing-c': handle, 'ns-list': 'a.ns.joker.com:b.ns.joker.com' });

  console.log(`dmapid serve --demo, SQLite, worker on; ${canPin ? 'server on CPU 0, load generator on CPU 1' : 'not pinned'}`);
  // 1. One at a time: accept latency and time until ack.
  const accept: number[] = [];
  const acked: number[] = [];
  for (let i = 0; i < sequential; i++) {
    const t0 = performance.now();
    const r = await register(`seq-${i}-${Date.now().toString(36)}.com`);
    if (r.code !== 0) throw new Error(`domain-register refused:\n${r.text}`);
    const t1 = performance.now();
    if ((await until(r.header('Proc-ID')!)) !== 'ack') throw new Error(`registration ${i} was not acked`);
    accept.push(t1 - t0);
    acked.push(performance.now() - t0);
  }
  console.log(`\n${sequential} sequential registrations (ms)      p50     p90     p99     max`);
  console.log(`  request → Proc-ID             ${ms(pct(accept, 50))} ${ms(pct(accept, 90))} ${ms(pct(accept, 99))} ${ms(Math.max(...accept))}`);
  console.log(`  request → result ack          ${ms(pct(acked, 50))} ${ms(pct(acked, 90))} ${ms(pct(acked, 99))} ${ms(Math.max(...acked))}`);

  // 2. A burst of distinct names with `concurrency` requests in flight.
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const s = performance.now();
        const r = await register(`burst-${i}.com`);
        latencies.push(performance.now() - s);
        if (r.code !== 0) refused++;
      }
    }),
  );
  const acceptSeconds = (performance.now() - t0) / 1000;
  let pending = Infinity;
  while (pending > 0) {
    const r = await call('result-list', { 'auth-sid': sid, status: '?', 'count-only': '1', rtype: 'domain-register' });
    pending = Number(/Records: (\d+)/.exec(r.text)?.[1] ?? NaN);
    if (pending > 0) await sleep(20);
  }
  const drainSeconds = (performance.now() - t0) / 1000;
  const ack = Number(/Records: (\d+)/.exec((await call('result-list', { 'auth-sid': sid, status: 'ack', 'count-only': '1', rtype: 'domain-register', objid: 'burst-*' })).text)?.[1]);
  console.log(`\n${total} registrations, ${concurrency} in flight`);
  console.log(`  accepted: ${(total - refused) / acceptSeconds >= 0 ? ((total - refused) / acceptSeconds).toFixed(0) : '?'} requests/s (${total - refused} in ${acceptSeconds.toFixed(2)} s, ${refused} refused); accept latency p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`);
  console.log(`  all acked ${drainSeconds.toFixed(2)} s after the first request: ${(ack / drainSeconds).toFixed(0)} registrations/s end to end (${ack} ack)`);
  if (refused > 0 || ack !== total) process.exitCode = 1;
} finally {
  if (server) await stop(server);
  rmSync(dir, { recursive: true, force: true });
}
