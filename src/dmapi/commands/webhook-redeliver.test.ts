import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { recordEvent } from '../../services/events.ts';
import { drainJobs, WebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';

const SECRET = 'redeliver-test-secret-1';

forEachDatabase('webhook-redeliver', (t) => {
  it('sends an event again, the same body, to one endpoint or to all', async () => {
    const r = await t().reseller('wr-alice');
    const one = new WebhookReceiver(SECRET);
    const two = new WebhookReceiver(SECRET);
    await one.up();
    await two.up();
    try {
      const seq = await recordEvent(t().app.deps.db, { accountId: r.account.id, type: 'domain.expired', object: 'old.example', data: { expired: '2026-01-01' }, now: t().clock.now() });
      const first = await t().call('webhook-create', { 'auth-sid': r.sid, url: one.url, secret: SECRET });
      await t().call('webhook-create', { 'auth-sid': r.sid, url: two.url, secret: SECRET });
      const hook1 = Number(/^webhook-id: (\d+)$/m.exec(first.body)![1]);
      await drainJobs(t());
      assert.ok(!one.received.some((x) => x.seq === seq), 'an endpoint gets only events written after it was made');
      const res = await t().call('webhook-redeliver', { 'auth-sid': await r.session('modify-only'), seq, webhook: hook1 });
      assert.equal(res.code, 0, res.raw);
      assert.match(res.body, /^delivery-id: \d+\n$/);
      await drainJobs(t());
      const got = one.received.filter((x) => x.seq === seq);
      assert.equal(got.length, 1);
      assert.deepEqual(JSON.parse(got[0]!.body), { seq, type: 'domain.expired', object: 'old.example', proc_id: null, time: new Date(t().clock.now()).toISOString().slice(0, 19) + 'Z', data: { expired: '2026-01-01' } });
      assert.ok(!two.received.some((x) => x.seq === seq));
      const all = await t().call('webhook-redeliver', { 'auth-sid': r.sid, seq });
      assert.equal(all.body.split('\n').filter(Boolean).length, 2);
      await drainJobs(t());
      assert.equal(one.received.filter((x) => x.seq === seq).length, 2);
      assert.equal(two.received.filter((x) => x.seq === seq).length, 1);
      assert.ok([...one.received, ...two.received].every((x) => x.verified));
    } finally {
      await one.down();
      await two.down();
    }
  });

  it("refuses unknown events, another account's events and endpoints, and read-only keys", async () => {
    const a = await t().reseller('wr-owner');
    const b = await t().reseller('wr-other');
    const seq = await recordEvent(t().app.deps.db, { accountId: a.account.id, type: 'zone.changed', object: 'a.example', now: t().clock.now() });
    const made = await t().call('webhook-create', { 'auth-sid': a.sid, url: 'http://127.0.0.1:9/', secret: SECRET });
    const hook = Number(/^webhook-id: (\d+)$/m.exec(made.body)![1]);
    assert.equal((await t().call('webhook-redeliver', { 'auth-sid': a.sid, seq: 999 })).get('Error'), 'event 999 not found');
    // b has an event with that number of its own but no endpoint; a's endpoint is not b's.
    await recordEvent(t().app.deps.db, { accountId: b.account.id, type: 'zone.changed', object: 'b.example', now: t().clock.now() });
    const cross = await t().call('webhook-redeliver', { 'auth-sid': b.sid, seq, webhook: hook });
    assert.equal(cross.code, 2303);
    assert.equal(cross.get('Error'), `webhook ${hook} not found`);
    assert.equal((await t().call('webhook-redeliver', { 'auth-sid': b.sid, seq })).get('Error'), 'no webhook to deliver to');
    assert.equal((await t().call('webhook-redeliver', { 'auth-sid': await a.session('read-only'), seq })).code, 2201);
    assert.equal((await t().call('webhook-redeliver', { 'auth-sid': a.sid })).code, 2003);
  });
});
