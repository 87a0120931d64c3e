/**
 * DNS benchmark: `npm run bench:dns`.
 *
 * 1. UDP query load against the server answering from memory (codec + answer rules alone).
 * 2. The same load against the server as `dmapid serve` runs it: zones in the database
 *    (SQLite file, or PostgreSQL with BENCH_DIALECT=postgres), the serial checked per query.
 * 3. The anchors: NSD and Knot (Debian) as secondaries of the same zones, one UDP worker each,
 *    pinned to the server's CPU, the same mix; dmapid's q/s as a ratio of each (goal ≥ 0.5 of NSD).
 * 4. dnsperf against (2), when Debian's dnsperf is installed.
 * 5. put-to-secondary latency: dns-zone-put → worker → NOTIFY → Knot transfers → Knot answers,
 *    when knotd is installed.
 *
 * Environment: BENCH_SECONDS (10), BENCH_CONCURRENCY (64 queries in flight), BENCH_DIALECT
 * (sqlite), BENCH_PUTS (20), BENCH_PUT_GAP_MS (1100: Knot refreshes a zone at most once per
 * wall-clock second, so a NOTIFY within the second of the previous transfer waits for the next).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { openDatabase, type DbHandle, type Dialect } from '../src/db/database.ts';
import { buildQuery, query } from '../src/dns/client.ts';
import { MemoryZoneSource } from '../src/dns/memory-zone-source.ts';
import { DnsServer } from '../src/dns/server/server.ts';
import { exampleZone } from '../src/dns/server/test-zone.ts';
import { RFC9276 } from '../src/dns/dnssec/nsec3.ts';
import { signZone } from '../src/dns/dnssec/sign.ts';
import { testKeys } from '../src/dns/dnssec/test-keys.ts';
import { TYPE } from '../src/dns/wire/types.ts';
import { parseReply } from '../src/dmapi/reply.ts';
import { createLogger } from '../src/obs/logger.ts';
import { createAccount, createApiKey } from '../src/services/accounts.ts';
import { freshDatabase } from '../test/helpers/databases.ts';
import type { TestApp } from '../test/helpers/harness.ts';
import { addDomain } from '../test/helpers/zones.ts';
import { findTool, freePort, runTool, startKnot, startNsd, waitFor } from '../test/interop/dns-tools.ts';
import { pinTree } from './spawn.ts';
import type { LoadInput, LoadResult } from './dns-load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const dialect = (process.env.BENCH_DIALECT ?? 'sqlite') as Dialect;
const puts = Number(process.env.BENCH_PUTS ?? 20);
const putGap = Number(process.env.BENCH_PUT_GAP_MS ?? 1100);
const ZONE = 'bench-zone.com';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function mix(origin: string): Array<[string, number]> {
  return [
    [origin, TYPE.A],
    [origin, TYPE.AAAA],
    [origin, TYPE.MX],
    [`www.${origin}`, TYPE.A],
    [`txt.${origin}`, TYPE.TXT],
    [`_sip._tcp.${origin}`, TYPE.SRV],
    [`nope.${origin}`, TYPE.A],
    [`mail.${origin}`, TYPE.TXT],
  ];
}

/** Runs the query mix against `port` from a forked load generator (pinned to CPU 1); returns queries per second. */
async function load(label: string, port: number, origin: string, dnssecOk = false): Promise<number> {
  const queries = mix(origin).map(([n, t]) => Buffer.from(buildQuery(n, t, { id: 0, dnssecOk })).toString('base64'));
  // Warm the cache and check that every query is answered.
  for (const [n, t] of mix(origin)) await query({ host: '127.0.0.1', port }, n, t, { dnssecOk });
  const result = await new Promise<LoadResult>((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./dns-load.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
    pinTree(child.pid!, 1);
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send({ port, seconds, concurrency, queries } satisfies LoadInput);
  });
  const r = result;
  console.log(
    `${label.padEnd(34)} ${(r.answered / r.seconds).toFixed(0).padStart(7)} q/s   p50 ${r.p50.toFixed(2)} ms  p90 ${r.p90.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  max ${r.max.toFixed(1)} ms  lost ${r.lost}`,
  );
  return r.answered / r.seconds;
}

