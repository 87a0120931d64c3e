import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { recordEvent } from '../../services/events.ts';

forEachDatabase('event-list', (t) => {
  const seqs = (body: string) => body.trimEnd().split('\n').filter(Boolean).map((l) => Number(l.split(' ')[0]));

  it('pages through the events by cursor, oldest first, with Columns, Row-Count and Last-Seq', async () => {
    const r = await t().reseller('el-alice');
    const { db } = t().app.deps;
    const now = t().clock.now();
    for (let i = 1; i <= 5; i++) await recordEvent(db, { accountId: r.account.id, type: 'zone.changed', object: `z${i}.example`, data: { serial: i, note: 'has spaces' }, now });
    const first = await t().call('event-list', { 'auth-sid': r.sid, limit: 2 });
    assert.equal(first.code, 0, first.raw);
    assert.equal(first.get('Columns'), 'seq,time,type,object,proc_id,data');
    assert.equal(first.get('Row-Count'), '2');
    assert.equal(first.get('Last-Seq'), '2');
    assert.equal(first.body.split('\n')[0], `1 ${new Date(now).toISOString().slice(0, 19)}Z zone.changed z1.example - {"serial":1,"note":"has spaces"}`);
    const second = await t().call('event-list', { 'auth-sid': r.sid, after: first.get('Last-Seq')!, limit: 2 });
    assert.deepEqual(seqs(second.body), [3, 4]);
    const rest = await t().call('event-list', { 'auth-sid': r.sid, after: 4 });
    assert.deepEqual(seqs(rest.body), [5]);
    const none = await t().call('event-list', { 'auth-sid': r.sid, after: 5 });
    assert.equal(none.code, 0);
    assert.equal(none.body, '');
    assert.equal(none.get('Row-Count'), '0');
    assert.equal(none.get('Last-Seq'), '5', 'the cursor stays where it was');
    // The data column is the rest of the line: a JSON object, spaces and all.
    assert.deepEqual(JSON.parse(first.body.split('\n')[0]!.split(' ').slice(5).join(' ')), { serial: 1, note: 'has spaces' });
  });

  it('shows an account only its own events, also to read-only keys', async () => {
    const a = await t().reseller('el-owner');
    const b = await t().reseller('el-other');
    await recordEvent(t().app.deps.db, { accountId: a.account.id, type: 'domain.deleted', object: 'secret-a.example', now: t().clock.now() });
    const ro = await a.session('read-only');
    const own = await t().call('event-list', { 'auth-sid': ro });
    assert.equal(own.code, 0, own.raw);
    assert.match(own.body, /secret-a\.example/);
    const other = await t().call('event-list', { 'auth-sid': b.sid });
    assert.equal(other.code, 0);
    assert.doesNotMatch(other.body, /secret-a/);
  });

  it('refuses a malformed cursor or limit', async () => {
    const r = await t().reseller('el-bad');
    assert.equal((await t().call('event-list', { 'auth-sid': r.sid, after: 'abc' })).code, 2005);
    assert.equal((await t().call('event-list', { 'auth-sid': r.sid, after: -1 })).code, 2004);
    assert.equal((await t().call('event-list', { 'auth-sid': r.sid, limit: 0 })).code, 2004);
    assert.equal((await t().call('event-list', { 'auth-sid': r.sid, limit: 1001 })).code, 2004);
    assert.equal((await t().call('event-list', {})).code, -401);
  });
});
