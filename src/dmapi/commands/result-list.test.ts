import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, withCommands } from '../../../test/helpers/harness.ts';
import { insertResult, testAsync } from '../../../test/helpers/test-commands.ts';
import { commands } from './index.ts';
import { compactTimestamp, isoDate } from '../../core/dates.ts';
import { DAY, HOUR } from '../../core/clock.ts';

const fields = (line: string) => line.split(' ');
const procIds = (body: string) => body.trimEnd().split('\n').filter(Boolean).map((l) => Number(fields(l)[2]));

forEachDatabase('result-list', (t) => {
  it('lists 7 space-separated fields per line, newest first, with Row-Count', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-alice');
    const now = clock.now();
    const a = await insertResult(app.deps.db, { accountId: r.account.id, at: now - 3 * HOUR, type: 'domain-register', object: 'first.com', status: 'ack', cltrid: 'order-1' });
    const b = await insertResult(app.deps.db, { accountId: r.account.id, at: now - 2 * HOUR, type: 'contact-create', object: '', status: '?' });
    const c = await insertResult(app.deps.db, { accountId: r.account.id, at: now - HOUR, type: 'domain-renew', object: 'third.net', status: 'nack', cltrid: 'order-3' });
    const res = await call('result-list', { 'auth-sid': r.sid, pending: 1 });
    assert.equal(res.code, 0);
    assert.equal(res.get('Row-Count'), '3');
    assert.equal(res.get('Columns'), undefined, 'no Columns header: old modules index the fields by number');
    assert.equal(
      res.body,
      [
        `${compactTimestamp(now - HOUR)} ${c.svtrid} ${c.procId} domain-renew third.net nack order-3`,
        `${compactTimestamp(now - 2 * HOUR)} ${b.svtrid} ${b.procId} contact-create - ? -`,
        `${compactTimestamp(now - 3 * HOUR)} ${a.svtrid} ${a.procId} domain-register first.com ack order-1`,
      ].join('\n') + '\n',
    );
    for (const line of res.body.trimEnd().split('\n')) {
      const f = fields(line);
      assert.equal(f.length, 7);
      assert.match(f[0]!, /^\d{14}$/);
      assert.match(f[1]!, /^[0-9a-f]{32}$/);
      assert.match(f[2]!, /^\d+$/);
    }
  });

  it('orders results of the same second by Proc-ID, newest first, and answers an empty list as success', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-bob');
    assert.equal((await call('result-list', { 'auth-sid': r.sid })).body, '');
    assert.equal((await call('result-list', { 'auth-sid': r.sid })).get('Row-Count'), '0');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() })).procId);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid })).body), ids.reverse());
  });

  it('covers the last 90 days by default, and `period` days when given', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-carol');
    const now = clock.now();
    const recent = await insertResult(app.deps.db, { accountId: r.account.id, at: now - 2 * HOUR });
    const d89 = await insertResult(app.deps.db, { accountId: r.account.id, at: now - 89 * DAY });
    const d91 = await insertResult(app.deps.db, { accountId: r.account.id, at: now - 91 * DAY });
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid })).body), [recent.procId, d89.procId]);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, period: 100 })).body), [recent.procId, d89.procId, d91.procId]);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, period: 1 })).body), [recent.procId]);
    // The window follows the clock.
    clock.advance(2 * DAY);
    const sid = await r.session('full'); // the old session died of inactivity meanwhile
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': sid })).body), [recent.procId]);
  });

  it('with `date` lists that day (period defaults to 1) or `period` days up to it', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-dan');
    const day = Date.parse('2026-01-10T00:00:00Z');
    const before = await insertResult(app.deps.db, { accountId: r.account.id, at: day - 1 });
    const start = await insertResult(app.deps.db, { accountId: r.account.id, at: day });
    const end = await insertResult(app.deps.db, { accountId: r.account.id, at: day + DAY - 1 });
    await insertResult(app.deps.db, { accountId: r.account.id, at: day + DAY });
    assert.ok(clock.now() > day + DAY);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, date: '2026-01-10' })).body), [end.procId, start.procId]);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, date: '2026-01-10', period: 2 })).body), [end.procId, start.procId, before.procId]);
    assert.equal(isoDate(day - 1), '2026-01-09');
  });

  it('pages with offset and limit', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-erin');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - (10 - i) * 1000 })).procId);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, limit: 2 })).body), ids.slice(0, 2));
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, offset: 2, limit: 2 })).body), ids.slice(2, 4));
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, offset: 4 })).body), ids.slice(4));
    const page = await call('result-list', { 'auth-sid': r.sid, offset: 1, limit: 3 });
    assert.equal(page.get('Row-Count'), '3');
    // WHMCS' "limit=1 right after the request" gets that request.
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, limit: 1 })).body), [ids[0]]);
  });

  it('lists finished results; pending=1 (or showpending=1) adds those in progress and never hides finished ones', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-frank');
    const ack = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 3000, status: 'ack' });
    const nack = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 2000, status: 'nack' });
    const open = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 1000, status: '?' });
    const list = async (p: Record<string, string>) => procIds((await call('result-list', { 'auth-sid': r.sid, ...p })).body);
    assert.deepEqual(await list({ status: 'ack' }), [ack.procId]);
    assert.deepEqual(await list({ status: 'NACK' }), [nack.procId]);
    assert.deepEqual(await list({ status: '?' }), [open.procId]);
    assert.deepEqual(await list({ status: 'pending' }), [open.procId]);
    assert.deepEqual(await list({}), [nack.procId, ack.procId]);
    assert.deepEqual(await list({ pending: '0' }), [nack.procId, ack.procId]);
    assert.deepEqual(await list({ pending: '1' }), [open.procId, nack.procId, ack.procId]);
    assert.deepEqual(await list({ showpending: '1' }), [open.procId, nack.procId, ack.procId]);
    // Joker's WHMCS module: the newest result, whatever its state.
    assert.deepEqual(await list({ pending: '1', showall: '1', limit: '1' }), [open.procId]);
    assert.deepEqual(await list({ pending: '1', status: 'ack' }), [ack.procId]);
    const done = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 500, status: 'ack' });
    assert.deepEqual(await list({ pending: '1', showall: '1', limit: '1' }), [done.procId]);
  });

  it('count-only answers `Records: N` and Row-Count for the same filters', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-gina');
    for (let i = 0; i < 4; i++) await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - i * 1000, status: i % 2 ? 'ack' : 'nack' });
    const all = await call('result-list', { 'auth-sid': r.sid, 'count-only': 1 });
    assert.equal(all.code, 0);
    assert.equal(all.body, 'Records: 4\n');
    assert.equal(all.get('Row-Count'), '4');
    const acks = await call('result-list', { 'auth-sid': r.sid, 'count-only': 1, status: 'ack' });
    assert.equal(acks.body, 'Records: 2\n');
    assert.equal(acks.get('Row-Count'), '2');
    assert.equal((await call('result-list', { 'auth-sid': r.sid, 'count-only': 1, rtype: 'nothing*' })).body, 'Records: 0\n');
  });

  it('filters rtype, objid, procid, svtrid and cltrid with * and ? patterns, case-insensitively', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-hank');
    const at = clock.now() - 60_000;
    const reg = await insertResult(app.deps.db, { accountId: r.account.id, at, type: 'domain-register', object: 'shop.com', cltrid: 'domreg-17' });
    const ren = await insertResult(app.deps.db, { accountId: r.account.id, at: at + 1, type: 'domain-renew', object: 'shop.net', cltrid: 'domreg-18' });
    const con = await insertResult(app.deps.db, { accountId: r.account.id, at: at + 2, type: 'contact-create', object: 'CCOM-123', cltrid: null });
    const odd = await insertResult(app.deps.db, { accountId: r.account.id, at: at + 3, type: 'domain-modify', object: 'a_b.com', cltrid: '100%' });
    const list = async (p: Record<string, string>) => procIds((await call('result-list', { 'auth-sid': r.sid, ...p })).body).sort((x, y) => x - y);
    assert.deepEqual(await list({ rtype: 'domain-r*' }), [reg.procId, ren.procId]);
    assert.deepEqual(await list({ rtype: 'domain-re?ew' }), [ren.procId]);
    assert.deepEqual(await list({ rtype: 'DOMAIN-REGISTER' }), [reg.procId]);
    assert.deepEqual(await list({ rtype: 'domain' }), [], 'without a wildcard the pattern is exact');
    assert.deepEqual(await list({ objid: 'shop.*' }), [reg.procId, ren.procId]);
    assert.deepEqual(await list({ objid: 'ccom-*' }), [con.procId]);
    assert.deepEqual(await list({ objid: '?_b.com' }), [odd.procId]);
    assert.deepEqual(await list({ objid: 'a?b.com' }), [odd.procId]);
    assert.deepEqual(await list({ objid: 'ax_b.com' }), [], 'SQL wildcards in the pattern are literal');
    assert.deepEqual(await list({ procid: String(ren.procId) }), [ren.procId]);
    assert.deepEqual(await list({ procid: `${String(con.procId).slice(0, -1)}?` }).then((l) => l.includes(con.procId)), true);
    assert.deepEqual(await list({ procid: '*' }), [reg.procId, ren.procId, con.procId, odd.procId]);
    assert.deepEqual(await list({ svtrid: reg.svtrid }), [reg.procId]);
    assert.deepEqual(await list({ svtrid: `${reg.svtrid.slice(0, 20).toUpperCase()}*` }), [reg.procId]);
    assert.deepEqual(await list({ cltrid: 'domreg-1?' }), [reg.procId, ren.procId]);
    assert.deepEqual(await list({ cltrid: '100%' }), [odd.procId]);
    assert.deepEqual(await list({ cltrid: '*' }), [reg.procId, ren.procId, odd.procId], 'results without a cltrid have none to match');
    assert.deepEqual(await list({ rtype: 'domain-*', objid: '*.net' }), [ren.procId]);
  });

  it('hides deleted results unless showall=1', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('rl-ivan');
    const kept = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 2000 });
    const gone = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() - 1000, content: null, deletedAt: clock.now() });
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid })).body), [kept.procId]);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': r.sid, showall: 1 })).body), [gone.procId, kept.procId]);
  });

  it("never shows another reseller's results", async () => {
    const { call, clock, app } = t();
    const mine = await t().reseller('rl-judy');
    const theirs = await t().reseller('rl-karl');
    const own = await insertResult(app.deps.db, { accountId: mine.account.id, at: clock.now() - 1000 });
    const other = await insertResult(app.deps.db, { accountId: theirs.account.id, at: clock.now() - 1000 });
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': mine.sid, showall: 1 })).body), [own.procId]);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': mine.sid, procid: String(other.procId) })).body), []);
    assert.deepEqual(procIds((await call('result-list', { 'auth-sid': mine.sid, svtrid: other.svtrid })).body), []);
  });

  it('shows an asynchronous request as ? until the worker completes it', async () => {
    const { clock } = t();
    const r = await t().reseller('rl-lisa');
    const extra = await withCommands(t(), [...commands, testAsync]);
    try {
      const sent = await extra.call('test-async', { 'auth-sid': r.sid, object: 'async.com', cltrid: 'mine-1' });
      assert.equal(sent.code, 0);
      const procId = sent.get('Proc-ID')!;
      const before = await extra.call('result-list', { 'auth-sid': r.sid, procid: procId, pending: 1 });
      assert.equal(before.body, `${compactTimestamp(clock.now())} ${sent.get('SvTrId')} ${procId} test-async async.com ? mine-1\n`);
      assert.equal(await extra.worker.runUntilIdle(), 1);
      const after = await extra.call('result-list', { 'auth-sid': r.sid, procid: procId });
      assert.equal(fields(after.body.trimEnd())[5], 'ack');
    } finally {
      await extra.close();
    }
  });

  it('names bad parameter values', async () => {
    const { call } = t();
    const r = await t().reseller('rl-mike');
    const bad = async (p: Record<string, string>, code: number, re: RegExp) => {
      const res = await call('result-list', { 'auth-sid': r.sid, ...p });
      assert.equal(res.code, code, JSON.stringify(p));
      assert.match(res.get('Error')!, re);
    };
    await bad({ date: '2026-02-30' }, 2005, /^invalid 'date' \(must be a date YYYY-MM-DD/);
    await bad({ date: 'yesterday' }, 2005, /^invalid 'date' \(/);
    await bad({ limit: 'ten' }, 2005, /^invalid 'limit' \(must be a whole number/);
    await bad({ offset: '-1' }, 2004, /^invalid 'offset' \(must be between 0 and/);
    await bad({ period: '0' }, 2004, /^invalid 'period' \(must be between 1 and/);
    await bad({ status: 'done' }, 2005, /^invalid 'status' \(must be one of ack, nack, \?, pending/);
    await bad({ showall: 'maybe' }, 2005, /^invalid 'showall' \(must be 1 or 0/);
  });

  it('is open to read-only keys and refused without a session', async () => {
    const { call } = t();
    const r = await t().reseller('rl-nora');
    assert.equal((await call('result-list', { 'auth-sid': await r.session('read-only') })).code, 0);
    assert.equal((await call('result-list')).code, -401);
  });
});