async function openBenchDatabase(): Promise<DbHandle & { drop(): Promise<void> }> {
  if (dialect === 'postgres') return freshDatabase('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'dmapid-bench-'));
  const h = openDatabase(join(dir, 'bench.sqlite'));
  return { ...h, drop: async () => { await h.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function dmapi(app: App, name: string, params: Record<string, string>) {
  const res = await app.http.inject({ method: 'POST', url: `/request/${name}`, payload: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: '127.0.0.1' });
  const r = parseReply(res.body);
  if (r.get('Status-Code') !== '0') throw new Error(`${name} failed:\n${res.body}`);
  return r;
}

const zoneText = (extra: string) =>
  [
    '$dnssec=no',
    '$dyndns=no::',
    '@ A 0 192.0.2.1 3600',
    '@ AAAA 0 2001:db8::1 3600',
    `@ MX 10 mail.${ZONE}. 3600`,
    'mail A 0 192.0.2.25 3600',
    `www CNAME 0 ${ZONE}. 3600`,
    'txt TXT 0 "v=spf1 -all" 3600',
    `_sip._tcp SRV 10/60 sip.${ZONE}:5060 3600`,
    'sip A 0 192.0.2.60 3600',
    extra,
  ].join('\n');

async function main(): Promise<void> {
  const log = createLogger('silent');
  // The servers (dmapid in this process, NSD, Knot) on CPU 0, the load generators on CPU 1.
  pinTree(process.pid, 0);
  console.log(`# DNS benchmark: ${seconds} s per run, ${concurrency} queries in flight, UDP on 127.0.0.1, mix of ${mix(ZONE).length} questions`);

  // 1. In memory.
  const memory = new MemoryZoneSource();
  memory.put(exampleZone());
  // A signed zone (NSEC3, ECDSA), asked with DO: RRSIGs in every answer, proofs in the negative ones.
  memory.put(signZone(exampleZone('signed.test'), { keys: testKeys(), inception: 0, expiration: 0xffffffff, denial: 'nsec3', nsec3: RFC9276, dnskeyTtl: 3600 }));
  const memServer = new DnsServer({ source: memory, hosts: ['127.0.0.1'], port: 0, log });
  await memServer.listen();
  const qps: Record<string, number> = {};
  qps.memory = await load('in-memory zone source', memServer.port, 'example.test');
  qps.memorySigned = await load('in-memory, signed zone, DO', memServer.port, 'signed.test', true);
  await memServer.close();

  // 2. The server as serve runs it, on the database.
  const knotd = findTool('knotd');
  const knotPort = knotd ? await freePort() : 0;
  const handle = await openBenchDatabase();
  const config = loadConfig({}, { logLevel: 'silent', dnsHost: ['127.0.0.1'], dnsPort: 0, dnsNotify: knotd ? [{ host: '127.0.0.1', port: knotPort }] : [] });
  const app = await createApp({ config, handle, log });
  try {
    const now = app.deps.clock.now();
    const account = await createAccount(app.deps.db, { login: 'bench', email: 'bench@example.com', password: 'bench-pw-1', balance: 0 }, now);
    const { key } = await createApiKey(app.deps.db, account.id, 'full', 'bench', now);
    const sid = (await dmapi(app, 'login', { 'api-key': key })).get('Auth-Sid')!;
    await addDomain({ app, clock: app.deps.clock } as unknown as TestApp, account.id, ZONE);
    await dmapi(app, 'dns-zone-put', { 'auth-sid': sid, domain: ZONE, zone: zoneText('') });
    await addDomain({ app, clock: app.deps.clock } as unknown as TestApp, account.id, `signed-${ZONE}`);
    await dmapi(app, 'dns-zone-put', { 'auth-sid': sid, domain: `signed-${ZONE}`, zone: zoneText('').replace('$dnssec=no', '$dnssec=yes').replaceAll(ZONE, `signed-${ZONE}`) });
    await app.dns!.listen();
    qps.database = await load(`database zone source (${handle.dialect})`, app.dns!.port, ZONE);
    qps.databaseSigned = await load(`database, signed zone, DO (${handle.dialect})`, app.dns!.port, `signed-${ZONE}`, true);

    // The anchors: NSD and Knot as secondaries of the same two zones (the signed one as dmapid
    // signed it), one UDP worker each, pinned to the same CPU, asked the same mix.
    await anchors(app.dns!.port, qps);

    // 4. dnsperf, the C load generator, against the same server.
    if (findTool('dnsperf')) {
      const dir = mkdtempSync(join(tmpdir(), 'dmapid-dnsperf-'));
      const file = join(dir, 'queries.txt');
      writeFileSync(file, mix(ZONE).map(([n, t]) => `${n} ${Object.entries(TYPE).find(([, c]) => c === t)![0]}`).join('\n') + '\n');
      const out = await runTool('dnsperf', ['-s', '127.0.0.1', '-p', String(app.dns!.port), '-d', file, '-l', String(seconds), '-c', '4', '-q', String(concurrency)]);
      rmSync(dir, { recursive: true, force: true });
      const qps = /Queries per second:\s+([\d.]+)/.exec(out)?.[1];
      const avg = /Average Latency \(s\):\s+([\d.]+) \(min ([\d.]+), max ([\d.]+)\)/.exec(out);
      const lost = /Queries lost:\s+(\d+)/.exec(out)?.[1];
      console.log(`${`dnsperf, database (${handle.dialect})`.padEnd(34)} ${Number(qps).toFixed(0).padStart(7)} q/s   avg ${(Number(avg?.[1]) * 1000).toFixed(2)} ms  max ${(Number(avg?.[3]) * 1000).toFixed(1)} ms  lost ${lost}`);
    } else {
      console.log('dnsperf not installed (apt-get install dnsperf): skipped');
    }

    // 5. Put to secondary.
    if (knotd) {
      const knot = await startKnot(app.dns!.port, [ZONE], knotPort);
      try {
        const at = { host: '127.0.0.1', port: knot.port };
        // The real wake-up path: the dispatcher wakes the worker after the commit. Started before
        // the first put so its first round (periodic tasks) is not timed.
        app.worker.start();
        await waitFor(async () => (await query(at, ZONE, TYPE.SOA)).answers.length === 1);
        const times: number[] = [];
        for (let i = 0; i < puts; i++) {
          await new Promise((r) => setTimeout(r, putGap));
          await dmapi(app, 'dns-zone-put', { 'auth-sid': sid, domain: ZONE, zone: zoneText(`put${i} A 0 192.0.2.${(i % 250) + 1} 300`) });
          const start = performance.now();
          await waitFor(async () => (await query(at, `put${i}.${ZONE}`, TYPE.A)).answers.length === 1, 15_000, 1);
          times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        console.log(`${'put → Knot answers'.padEnd(34)} ${String(puts).padStart(7)} puts  p50 ${pct(times, 50).toFixed(1)} ms  p90 ${pct(times, 90).toFixed(1)} ms  max ${times.at(-1)!.toFixed(1)} ms  (from the put's answer; ${putGap} ms between puts)`);
      } finally {
        await knot.stop();
      }
    } else {
      console.log('knotd not installed (apt-get install knot): put-to-secondary latency skipped');
    }
  } finally {
    await app.close();
    await handle.drop();
  }
}

/** NSD's and Knot's queries per second on the same zones, and dmapid's as a ratio of each (goal: ≥ 0.5 of NSD). */
async function anchors(primaryPort: number, qps: Record<string, number>): Promise<void> {
  const zones = [ZONE, `signed-${ZONE}`];
  const servers: Array<[string, () => Promise<{ port: number; pid: number; stop(): Promise<void> }>]> = [];
  if (findTool('nsd')) servers.push(['NSD', () => startNsd(primaryPort, zones, { unlimited: true })]);
  if (findTool('knotd')) servers.push(['Knot', () => startKnot(primaryPort, zones)]);
  if (!servers.length) return void console.log('nsd and knotd not installed (apt-get install nsd knot): anchors skipped');
  for (const [name, start] of servers) {
    const s = await start();
    try {
      pinTree(s.pid, 0);
      const at = { host: '127.0.0.1', port: s.port };
      await waitFor(async () => (await query(at, `signed-${ZONE}`, TYPE.SOA)).answers.length === 1);
      const plain = await load(`${name} (secondary, same zone)`, s.port, ZONE);
      const signed = await load(`${name}, signed zone, DO`, s.port, `signed-${ZONE}`, true);
      const ratio = (x: number | undefined, of: number) => (x === undefined ? '-' : (x / of).toFixed(2));
      console.log(
        `  dmapid ÷ ${name}: in memory ${ratio(qps.memory, plain)}, signed ${ratio(qps.memorySigned, signed)}; from the database ${ratio(qps.database, plain)}, signed ${ratio(qps.databaseSigned, signed)}` +
          (name === 'NSD' ? `  (goal ≥ 0.50: ${[qps.memory! / plain, qps.database! / plain, qps.databaseSigned! / signed].every((r) => r >= 0.5) ? 'ok' : 'MISSED'})` : ''),
      );
    } finally {
      await s.stop();
    }
  }
}

await main();
