/**
 * `npm run bench:scale`: the lists and counts of issue 15 on one account holding BENCH_ROWS (1M)
 * domains, results and orders (never part of `npm test`).
 *
 * The rows go in by bulk inserts (SQLite: one prepared statement in one transaction; PostgreSQL:
 * unnest of column arrays, 10,000 rows a statement). Domain labels are pseudo-random letters, so
 * `abc*` matches about one name in 17,576 and `*xyz*` about eight times as many; half the domains
 * renew automatically; the account's one top-up is its oldest order, so "last payment" must not
 * scan the others. Then `dmapid serve` answers each request BENCH_REPS (15) times one after the
 * other; p50 and p99 (the slowest, at 15) are printed beside the issue's goal of 20 ms, with the
 * query plans of the statements behind them.
 *
 * Environment: BENCH_ROWS (1000000), BENCH_REPS (15), BENCH_DATABASES (sqlite,postgres), BENCH_PGURL.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import { canPin, pinLoadGenerator, start, stop } from './spawn.ts';
import { benchDatabase, pgUrl } from './databases.ts';
import { createAccount, createApiKey } from '../src/services/accounts.ts';
import { DAY } from '../src/core/clock.ts';
import { openDatabase, type Db } from '../src/db/database.ts';
import { domainNameTrigrams, globMatch } from '../src/db/sql-helpers.ts';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const reps = Number(process.env.BENCH_REPS ?? 15);
const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const GOAL_MS = 20;

pinLoadGenerator();

/** A 10-letter label for row i, the same on every run. */
function label(i: number): string {
  let x = (i * 2_654_435_761 + 0x9e3779b9) >>> 0;
  let out = '';
  for (let k = 0; k < 10; k++) {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    out += String.fromCharCode(97 + ((x >>> 16) % 26));
  }
  return `${out}${i.toString(36)}`;
}

interface Columns {
  domains: Record<string, unknown[]>;
  results: Record<string, unknown[]>;
  orders: Record<string, unknown[]>;
}

/** The rows of one chunk [from, to), as columns. */
function chunk(accountId: number, now: number, from: number, to: number): Columns {
  const c: Columns = { domains: {}, results: {}, orders: {} };
  const push = (t: keyof Columns, row: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(row)) (c[t][k] ??= []).push(v);
  };
  for (let i = from; i < to; i++) {
    const name = `${label(i)}.com`;
    // Spread over the last 80 days: result-list's default window (90 days) holds them all.
    const at = now - Math.floor(((rows - i) / rows) * 80 * DAY);
    push('domains', { account_id: accountId, name, tld: 'com', created_at: at, expires_at: at + 365 * DAY, updated_at: at, autorenew: i % 2, locked: 0 });
    push('results', { account_id: accountId, svtrid: `b${i.toString(16).padStart(31, '0')}`, cltrid: null, request_type: 'domain-register', object_name: name, status: 'ack', content: 'ok', created_at: at, completed_at: at });
    const topUp = i === 0;
    push('orders', {
      account_id: accountId, proc_id: null, created_at: at, completed_at: at, status: 'ok', type: topUp ? 'credit-increase' : 'domain-register',
      amount_brutto: topUp ? -100_000_000 : 1_000, amount_netto: topUp ? -100_000_000 : 1_000, currency: 'USD', identifier: topUp ? 'top-up' : name, tld: topUp ? null : 'com',
    });
  }
  return c;
}

const CHUNK = 10_000;

async function fillSqlite(file: string, accountId: number, now: number): Promise<void> {
  const db = new SQLite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const inserts = new Map<string, SQLite.Statement>();
    const fill = db.transaction((c: Columns) => {
      for (const [table, cols] of Object.entries(c) as Array<[string, Record<string, unknown[]>]>) {
        const names = Object.keys(cols);
        let stmt = inserts.get(table);
        if (!stmt) inserts.set(table, (stmt = db.prepare(`insert into ${table} (${names.join(', ')}) values (${names.map(() => '?').join(', ')})`)));
        const n = cols[names[0]!]!.length;
        for (let r = 0; r < n; r++) stmt.run(names.map((k) => cols[k]![r]));
      }
    });
    for (let from = 0; from < rows; from += CHUNK) fill(chunk(accountId, now, from, Math.min(rows, from + CHUNK)));
    db.exec('analyze');
  } finally {
    db.close();
  }
}

