import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { dialectsToTest, persistentDatabase, type PersistentDatabase } from '../helpers/databases.ts';
import { startServer, stopServer, type RunningServer } from '../helpers/serve.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { parseReply } from '../../src/dmapi/reply.ts';
import { decodeMessage } from '../../src/dns/wire/message.ts';
import { loadConfig } from '../../src/config/config.ts';
import { DEMO } from '../../src/services/demo.ts';
import type { Db } from '../../src/db/database.ts';

/** Registrations queued through node A; each brings a dns-notify job whose NOTIFY takes NOTIFY_DELAY_MS. */
const REGISTRATIONS = 40;
const NOTIFY_DELAY_MS = 150;
/** Far below the 60 s lease this replaced, and far above the default lease plus the work left. */
const RECOVERY_BOUND_MS = 20_000;

/**
 * A secondary that acknowledges every NOTIFY after `delayMs`: the slow outside step that keeps a
 * worker busy with one job while the rest of its batch waits, claimed. Records the zones notified.
 */
async function slowSecondary(delayMs: number): Promise<{ port: number; zones: string[]; close(): void }> {
  const socket: Socket = createSocket('udp4');
  const zones: string[] = [];
  const answers = new Set<NodeJS.Timeout>();
  socket.on('message', (msg, peer) => {
    zones.push(decodeMessage(msg).questions[0]!.name);
    const answer = Buffer.from(msg);
    answer[2]! |= 0x80; // QR: this is the response
    const timer = setTimeout(() => {
      answers.delete(timer);
      socket.send(answer, peer.port, peer.address);
    }, delayMs);
    answers.add(timer);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const close = () => {
    for (const timer of answers) clearTimeout(timer);
    socket.close();
  };
  return { port: socket.address().port, zones, close };
}

async function call(server: RunningServer, name: string, params: Record<string, string>) {
  const res = await fetch(`${server.base}/request/${name}`, { method: 'POST', body: new URLSearchParams(params) });
  return parseReply(await res.text());
}

const workerId = (server: RunningServer) => /dmapid worker (w-\S+):/.exec(server.output())?.[1];

const count = async (db: Db, query: RawBuilder<{ n: string }>) => Number((await query.execute(db)).rows[0]!.n);

interface Outcome {
  /** Jobs node A held (status running, locked_by A) just before it was stopped. */
  heldBefore: number[];
  /** Of those, how many A itself completed after that look (the one in progress, at most two). */
  doneByA: number;
  /** Jobs node A held (status running, locked_by A) right after it went away. */
  heldByA: number[];
  /** Milliseconds from the stop until every job A held was done or failed. */
  claimsFinalMs: number;
  /** Milliseconds from the stop until every due job was final and every result ack or nack. */
  allFinalMs: number;
}

/**
 * Two `dmapid serve` nodes on one PostgreSQL schema; REGISTRATIONS domain-register requests through
 * node A; once A's worker holds a batch with jobs not yet started, `end` stops A; then node B must
 * finish everything, each job exactly once.
 */
async function twoNodes(store: PersistentDatabase, end: (a: RunningServer) => Promise<void>): Promise<Outcome> {
  const secondary = await slowSecondary(NOTIFY_DELAY_MS);
  const env = { DMAPID_DNS_NOTIFY: `127.0.0.1:${secondary.port}` };
  const handle = store.open();
  const { db } = handle;
  let a: RunningServer | undefined;
  let b: RunningServer | undefined;
  try {
    a = await startServer(store.url, env);
    b = await startServer(store.url, env);
    const idA = workerId(a);
    assert.ok(idA && idA !== workerId(b), `each node names its worker:\n${a.output()}`);

    const sid = (await call(a, 'login', { username: DEMO.login, password: DEMO.password })).get('Auth-Sid')!;
    const contact = await call(a, 'contact-create', {
      'auth-sid': sid, tld: 'com', name: 'Takeover Owner', email: 'owner@example.org', 'address-1': 'Main Street 1', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671',
    });
    assert.equal(contact.get('Status-Code'), '0');
    const contactProc = Number(contact.get('Proc-ID'));
    await waitFor(async () => (await db.selectFrom('results').select('status').where('id', '=', contactProc).executeTakeFirst())?.status === 'ack', 30_000, 20);
    const owner = (await db.selectFrom('contacts').select('handle').executeTakeFirstOrThrow()).handle;

    const tag = randomBytes(3).toString('hex');
    const names = Array.from({ length: REGISTRATIONS }, (_, i) => `takeover-${tag}-${i}.com`);
    const pending = [...names];
    const register = async () => {
      for (let name = pending.shift(); name; name = pending.shift()) {
        const r = await call(a!, 'domain-register', {
          'auth-sid': sid, domain: name, period: '12', status: 'production', 'owner-c': owner, 'admin-c': owner, 'tech-c': owner, 'billing-c': owner, 'ns-list': 'a.ns.dmapid.test:b.ns.dmapid.test',
        });
        assert.equal(r.get('Status-Code'), '0', `domain-register ${name}: ${r.get('Error')}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, register));

    // A's worker performs one NOTIFY at a time; wait until it holds a batch with jobs waiting behind.
    const claimsOfA = sql<{ n: string }>`select count(*) as n from jobs where status = 'running' and locked_by = ${idA}`;
    await waitFor(async () => (await count(db, claimsOfA)) >= 4, 30_000, 10);
    const heldOf = () => db.selectFrom('jobs').select('id').where('status', '=', 'running').where('locked_by', '=', idA).execute();
    const heldBefore = (await heldOf()).map((r) => r.id);
    const stoppedAt = performance.now();
    await end(a);
    const heldByA = (await heldOf()).map((r) => r.id);
    const doneByA = (await db.selectFrom('jobs').select('id').where('id', 'in', heldBefore).where('status', '=', 'done').where('locked_by', '=', idA).execute()).length;

    const openOf = (ids: number[]) => sql<{ n: string }>`select count(*) as n from jobs where id in (${sql.join(ids.length ? ids : [0])}) and status not in ('done', 'failed')`;
    const claimsFinalMs = performance.now() - stoppedAt + (await waitFor(async () => (await count(db, openOf(heldByA))) === 0, 60_000, 50));
    const open = () => sql<{ n: string }>`select (select count(*) from jobs where status in ('queued', 'running') and run_at <= ${Date.now()}) + (select count(*) from results where status = '?') as n`;
    await waitFor(async () => (await count(db, open())) === 0, 60_000, 50);
    const allFinalMs = performance.now() - stoppedAt;
    assert.equal(b.child.exitCode, null, 'node B is still running');

    // Exactly once: one domain and one booked order per name, the money of each taken once.
    const domains = await db.selectFrom('domains').select('name').where('name', 'in', names).execute();
    assert.deepEqual(domains.map((d) => d.name).sort(), [...names].sort());
    const orders = await db.selectFrom('orders').select(['id', 'status', 'amount_brutto']).where('identifier', 'in', names).execute();
    assert.equal(orders.length, REGISTRATIONS);
    assert.ok(orders.every((o) => o.status === 'ok'), 'every order booked');
    const commits = await db.selectFrom('ledger').select('order_id').where('kind', '=', 'commit').where('order_id', 'in', orders.map((o) => o.id)).execute();
    assert.deepEqual(commits.map((c) => c.order_id).sort(), orders.map((o) => o.id).sort(), 'one commit per order');
    const account = await db.selectFrom('accounts').select(['balance', 'reserved']).where('login', '=', DEMO.login).executeTakeFirstOrThrow();
    assert.deepEqual(account, { balance: DEMO.balance - orders.reduce((s, o) => s + o.amount_brutto, 0), reserved: 0 });
    const results = await db.selectFrom('results').select('status').execute();
    assert.deepEqual([...new Set(results.map((r) => r.status))], ['ack']);
    assert.equal(results.length, REGISTRATIONS + 1);
    // Every zone notified (at least once: a NOTIFY cut short by the stop is sent again), one job each.
    const notifies = await db.selectFrom('jobs').select(['id', 'payload', 'status', 'attempts', 'run_at', 'last_error', 'locked_by']).where('kind', '=', 'dns-notify').execute();
    assert.deepEqual(notifies.map((j) => (JSON.parse(j.payload) as { origin: string }).origin).sort(), [...names].sort());
    assert.deepEqual(notifies.filter((j) => j.status !== 'done'), [], 'every NOTIFY job done');
    assert.deepEqual([...new Set(secondary.zones)].sort(), [...names].sort());
    return { heldBefore, doneByA, heldByA, claimsFinalMs, allFinalMs };
  } finally {
    if (a) await stopServer(a);
    if (b) await stopServer(b);
    secondary.close();
    await handle.close();
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

describe('job takeover between two dmapid serve nodes [postgres]', { skip: dialectsToTest().includes('postgres') ? false : 'needs PostgreSQL: two nodes share one database (SQLite serves one node)', timeout: 240_000 }, () => {
  it('finishes every job a node held when it was killed (kill -9) within seconds, each exactly once', async (t: TestContext) => {
    const { jobLeaseMs } = loadConfig({});
    const store = await persistentDatabase('postgres');
    try {
      const o = await twoNodes(store, async (a) => {
        const exited = new Promise((resolve) => a.child.once('exit', resolve));
        a.child.kill('SIGKILL');
        await exited;
      });
      t.diagnostic(`kill -9 of node A holding ${o.heldByA.length} claimed jobs (lease ${jobLeaseMs} ms): all of them final after ${seconds(o.claimsFinalMs)} s; every job and result final after ${seconds(o.allFinalMs)} s`);
      assert.ok(o.heldByA.length >= 2, `node A held a batch at the kill (${o.heldByA.length} claims)`);
      assert.ok(o.claimsFinalMs < RECOVERY_BOUND_MS, `recovered in ${seconds(o.claimsFinalMs)} s`);
      assert.ok(o.allFinalMs < RECOVERY_BOUND_MS, `all final in ${seconds(o.allFinalMs)} s`);
    } finally {
      await store.drop();
    }
  });

  it('leaves no claim behind when a node is stopped (SIGTERM): the other takes the rest at once', async (t: TestContext) => {
    const store = await persistentDatabase('postgres');
    try {
      const o = await twoNodes(store, (a) => stopServer(a));
      t.diagnostic(`SIGTERM of node A holding ${o.heldBefore.length} claimed jobs: it completed ${o.doneByA} of them and handed the rest back; every job and result final ${seconds(o.allFinalMs)} s after the stop began`);
      assert.deepEqual(o.heldByA, [], 'A left no lease behind');
      assert.ok(o.doneByA <= 2, `A completed the job in progress, not its whole batch (${o.doneByA} of ${o.heldBefore.length})`);
    } finally {
      await store.drop();
    }
  });
});
