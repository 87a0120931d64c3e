/**
 * `npm run bench:patterns`: pathological `*`/`?` patterns against every request that takes one,
 * on a spawned server over SQLite (a file) and over PostgreSQL (a schema of its own), never part
 * of `npm test`. A pattern matcher that backtracks freezes the whole process, so beside each
 * request's latency this measures a `version` request sent meanwhile, against `version` on the
 * idle server.
 *
 * The account (read-only key; a modify-only one for domain-set-property) holds BENCH_NAMES (300)
 * domains with 63-character labels (half with a zone), 50 more granted to it by another account,
 * as many name servers of 200+ characters, contacts, results (200-character ClTrIds) and orders.
 * Each request and pattern runs BENCH_REPS (5) times; while one runs, `version` requests go out
 * one after another and their latencies are collected.
 *
 * Environment: BENCH_NAMES, BENCH_REPS, BENCH_DATABASES (sqlite,postgres), BENCH_PGURL
 * (postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { canPin, pinLoadGenerator, start, stop } from './spawn.ts';
import { benchDatabase } from './databases.ts';
import { createAccount, createApiKey } from '../src/services/accounts.ts';
import { createDefaultZone } from '../src/zone/store.ts';

const names = Number(process.env.BENCH_NAMES ?? 300);
const reps = Number(process.env.BENCH_REPS ?? 5);
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const GRANTED = 50;

pinLoadGenerator();

const patterns: Array<[string, string]> = [
  ['28 × * then x (the report)', '*'.repeat(28) + 'x'],
  ['(*a) × 124, *z', '*a'.repeat(124) + '*z'],
  ['(*?) × 124, x', '*?'.repeat(124) + 'x'],
  ['(?*) × 125', '?*'.repeat(125)],
  ['(*a?) × 83, b', '*a?'.repeat(83) + 'b'],
  ['(*?) × 28, *-1?.com (hits)', '*?'.repeat(28) + '*-1?.com'],
];
const requests: Array<{ name: string; param: string; extra?: Record<string, string>; modify?: boolean }> = [
  { name: 'dns-zone-list', param: 'pattern' },
  { name: 'query-domain-list', param: 'pattern' },
  { name: 'domain-set-property', param: 'domain', extra: { pname: 'whois-opt-out', pvalue: '1' }, modify: true },
  { name: 'query-ns-list', param: 'pattern' },
  { name: 'query-contact-list', param: 'pattern' },
  { name: 'query-order-list', param: 'fqdn-like' },
  { name: 'result-list', param: 'objid' },
  { name: 'result-list', param: 'cltrid' },
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const f1 = (x: number) => x.toFixed(1);
const label = (i: number) => `${'a'.repeat(63 - String(i).length - 1)}-${i}`;

/** A database with the benchmark account in it; `url` is what the server's DMAPID_DATABASE says. */
async function seeded(dialect: string): Promise<{ url: string; readKey: string; modifyKey: string; drop(): Promise<void> }> {
  const { url, handle, drop } = await benchDatabase(dialect, 'patterns');
  const db = handle.db;
  const now = Date.now();
  const alice = await createAccount(db, { login: 'bench-alice', email: 'alice@example.org', password: 'bench-secret', balance: 0 }, now);
  const bob = await createAccount(db, { login: 'bench-bob', email: 'bob@example.org', password: 'bench-secret', balance: 0 }, now);
  const readKey = (await createApiKey(db, alice.id, 'read-only', 'bench', now)).key;
  const modifyKey = (await createApiKey(db, alice.id, 'modify-only', 'bench', now)).key;
  const domain = (accountId: number, i: number) => ({ account_id: accountId, name: `${label(i)}.com`, tld: 'com', created_at: now, expires_at: now + 365 * 86_400_000, updated_at: now, autorenew: 0, locked: 0 });
  const range = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k);
  const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / 100) }, (_, k) => xs.slice(k * 100, k * 100 + 100));
  const own: Array<{ id: number }> = [];
  for (const c of chunks(range(0, names))) own.push(...(await db.insertInto('domains').values(c.map((i) => domain(alice.id, i))).returning('id').execute()));
  const granted = await db.insertInto('domains').values(range(names, GRANTED).map((i) => domain(bob.id, i))).returning('id').execute();
  await db
    .insertInto('grants')
    .values(granted.map((g) => ({ domain_id: g.id, inviter_account_id: bob.id, role: '@admin' as const, email: 'alice@example.org', nickname: 'bench', invitee_account_id: alice.id, invite_key: null, state: 'active' as const, created_at: now, expires_at: null, accepted_at: now, ended_at: null })))
    .execute();
  for (const d of [...own.filter((_, i) => i % 2 === 0), ...granted]) await createDefaultZone(db, d.id, now);
  for (const c of chunks(range(0, names))) {
    await db.insertInto('hosts').values(c.map((i) => ({ account_id: alice.id, name: `ns1.${'a'.repeat(63)}.${'a'.repeat(63)}.${label(i)}.com`, created_at: now, updated_at: now }))).execute();
    await db.insertInto('contacts').values(c.map((i) => ({ account_id: alice.id, handle: `CCOM-${100000 + i}`, tld: 'com', name: 'Bench Owner', organization: '', email: 'owner@example.org', fields: '{}', created_at: now, updated_at: now }))).execute();
    await db
      .insertInto('results')
      .values(c.map((i) => ({ account_id: alice.id, svtrid: randomBytes(16).toString('hex'), cltrid: `${'a'.repeat(190)}-${i}`, request_type: 'domain-register', object_name: `${label(i)}.com`, status: 'ack' as const, content: 'ok', created_at: now, completed_at: now, deleted_at: null })))
      .execute();
    await db
      .insertInto('orders')
      .values(c.map((i) => ({ account_id: alice.id, proc_id: null, created_at: now, completed_at: now, status: 'ok' as const, type: 'domain-register', amount_brutto: 1000, amount_netto: 1000, currency: 'USD', identifier: `${label(i)}.com`, tld: 'com', refund_of: null })))
      .execute();
  }
  await handle.close();
  return { url, readKey, modifyKey, drop };
}