const pgTypes: Record<string, string> = { name: 'text', tld: 'text', svtrid: 'text', cltrid: 'text', request_type: 'text', object_name: 'text', status: 'text', content: 'text', type: 'text', currency: 'text', identifier: 'text' };

async function fillPostgres(url: string, accountId: number, now: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let from = 0; from < rows; from += CHUNK) {
      const c = chunk(accountId, now, from, Math.min(rows, from + CHUNK));
      for (const [table, cols] of Object.entries(c) as Array<[string, Record<string, unknown[]>]>) {
        const names = Object.keys(cols);
        const arrays = names.map((k, i) => `$${i + 1}::${pgTypes[k] ?? 'bigint'}[]`);
        await client.query(`insert into ${table} (${names.join(', ')}) select * from unnest(${arrays.join(', ')})`, names.map((k) => cols[k]));
      }
    }
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** The statements behind the requests measured, as the code builds them, for their plans. */
function planned(db: Db, accountId: number, now: number) {
  const own = db.selectFrom('domains').where('account_id', '=', accountId).where('status', '=', 'active');
  return [
    ['last payment (query-profile)', db.selectFrom('orders').select(['created_at']).where('account_id', '=', accountId).where('type', '=', 'credit-increase').orderBy('id', 'desc').limit(sql.lit(1))],
    ['autorenew count (login)', db.selectFrom('domains').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).where('autorenew', '=', 1)],
    ['query-domain-list pattern=abc*', own.select(['name']).where(globMatch(db, 'name', 'abc*')).orderBy('name')],
    ['query-domain-list pattern=*xyz*', own.select(['name']).where(globMatch(db, 'name', '*xyz*', { trigrams: domainNameTrigrams })).orderBy('name')],
    ['result-list objid', db.selectFrom('results').select(['id']).where('account_id', '=', accountId).where('created_at', '>=', now - 90 * DAY).where(globMatch(db, 'object_name', 'abc*')).orderBy('created_at', 'desc').orderBy('id', 'desc')],
    ['query-order-list', db.selectFrom('orders').select(['id']).where('account_id', '=', accountId).where('created_at', '>=', now - 30 * DAY).where('amount_brutto', '!=', 0).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(100)],
  ] as const;
}

async function plans(db: Db, dialect: string, accountId: number, now: number): Promise<void> {
  console.log('\nplans:');
  for (const [title, q] of planned(db, accountId, now)) {
    const c = q.compile();
    const text = dialect === 'sqlite' ? `explain query plan ${c.sql}` : `explain ${c.sql}`;
    const res = await db.executeQuery<Record<string, unknown>>({ ...c, sql: text });
    const lines = res.rows.map((r) => String(r['detail'] ?? r['QUERY PLAN']));
    console.log(`  ${title}\n${lines.map((l) => `    ${l}`).join('\n')}`);
  }
}

