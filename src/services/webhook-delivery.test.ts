import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { drainJobs, WebhookReceiver } from '../../test/helpers/webhook-receiver.ts';
import { domainReseller, registered } from '../../test/helpers/domain-fixtures.ts';
import { recordEvent } from './events.ts';
import { signatureFor, verifySignature } from './webhook-signature.ts';
import { DELIVERY_ATTEMPTS } from './webhook-queue.ts';

const SECRET = 'unreliable-receiver-secret';

forEachDatabase('webhook delivery', (t) => {
  const hook = async (sid: string, url: string) => {
    const r = await t().call('webhook-create', { 'auth-sid': sid, url, secret: SECRET });
    assert.equal(r.code, 0, r.raw);
    return Number(/^webhook-id: (\d+)$/m.exec(r.body)![1]);
  };

  it('gets every event to a receiver that fails sometimes and goes down for a while: at least once, in order', async () => {
    const r = await t().reseller('wh-flaky');
    const rx = new WebhookReceiver(SECRET);
    await rx.up();
    try {
      await hook(r.sid, rx.url);
      await drainJobs(t());
      const base = rx.accepted.at(-1)!;
      // Every third POST fails with a 500.
      rx.answer = (n) => (n % 3 === 2 ? 500 : 200);
      const { db } = t().app.deps;
      const write = async (n: number) => {
        for (let i = 0; i < n; i++) await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: `z.example`, data: { i }, now: t().clock.now() });
      };
      await write(6);
      await t().work(); // some go through, one fails and backs off; the ones behind it wait
      await rx.down();
      await write(6);
      // Down for two hours of test time: attempts fail with refused connections, backing off.
      for (let i = 0; i < 6; i++) {
        await t().work();
        t().clock.advance(20 * 60_000);
      }
      await rx.up();
      const moved = await drainJobs(t());
      const want = Array.from({ length: 12 }, (_, i) => base + i + 1);
      assert.deepEqual([...new Set(rx.accepted)].filter((s) => s > base), want, 'every event arrived');
      const order = rx.received.map((x) => x.seq);
      assert.deepEqual(order, [...order].sort((x, y) => x - y), 'no event was sent before an earlier one was taken');
      assert.ok(rx.received.every((x) => x.verified), 'every delivery carried a valid signature');
      assert.ok(rx.received.some((x) => x.answered === 500));
      assert.ok(moved < 10 * 60_000, 'once it is back the waiting deliveries go within minutes');
      const failed = await db.selectFrom('webhook_attempts').select('error').where('error', '=', 'ECONNREFUSED').execute();
      assert.ok(failed.length >= 1, 'the refused connections are in the log');
      const pending = await db.selectFrom('webhook_deliveries').select('id').where('status', '<>', 'delivered').where('account_id', '=', r.account.id).execute();
      assert.deepEqual(pending, []);
    } finally {
      await rx.down();
    }
  });

  it('keeps each endpoint in order on its own: a receiver that is down never holds up another', async () => {
    const r = await t().reseller('wh-two');
    const good = new WebhookReceiver(SECRET);
    const bad = new WebhookReceiver(SECRET);
    await good.up();
    await bad.up();
    try {
      await hook(r.sid, good.url);
      const badId = await hook(r.sid, bad.url);
      bad.answer = () => 503;
      for (let i = 0; i < 3; i++) await recordEvent(t().app.deps.db, { accountId: r.account.id, type: 'zone.changed', object: 'z.example', now: t().clock.now() });
      await t().work();
      assert.ok(good.accepted.length >= 4, `the good endpoint got its events at once: ${good.accepted}`);
      assert.equal(new Set(bad.received.map((x) => x.seq)).size, 1, 'the failing endpoint is retried on its first event only');
      // Left alone, the failing endpoint's deliveries would hold the later tests' clock for hours.
      await t().call('webhook-delete', { 'auth-sid': r.sid, id: badId });
    } finally {
      await good.down();
      await bad.down();
    }
  });

  it('gives up on a delivery after its last attempt and goes on with the next; redelivery sends it later', async () => {
    const r = await t().reseller('wh-giveup');
    const rx = new WebhookReceiver(SECRET);
    await rx.up();
    try {
      await hook(r.sid, rx.url);
      await drainJobs(t());
      const { db } = t().app.deps;
      const doomed = await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: 'doomed.example', now: t().clock.now() });
      const next = await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: 'next.example', now: t().clock.now() });
      rx.answer = (_n, e) => (e['seq'] === doomed ? 500 : 200);
      const moved = await drainJobs(t());
      assert.equal(rx.received.filter((x) => x.seq === doomed).length, DELIVERY_ATTEMPTS);
      assert.ok(moved > 9 * 3_600_000 && moved < 12 * 3_600_000, `retried for about ten hours (${moved / 3_600_000} h)`);
      assert.ok(rx.accepted.includes(next), 'the next event went once the first was given up');
      const row = await db.selectFrom('webhook_deliveries as d').innerJoin('events as e', 'e.id', 'd.event_id').select(['d.status', 'd.attempts']).where('e.seq', '=', doomed).where('e.account_id', '=', r.account.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'failed', attempts: DELIVERY_ATTEMPTS });
      rx.answer = () => 200;
      const sid = await r.session('full'); // ten hours on, the first session has timed out
      assert.equal((await t().call('webhook-redeliver', { 'auth-sid': sid, seq: doomed })).code, 0);
      await drainJobs(t());
      assert.equal(rx.accepted.filter((s) => s === doomed).length, 1);
    } finally {
      await rx.down();
    }
  });

  it('delivers what a DMAPI flow writes: a registration reaches the receiver as its events', async () => {
    const r = await domainReseller(t(), 'wh-flow');
    const rx = new WebhookReceiver(SECRET);
    await rx.up();
    try {
      await hook(r.sid, rx.url);
      await registered(t(), r, 'hooked-domain.com');
      await drainJobs(t());
      const types = rx.received.map((x) => JSON.parse(x.body) as { type: string; object: string });
      assert.ok(types.some((e) => e.type === 'domain.registered' && e.object === 'hooked-domain.com'), JSON.stringify(types));
      assert.ok(types.some((e) => e.type === 'result.completed' && e.object === 'hooked-domain.com'));
    } finally {
      await rx.down();
    }
  });
});

it('signatures: the HMAC over "<t>.<body>", refused when altered, for another secret, or too old', () => {
  const body = '{"seq":1}';
  const now = Date.parse('2026-03-01T10:00:00Z');
  const t = Math.floor(now / 1000);
  const header = `t=${t},v1=${signatureFor(SECRET, t, body)}`;
  assert.equal(verifySignature(SECRET, header, body, now), true);
  assert.equal(verifySignature(SECRET, header, '{"seq":2}', now), false);
  assert.equal(verifySignature('another-secret-entirely', header, body, now), false);
  assert.equal(verifySignature(SECRET, header, body, now + 301_000), false, 'a replay after five minutes');
  assert.equal(verifySignature(SECRET, undefined, body, now), false);
  assert.equal(verifySignature(SECRET, 'v1=abc', body, now), false);
});
