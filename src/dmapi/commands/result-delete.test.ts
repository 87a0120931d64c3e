import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { insertResult } from '../../../test/helpers/test-commands.ts';
import { parseKeyValues } from '../reply.ts';

forEachDatabase('result-delete', (t) => {
  it('drops the content, keeps the status, and hides the result unless showall=1', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rd-alice');
    const res = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 1000, status: 'nack', object: 'x.com', content: 'result_msg: no' });
    const del = await call('result-delete', { 'auth-sid': r.sid, 'Proc-ID': res.procId });
    assert.equal(del.code, 0);
    assert.equal(del.get('Status-Text'), 'Command completed successfully');
    assert.equal(del.body, `Result ${res.procId} deleted\n`);
    assert.match(del.get('Proc-ID')!, /^\d+$/, 'a modifying request gets a Proc-ID of its own');

    const row = await app.deps.db.selectFrom('results').selectAll().where('id', '=', res.procId).executeTakeFirstOrThrow();
    assert.equal(row.content, null);
    assert.equal(row.status, 'nack');
    assert.equal(row.deleted_at, clock.now());

    const retrieved = await call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': res.procId });
    assert.equal(retrieved.code, 0);
    assert.ok(!retrieved.body.includes('\n\n'), 'only the key block is left');
    assert.equal(new Map(parseKeyValues(retrieved.body)).get('Completion-Status'), 'nack');

    const listed = await call('result-list', { 'auth-sid': r.sid, objid: 'x.com' });
    assert.equal(listed.body, '');
    const all = await call('result-list', { 'auth-sid': r.sid, objid: 'x.com', showall: 1 });
    assert.equal(all.body.split(' ')[2], String(res.procId));
    assert.equal(all.body.trimEnd().split(' ')[5], 'nack');
  });

  it("empties the list for a client that deletes every listed result (RPANEL's delete-all), its own deletions included", async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rd-rpanel');
    const made = [];
    for (const status of ['ack', 'nack', '?'] as const) made.push(await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 1000, status }));
    // RPANEL: result-list showpending=1, then result-delete SvTrId=… for every line, then the list again.
    const listed = (await call('result-list', { 'auth-sid': r.sid, showpending: 1 })).body.trimEnd().split('\n');
    assert.equal(listed.length, 3);
    for (const line of listed) assert.equal((await call('result-delete', { 'auth-sid': r.sid, SvTrId: line.split(' ')[1]! })).code, 0);
    const after = await call('result-list', { 'auth-sid': r.sid, showpending: 1 });
    assert.equal(after.body, '');
    assert.equal(after.get('Row-Count'), '0');
    // showdeleted=1 (the older spelling of showall) brings the deleted ones back, never the deletions themselves.
    const all = await call('result-list', { 'auth-sid': r.sid, showpending: 1, showdeleted: 1 });
    assert.deepEqual(all.body.trimEnd().split('\n').map((l) => Number(l.split(' ')[2])).sort(), made.map((m) => m.procId).sort());
    assert.equal((await call('result-list', { 'auth-sid': r.sid, showall: 1, pending: 1, rtype: 'result-delete' })).body, '');
  });

  it('accepts SvTrId (SvTrId wins over Proc-ID) and records its own result', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rd-bob');
    const a = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 2000 });
    const b = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 1000 });
    const del = await call('result-delete', { 'auth-sid': r.sid, 'Proc-ID': a.procId, SvTrId: b.svtrid });
    assert.equal(del.code, 0);
    const rows = await app.deps.db.selectFrom('results').select(['id', 'content']).where('id', 'in', [a.procId, b.procId]).orderBy('id').execute();
    assert.deepEqual(rows.map((x) => x.content), ['done', null]);
    const own = await call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': del.get('Proc-ID')! });
    const kv = new Map(parseKeyValues(own.body));
    assert.equal(kv.get('Completion-Status'), 'ack');
    assert.equal(kv.get('Request-Type'), 'result-delete');
    // Deleting again is harmless and keeps the first deletion time.
    clock.advance(1000);
    assert.equal((await call('result-delete', { 'auth-sid': r.sid, svtrid: b.svtrid })).code, 0);
    const row = await app.deps.db.selectFrom('results').select('deleted_at').where('id', '=', b.procId).executeTakeFirstOrThrow();
    assert.equal(row.deleted_at, clock.now() - 1000);
  });

  it("answers 2303 for an unknown result and for another reseller's, and leaves theirs intact", async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rd-carol');
    const other = await t().reseller('rd-dan');
    const theirs = await insertResult(app.deps.db, { accountId: other.account.id, at: clock.now() });
    for (const p of [{ 'proc-id': theirs.procId }, { svtrid: theirs.svtrid }, { 'proc-id': 987654321 }]) {
      const res = await call('result-delete', { 'auth-sid': r.sid, ...p });
      assert.equal(res.code, 2303);
      assert.equal(res.get('Status-Text'), 'Object does not exist');
      assert.match(res.get('Error')!, /^no result with /);
      assert.equal(res.get('Proc-ID'), undefined);
    }
    const row = await app.deps.db.selectFrom('results').selectAll().where('id', '=', theirs.procId).executeTakeFirstOrThrow();
    assert.equal(row.content, 'done');
    assert.equal(row.deleted_at, null);
    // The failed attempts left no result rows behind.
    const mine = await app.deps.db.selectFrom('results').select('id').where('account_id', '=', r.account.id).execute();
    assert.equal(mine.length, 0);
  });

  it('is refused to a read-only key (2201) and allowed to a modify-only key', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rd-erin');
    const res = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() });
    const ro = await call('result-delete', { 'auth-sid': await r.session('read-only'), 'proc-id': res.procId });
    assert.equal(ro.code, 2201);
    assert.equal(ro.get('Status-Text'), 'Authorization error');
    assert.equal(ro.get('Error'), 'this session uses a read-only API key, which cannot modify anything (result-delete)');
    assert.equal((await app.deps.db.selectFrom('results').select('content').where('id', '=', res.procId).executeTakeFirstOrThrow()).content, 'done');
    assert.equal((await call('result-delete', { 'auth-sid': await r.session('modify-only'), 'proc-id': res.procId })).code, 0);
    assert.equal((await call('result-delete', { 'proc-id': res.procId })).code, -401);
  });

  it('names a missing reference', async () => {
    const r = await t().reseller('rd-frank');
    const res = await t().call('result-delete', { 'auth-sid': r.sid });
    assert.equal(res.code, 2003);
    assert.equal(res.get('Error'), "missing parameter 'Proc-ID' or 'SvTrId'");
  });
});