async function bench(dialect: string): Promise<void> {
  const data = await benchDatabase(dialect, 'scale');
  let server: ChildProcess | undefined;
  try {
    const now = Date.now();
    const account = await createAccount(data.handle.db, { login: 'bench', email: 'bench@example.org', password: 'bench-secret', balance: 0 }, now);
    // Logins with the key: a password login spends its time in argon2, which is the point of it.
    const { key } = await createApiKey(data.handle.db, account.id, 'full', 'bench', now);
    const t0 = performance.now();
    if (dialect === 'sqlite') {
      await data.handle.close();
      await fillSqlite(data.url, account.id, now);
    } else {
      await fillPostgres(data.url, account.id, now);
    }
    console.log(`\n${dialect}: ${rows} domains, results and orders written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const env = { DMAPID_DATABASE: data.url, DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_WORKER: 'off', DMAPID_LOG_LEVEL: 'warn' };
    const app = await start(['--import', 'tsx', 'src/cli/main.ts', 'serve'], env, /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//);
    server = app.child;
    const base = app.match[1]!;
    const call = async (name: string, params: Record<string, string>) => {
      const t = performance.now();
      const text = await (await fetch(`${base}/request/${name}`, { method: 'POST', body: new URLSearchParams(params) })).text();
      if (!text.startsWith('Status-Code: 0\n')) throw new Error(`${name} failed:\n${text.slice(0, 2000)}`);
      return { ms: performance.now() - t, text };
    };
    const login = () => call('login', { 'api-key': key });
    const sid = /^Auth-Sid: (\S+)$/m.exec((await login()).text)![1]!;
    const s = { 'auth-sid': sid };
    const requests: Array<[string, () => Promise<{ ms: number; text: string }>]> = [
      ['login with api-key (autorenew count)', login],
      ['query-profile (last payment)', () => call('query-profile', s)],
      ['query-domain-list pattern=abc*', () => call('query-domain-list', { ...s, pattern: 'abc*' })],
      ['query-domain-list pattern=*xyz*', () => call('query-domain-list', { ...s, pattern: '*xyz*' })],
      [`query-domain-list from=${rows / 2} to=${rows / 2 + 99}`, () => call('query-domain-list', { ...s, from: String(rows / 2), to: String(rows / 2 + 99) })],
      ['result-list objid=abc*', () => call('result-list', { ...s, objid: 'abc*' })],
      ['result-list count-only', () => call('result-list', { ...s, 'count-only': '1' })],
      ['result-list limit=100', () => call('result-list', { ...s, limit: '100' })],
      ['query-order-list count-only', () => call('query-order-list', { ...s, 'count-only': '1' })],
      ['query-order-list per-page=100', () => call('query-order-list', { ...s, 'per-page': '100', page: '1' })],
    ];
    console.log(`${'request'.padEnd(42)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'lines'.padStart(7)}  goal`);
    for (const [title, run] of requests) {
      const took: number[] = [];
      let lines = 0;
      for (let i = 0; i < reps; i++) {
        const r = await run();
        took.push(r.ms);
        lines = r.text.slice(r.text.indexOf('\n\n') + 2).split('\n').filter(Boolean).length;
      }
      const p99 = pct(took, 99);
      console.log(`${title.padEnd(42)} ${pct(took, 50).toFixed(1).padStart(8)} ${p99.toFixed(1).padStart(8)} ${String(lines).padStart(7)}  p99 < ${GOAL_MS} ms ${p99 < GOAL_MS ? 'ok' : 'MISSED'}`);
    }
    await wholeList(base, s, server.pid!);
    const planner = dialect === 'sqlite' ? openDatabase(data.url) : data.handle;
    await plans(planner.db, dialect, account.id, now);
    if (planner !== data.handle) await planner.close();
  } finally {
    if (server) await stop(server);
    if (dialect !== 'sqlite') await data.handle.close();
    await data.drop();
  }
}

/** The server's resident memory now (MB), from /proc/<pid>/status. */
function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** query-domain-list of every domain, read as it streams (lines counted, not kept), the server's RSS sampled meanwhile. */
async function wholeList(base: string, s: Record<string, string>, pid: number): Promise<void> {
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 25);
  const t = performance.now();
  const res = await fetch(`${base}/request/query-domain-list`, { method: 'POST', body: new URLSearchParams(s) });
  let newlines = 0;
  let bytes = 0;
  let head = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    bytes += chunk.length;
    const text = decoder.decode(chunk, { stream: true });
    if (head.length < 4096) head += text.slice(0, 4096);
    newlines += text.split('\n').length - 1;
  }
  // The head's lines and the blank line end in newlines; the body's last line does not.
  const lines = newlines - (head.slice(0, head.indexOf('\n\n') + 2).split('\n').length - 1) + 1;
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(pid));
  const ms = performance.now() - t;
  console.log(`whole query-domain-list: ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s; server RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (goal < 250 MB ${peak < 250 ? 'ok' : 'MISSED'})`);
}

console.log(`scale: ${rows} rows of each, ${reps} runs per request; ${canPin ? 'server on CPU 0, load generator on CPU 1' : 'not pinned'} (${pgUrl.replace(/\/\/[^@]*@/, '//')})`);
for (const d of databases) await bench(d);
