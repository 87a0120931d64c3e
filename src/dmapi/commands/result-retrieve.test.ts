import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, withCommands } from '../../../test/helpers/harness.ts';
import { insertResult, testAsync } from '../../../test/helpers/test-commands.ts';
import { commands } from './index.ts';
import { compactTimestamp } from '../../core/dates.ts';
import { parseKeyValues } from '../reply.ts';

forEachDatabase('result-retrieve', (t) => {
  it('answers the key block, a blank line, then the free text of a completed request', async () => {
    const { clock } = t();
    const r = await t().reseller('rr-alice');
    const extra = await withCommands(t(), [...commands, testAsync]);
    try {
      const sent = await extra.call('test-async', { 'auth-sid': r.sid, object: 'shop.com', text: 'The Authorization ID is: "AbC123xyz"' });
      const procId = sent.get('Proc-ID')!;
      const pending = await extra.call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': procId });
      assert.equal(pending.code, 0);
      const received = compactTimestamp(clock.now());
      // Still in progress: only the key block, status `?` (clients poll again).
      assert.equal(
        pending.body,
        `Completion-Status: ?\nObject-Name: shop.com\nProc-ID: ${procId}\nSvTrId: ${sent.get('SvTrId')}\nRequest-Type: test-async\nReceived: ${received}\n`,
      );
      clock.advance(7000);
      await extra.worker.runUntilIdle();
      const done = await extra.call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': procId });
      assert.equal(
        done.body,
        `Completion-Status: ack\nObject-Name: shop.com\nProc-ID: ${procId}\nSvTrId: ${sent.get('SvTrId')}\nRequest-Type: test-async\nReceived: ${received}\nCompleted: ${compactTimestamp(clock.now())}\n\nThe Authorization ID is: "AbC123xyz"\n`,
      );
      // RUBYJA splits at the first blank line; WHMCS greps the whole body with this regex.
      const [keys, text] = done.body.split('\n\n');
      assert.equal(new Map(parseKeyValues(keys!)).get('Completion-Status'), 'ack');
      assert.equal(text, 'The Authorization ID is: "AbC123xyz"\n');
      assert.match(done.body, /^The Authorization ID is: "([^"]+)"/m);
    } finally {
      await extra.close();
    }
  });

  it('shows a failed request as nack with result_msg / error_text lines', async () => {
    const r = await t().reseller('rr-bob');
    const extra = await withCommands(t(), [...commands, testAsync]);
    try {
      const sent = await extra.call('test-async', { 'auth-sid': r.sid, object: 'fail.com', outcome: 'nack', text: 'registry said no' });
      await extra.worker.runUntilIdle();
      const res = await extra.call('result-retrieve', { 'auth-sid': r.sid, SvTrId: sent.get('SvTrId')! });
      const [keys, text] = res.body.split('\n\n');
      assert.equal(new Map(parseKeyValues(keys!)).get('Completion-Status'), 'nack');
      assert.equal(new Map(parseKeyValues(keys!)).get('Object-Name'), 'fail.com');
      assert.equal(text, 'result_msg: registry said no\nerror_text: second reason\n');
    } finally {
      await extra.close();
    }
  });

  it('finds the result by Proc-ID or SvTrId under any spelling; SvTrId wins when both are given', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rr-carol');
    const a = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 2000, object: 'a.com', content: 'text of a' });
    const b = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 1000, object: 'b.com', content: 'text of b' });
    const objectOf = async (p: Record<string, string>) => {
      const res = await call('result-retrieve', { 'auth-sid': r.sid, ...p });
      assert.equal(res.code, 0, res.raw);
      return new Map(parseKeyValues(res.body)).get('Object-Name');
    };
    for (const name of ['Proc-ID', 'proc-id', 'PROC-ID', 'Proc-Id']) assert.equal(await objectOf({ [name]: String(a.procId) }), 'a.com', name);
    for (const name of ['SvTrId', 'svtrid', 'SVTRID', 'SvTrID']) assert.equal(await objectOf({ [name]: b.svtrid }), 'b.com', name);
    assert.equal(await objectOf({ svtrid: b.svtrid.toUpperCase() }), 'b.com');
    assert.equal(await objectOf({ 'Proc-ID': String(a.procId), SvTrId: b.svtrid }), 'b.com');
    assert.equal(await objectOf({ 'Proc-ID': 'not-a-number', SvTrId: b.svtrid }), 'b.com');
  });

  it("answers 2303 for an unknown result and for another reseller's, alike", async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rr-dan');
    const other = await t().reseller('rr-erin');
    const theirs = await insertResult(app.deps.db, { accountId: other.account.id, at: clock.now() });
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'proc-id': String(theirs.procId) }, `no result with Proc-ID ${theirs.procId}`],
      [{ 'proc-id': '999999999' }, 'no result with Proc-ID 999999999'],
      [{ svtrid: theirs.svtrid }, `no result with SvTrId ${theirs.svtrid}`],
      [{ svtrid: '0'.repeat(32) }, `no result with SvTrId ${'0'.repeat(32)}`],
    ];
    for (const [p, error] of cases) {
      const res = await call('result-retrieve', { 'auth-sid': r.sid, ...p });
      assert.equal(res.code, 2303);
      assert.equal(res.get('Status-Text'), 'Object does not exist');
      assert.deepEqual(res.all('Error'), [error]);
      assert.equal(res.body, '');
    }
    // The owner sees it.
    assert.equal((await call('result-retrieve', { 'auth-sid': other.sid, 'proc-id': String(theirs.procId) })).code, 0);
  });

  it('answers 2303 for a Proc-ID beyond the integer range on both databases', async () => {
    const r = await t().reseller('rr-huge');
    for (const id of ['99999999999999999999', '9223372036854775808']) {
      const res = await t().call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': id });
      assert.equal(res.code, 2303);
      assert.deepEqual(res.all('Error'), [`no result with Proc-ID ${id}`]);
    }
  });

  it('names a missing or malformed reference', async () => {
    const { call } = t();
    const r = await t().reseller('rr-frank');
    const missing = await call('result-retrieve', { 'auth-sid': r.sid });
    assert.equal(missing.code, 2003);
    assert.equal(missing.get('Error'), "missing parameter 'Proc-ID' or 'SvTrId'");
    const bad = await call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': '12x' });
    assert.equal(bad.code, 2005);
    assert.equal(bad.get('Error'), "invalid 'Proc-ID' (must be a number)");
  });

  it('is open to read-only keys and refused without a session', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rr-gina');
    const res = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() });
    assert.equal((await call('result-retrieve', { 'auth-sid': await r.session('read-only'), 'proc-id': res.procId })).code, 0);
    assert.equal((await call('result-retrieve', { 'proc-id': res.procId })).code, -401);
  });
});