async function bench(dialect: string): Promise<void> {
  const data = await seeded(dialect);
  let server: ChildProcess | undefined;
  try {
    const env = { DMAPID_DATABASE: data.url, DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_WORKER: 'off', DMAPID_LOG_LEVEL: 'warn' };
    const app = await start(['--import', 'tsx', 'src/cli/main.ts', 'serve'], env, /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//);
    server = app.child;
    const base = app.match[1]!;
    const call = async (name: string, params: Record<string, string>) => {
      const t0 = performance.now();
      const text = await (await fetch(`${base}/request/${name}`, { method: 'POST', body: new URLSearchParams(params) })).text();
      return { ms: performance.now() - t0, text, code: Number(/^Status-Code: (-?\d+)$/m.exec(text)?.[1]) };
    };
    const login = async (key: string) => {
      const r = await call('login', { 'api-key': key });
      const sid = /^Auth-Sid: (\S+)$/m.exec(r.text)?.[1];
      if (!sid) throw new Error(`login failed:\n${r.text}`);
      return sid;
    };
    const readSid = await login(data.readKey);
    const modifySid = await login(data.modifyKey);
    const version = () => call('version', { 'auth-sid': readSid });

    for (let i = 0; i < 20; i++) await version();
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) idle.push((await version()).ms);
    const idleP50 = pct(idle, 50);
    console.log(`\n${dialect}: ${names} own domains (63-character labels, ${Math.ceil(names / 2)} zones), ${GRANTED} granted, ${names} hosts (${`ns1.${'a'.repeat(63)}.${'a'.repeat(63)}.${label(0)}.com`.length} characters), contacts, results, orders`);
    console.log(`idle version: p50 ${f1(idleP50)} ms, p99 ${f1(pct(idle, 99))} ms, max ${f1(Math.max(...idle))} ms (${idle.length} requests)`);
    console.log(`${'request'.padEnd(30)} ${'pattern'.padEnd(27)} ${'p50 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'code'.padStart(5)} ${'lines'.padStart(5)} │ version meanwhile: ${'n'.padStart(4)} ${'p50'.padStart(6)} ${'max'.padStart(6)}  p50/idle`);
    let failed = false;
    for (const rq of requests) {
      for (const [title, pattern] of patterns) {
        const took: number[] = [];
        const meanwhile: number[] = [];
        let lines = 0;
        let code = 0;
        for (let rep = 0; rep < reps; rep++) {
          let done = false;
          const probing = (async () => {
            while (!done) meanwhile.push((await version()).ms);
          })();
          const r = await call(rq.name, { 'auth-sid': rq.modify ? modifySid : readSid, [rq.param]: pattern, ...rq.extra });
          done = true;
          await probing;
          took.push(r.ms);
          // query-contact-list and domain-set-property answer 2303 when nothing matches.
          if (r.code !== 0 && r.code !== 2303) {
            failed = true;
            console.error(`${rq.name} ${rq.param}=${title} answered ${r.code}:\n${r.text}`);
          }
          code = r.code;
          lines = r.code === 0 ? r.text.slice(r.text.indexOf('\n\n') + 2).split('\n').filter(Boolean).length : 0;
        }
        const p50 = pct(meanwhile, 50);
        console.log(
          `${`${rq.name} ${rq.param}`.padEnd(30)} ${title.padEnd(27)} ${f1(pct(took, 50)).padStart(7)} ${f1(Math.max(...took)).padStart(7)} ${String(code).padStart(5)} ${String(lines).padStart(5)} │ ${''.padEnd(19)}${String(meanwhile.length).padStart(4)} ${f1(p50).padStart(6)} ${f1(Math.max(...meanwhile)).padStart(6)}  ${(p50 / idleP50).toFixed(2)}`,
        );
      }
    }
    if (failed) process.exitCode = 1;
  } finally {
    if (server) await stop(server);
    await data.drop();
  }
}

console.log(`pathological patterns: ${reps} runs each; ${canPin ? 'server on CPU 0, load generator on CPU 1' : 'not pinned'}`);
for (const d of databases) await bench(d);
