import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { recordEvent } from '../../services/events.ts';
import { drainJobs, WebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';

const SECRET = 'delivery-list-secret-01';

forEachDatabase('webhook-delivery-list', (t) => {
  it('logs each delivery with its attempts: status codes, errors and times', async () => {
    const r = await t().reseller('wdl-alice');
    const rx = new WebhookReceiver(SECRET);
    await rx.up();
    try {
      const made = await t().call('webhook-create', { 'auth-sid': r.sid, url: rx.url, secret: SECRET });
      const hook = Number(/^webhook-id: (\d+)$/m.exec(made.body)![1]);
      await drainJobs(t()); // the webhook-create result itself
      // The next event is refused twice (503), then taken.
      let refusals = 2;
      rx.answer = () => (refusals-- > 0 ? 503 : 204);
      await recordEvent(t().app.deps.db, { accountId: r.account.id, type: 'domain.deleted', object: 'gone.example', now: t().clock.now() });
      await drainJobs(t());
      const list = await t().call('webhook-delivery-list', { 'auth-sid': await r.session('read-only') });
      assert.equal(list.code, 0, list.raw);
      assert.equal(list.get('Columns'), 'id,webhook,seq,type,status,attempts,created,last_attempt,last_code,last_error');
      const lines = list.body.trimEnd().split('\n').map((l) => l.split(' '));
      assert.equal(lines.length, 2);
      const [newest, oldest] = lines;
      assert.deepEqual([newest![1], newest![3], newest![4], newest![5], newest![8], newest![9]], [String(hook), 'domain.deleted', 'delivered', '3', '204', '-']);
      assert.deepEqual([oldest![3], oldest![4], oldest![5]], ['result.completed', 'delivered', '1']);
      const attempts = await t().call('webhook-delivery-list', { 'auth-sid': r.sid, delivery: newest![0]! });
      assert.equal(attempts.get('Columns'), 'at,status_code,duration_ms,error');
      const rows = attempts.body.trimEnd().split('\n').map((l) => l.split(' '));
      assert.deepEqual(rows.map((f) => [f[1], f[3]]), [['503', 'HTTP_503'], ['503', 'HTTP_503'], ['204', '-']]);
      assert.ok(Date.parse(rows[2]![0]!) > Date.parse(rows[0]![0]!), 'the retries came later, after a backoff');
      const pending = await t().call('webhook-delivery-list', { 'auth-sid': r.sid, status: 'pending' });
      assert.equal(pending.body, '');
      const only = await t().call('webhook-delivery-list', { 'auth-sid': r.sid, webhook: hook, limit: 1 });
      assert.equal(only.get('Row-Count'), '1');
    } finally {
      await rx.down();
    }
  });

  it("records a refused connection, and shows another account's log like a missing one", async () => {
    const a = await t().reseller('wdl-owner');
    const b = await t().reseller('wdl-other');
    const rx = new WebhookReceiver(SECRET);
    await rx.up();
    const url = rx.url;
    await rx.down();
    await t().call('webhook-create', { 'auth-sid': a.sid, url, secret: SECRET });
    await t().work();
    const list = await t().call('webhook-delivery-list', { 'auth-sid': a.sid });
    const f = list.body.trimEnd().split(' ');
    assert.equal(f[4], 'pending');
    assert.equal(f[8], '-', 'no status code without an answer');
    assert.equal(f[9], 'ECONNREFUSED');
    assert.equal((await t().call('webhook-delivery-list', { 'auth-sid': b.sid })).body, '');
    const cross = await t().call('webhook-delivery-list', { 'auth-sid': b.sid, delivery: f[0]! });
    assert.equal(cross.code, 2303);
    assert.equal(cross.get('Error'), `delivery ${f[0]} not found`);
    assert.equal((await t().call('webhook-delivery-list', { 'auth-sid': a.sid, status: 'bogus' })).code, 2005);
  });
});
