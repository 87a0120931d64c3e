import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsToTest, persistentDatabase } from '../helpers/databases.ts';
import { startServer, stopServer, type RunningServer } from '../helpers/serve.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { parseReply } from '../../src/dmapi/reply.ts';
import { DEMO } from '../../src/services/demo.ts';
import { recordEvent } from '../../src/services/events.ts';

const EVENTS = 40;
const SECRET = 'kill-nine-receiver-secret';

async function call(server: RunningServer, name: string, params: Record<string, string>) {
  const res = await fetch(`${server.base}/request/${name}`, { method: 'POST', body: new URLSearchParams(params) });
  return parseReply(await res.text());
}

/**
 * A `dmapid serve` whose deliveries are under way is killed with SIGKILL (no shutdown at all); a
 * new process on the same database delivers the rest: every event arrives, first arrivals in order.
 */
for (const dialect of dialectsToTest()) {
  describe(`webhook deliveries survive kill -9 [${dialect}]`, () => {
    it('delivers every event after a restart, none lost, in order', { timeout: 120_000 }, async (t) => {
      const store = await persistentDatabase(dialect);
      const rx = new WebhookReceiver(SECRET);
      rx.delayMs = 40; // a delivery is in flight most of the time
      await rx.up();
      const handle = store.open();
      let a: RunningServer | undefined;
      let b: RunningServer | undefined;
      try {
        a = await startServer(store.url);
        const sid = (await call(a, 'login', { username: DEMO.login, password: DEMO.password })).get('Auth-Sid')!;
        const made = await call(a, 'webhook-create', { 'auth-sid': sid, url: rx.url, secret: SECRET });
        assert.equal(made.get('Status-Code'), '0', made.body);
        const { db } = handle;
        const account = await db.selectFrom('accounts').select('id').where('login', '=', DEMO.login).executeTakeFirstOrThrow();
        const seqs: number[] = [];
        for (let i = 0; i < EVENTS; i++) seqs.push(await recordEvent(db, { accountId: account.id, type: 'zone.changed', object: `kill-${i}.example`, data: { i }, now: Date.now() }));
        await waitFor(async () => rx.accepted.length >= 8, 60_000, 5);
        a.child.kill('SIGKILL');
        await new Promise((r) => a!.child.once('exit', r));
        const beforeRestart = new Set(rx.accepted);
        assert.ok(beforeRestart.size < EVENTS + 1, 'killed while deliveries were still pending');
        const pendingAtKill = await db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').execute();
        assert.ok(pendingAtKill.length > 0);

        b = await startServer(store.url);
        const all = EVENTS + 1; // and the result of webhook-create itself
        await waitFor(async () => new Set(rx.accepted).size >= all, 60_000, 20);
        const firsts = [...new Set(rx.accepted)];
        assert.deepEqual(firsts.slice(-EVENTS), seqs, 'each event arrived, and the first arrivals are in order');
        assert.deepEqual(firsts, [...firsts].sort((x, y) => x - y));
        assert.ok(rx.received.every((r) => r.verified));
        t.diagnostic(`${beforeRestart.size} delivered before the kill, ${pendingAtKill.length} pending; ${rx.received.length - firsts.length} sent twice (at least once)`);
        await waitFor(async () => (await db.selectFrom('webhook_deliveries').select('id').where('status', '<>', 'delivered').execute()).length === 0, 30_000, 20);
      } finally {
        if (a) await stopServer(a);
        if (b) await stopServer(b);
        await rx.down();
        await handle.close();
        await store.drop();
      }
    });
  });
}
