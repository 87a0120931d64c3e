import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { recordEvent } from '../../services/events.ts';
import { WebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';

forEachDatabase('webhook-delete', (t) => {
  const create = async (sid: string, url: string, secret = 'delete-test-secret-0123') => {
    const r = await t().call('webhook-create', { 'auth-sid': sid, url, secret });
    return Number(/^webhook-id: (\d+)$/m.exec(r.body)![1]);
  };

  it('removes an endpoint; deliveries still queued for it end without a POST', async () => {
    const r = await t().reseller('wd-alice');
    const rx = new WebhookReceiver('delete-test-secret-0123');
    await rx.up();
    try {
      const id = await create(r.sid, rx.url);
      await recordEvent(t().app.deps.db, { accountId: r.account.id, type: 'zone.changed', object: 'a.example', now: t().clock.now() });
      const del = await t().call('webhook-delete', { 'auth-sid': r.sid, id });
      assert.equal(del.code, 0, del.raw);
      assert.ok(del.get('Proc-ID'));
      await t().work();
      assert.deepEqual(rx.received, [], 'nothing was sent to the deleted endpoint');
      assert.equal((await t().call('webhook-list', { 'auth-sid': r.sid })).get('Row-Count'), '0');
      const again = await t().call('webhook-delete', { 'auth-sid': r.sid, id });
      assert.equal(again.code, 2303);
      const queued = await t().app.deps.db.selectFrom('jobs').select('id').where('kind', '=', 'webhook-deliver').where('status', 'in', ['queued', 'running']).execute();
      assert.deepEqual(queued, []);
    } finally {
      await rx.down();
    }
  });

  it("answers another account's endpoint like a missing one and leaves it, and refuses read-only keys", async () => {
    const a = await t().reseller('wd-owner');
    const b = await t().reseller('wd-other');
    const id = await create(a.sid, 'https://a.example/');
    const cross = await t().call('webhook-delete', { 'auth-sid': b.sid, id });
    const missing = await t().call('webhook-delete', { 'auth-sid': b.sid, id: id + 1000 });
    assert.equal(cross.code, 2303);
    assert.equal(cross.get('Error'), `webhook ${id} not found`);
    assert.equal(missing.get('Error'), `webhook ${id + 1000} not found`);
    assert.equal((await t().call('webhook-delete', { 'auth-sid': await a.session('read-only'), id })).code, 2201);
    assert.equal((await t().call('webhook-delete', { 'auth-sid': a.sid, id: 'x' })).code, 2005);
    assert.equal((await t().call('webhook-list', { 'auth-sid': a.sid })).get('Row-Count'), '1');
  });
});
