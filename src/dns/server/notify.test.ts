import { it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { forEachDatabase, type TestApp } from '../../../test/helpers/harness.ts';
import { enqueue } from '../../jobs/queue.ts';
import { decodeMessage, MessageBuilder } from '../wire/message.ts';
import { OPCODE, RCODE, TYPE, type Message } from '../wire/types.ts';
import { NOTIFY_JOB, NOTIFY_MAX_ATTEMPTS, type NotifyPayload } from './notify.ts';

/** A secondary stand-in: records every NOTIFY and answers it (or not) as told. */
async function fakeSecondary() {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  socket.unref();
  const state = { mode: 'answer' as 'answer' | 'silent' | 'refuse', received: [] as Message[], onReceive: undefined as (() => void) | undefined };
  socket.on('message', (msg, rinfo) => {
    const m = decodeMessage(msg);
    state.received.push(m);
    state.onReceive?.();
    if (state.mode === 'silent') return;
    const b = new MessageBuilder({ id: m.id, qr: true, opcode: m.opcode, aa: true, tc: false, rd: false, ra: false, ad: false, cd: false, rcode: state.mode === 'refuse' ? RCODE.REFUSED : RCODE.NOERROR });
    b.question(m.questions[0]!);
    socket.send(b.finish(), rinfo.port, rinfo.address);
  });
  return { port: (socket.address() as { port: number }).port, state };
}

const first = await fakeSecondary();
const second = await fakeSecondary();
const targets = [{ host: '127.0.0.1', port: first.port }, { host: '127.0.0.1', port: second.port }];

async function notifyJobs(t: TestApp) {
  const rows = await t.app.deps.db.selectFrom('jobs').selectAll().where('kind', '=', NOTIFY_JOB).orderBy('id').execute();
  return rows.map((r) => ({ status: r.status, run_at: r.run_at, payload: JSON.parse(r.payload) as NotifyPayload }));
}

forEachDatabase(
  'dns-notify job',
  (t) => {
    it('sends NOTIFY (opcode 4, AA, the zone SOA as question) to every configured secondary', async () => {
      first.state.mode = second.state.mode = 'answer';
      first.state.received = [];
      second.state.received = [];
      const { app, clock } = t();
      await enqueue(app.deps.db, clock.now(), NOTIFY_JOB, { origin: 'example.test', serial: 2026011502 } satisfies NotifyPayload);
      assert.equal(await t().work(), 1);
      for (const s of [first, second]) {
        assert.equal(s.state.received.length, 1);
        const m = s.state.received[0]!;
        assert.equal(m.opcode, OPCODE.NOTIFY);
        assert.ok(m.aa && !m.qr);
        assert.deepEqual(m.questions, [{ name: 'example.test', type: TYPE.SOA, class: 1 }]);
      }
      const jobs = await notifyJobs(t());
      assert.deepEqual(jobs.map((j) => j.status), ['done']);
    });

    it('retries the secondaries that did not answer, later, in a job of their own, until they do', async () => {
      const { app, clock } = t();
      await app.deps.db.deleteFrom('jobs').execute();
      first.state.mode = 'answer';
      second.state.mode = 'silent';
      first.state.received = [];
      second.state.received = [];
      await enqueue(app.deps.db, clock.now(), NOTIFY_JOB, { origin: 'example.test', serial: 7 } satisfies NotifyPayload);
      const sent = new Promise<void>((resolve) => (second.state.onReceive = resolve));
      const working = t().work();
      // While the job waits for the silent secondary it holds no transaction: the database
      // (on SQLite: its only connection) answers others at once.
      await sent;
      second.state.onReceive = undefined;
      const start = performance.now();
      await app.deps.db.selectFrom('jobs').select('id').execute();
      assert.ok(performance.now() - start < 150, `the database waited ${performance.now() - start} ms`);
      assert.equal(await working, 1);
      assert.equal(first.state.received.length, 1);
      // The silent one got the first send and two resends within the attempt.
      assert.equal(second.state.received.length, 3);
      let jobs = await notifyJobs(t());
      assert.equal(jobs.length, 2);
      assert.deepEqual(jobs[1], { status: 'queued', run_at: clock.now() + 5_000, payload: { origin: 'example.test', serial: 7, targets: [targets[1]], attempt: 2 } });
      // Not due before its time.
      clock.advance(4_000);
      assert.equal(await t().work(), 0);
      second.state.mode = 'answer';
      clock.advance(1_000);
      assert.equal(await t().work(), 1);
      assert.equal(first.state.received.length, 1, 'the acknowledged secondary is not notified again');
      assert.equal(second.state.received.length, 4);
      jobs = await notifyJobs(t());
      assert.deepEqual(jobs.map((j) => j.status), ['done', 'done']);
    });

    it('does not resend to a secondary that answered with an error (it will not change its mind)', async () => {
      const { app, clock } = t();
      await app.deps.db.deleteFrom('jobs').execute();
      first.state.mode = 'refuse';
      second.state.mode = 'answer';
      await enqueue(app.deps.db, clock.now(), NOTIFY_JOB, { origin: 'example.test', serial: 8 } satisfies NotifyPayload);
      await t().work();
      assert.deepEqual((await notifyJobs(t())).map((j) => j.status), ['done']);
    });

    it(`gives up after ${NOTIFY_MAX_ATTEMPTS} attempts`, async () => {
      const { app, clock } = t();
      await app.deps.db.deleteFrom('jobs').execute();
      second.state.mode = 'silent';
      await enqueue(app.deps.db, clock.now(), NOTIFY_JOB, { origin: 'example.test', serial: 9, targets: [targets[1]!], attempt: NOTIFY_MAX_ATTEMPTS } satisfies NotifyPayload);
      await t().work();
      assert.deepEqual((await notifyJobs(t())).map((j) => j.status), ['done']);
    });
  },
  { dnsNotify: targets },
);

forEachDatabase('dns-notify job without secondaries', (t) => {
  it('does nothing when DMAPID_DNS_NOTIFY is empty', async () => {
    const { app, clock } = t();
    first.state.received = [];
    await enqueue(app.deps.db, clock.now(), NOTIFY_JOB, { origin: 'example.test', serial: 1 } satisfies NotifyPayload);
    assert.equal(await t().work(), 1);
    assert.equal(first.state.received.length, 0);
    assert.deepEqual((await notifyJobs(t())).map((j) => j.status), ['done']);
  });
});
