import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { insertDomain } from '../../../test/helpers/test-commands.ts';
import { DAY } from '../../core/clock.ts';

const exp = (iso: string) => Date.parse(`${iso}T10:00:00Z`);

forEachDatabase('query-domain-list', (t) => {
  it('answers an empty list as success: Columns header, empty body, reply ending in a blank line', async () => {
    const r = await t().reseller('qdl-alice');
    const res = await t().call('query-domain-list', { 'auth-sid': r.sid });
    assert.equal(res.code, 0);
    assert.equal(res.get('Status-Text'), 'Command completed successfully');
    assert.equal(res.get('Columns'), 'domain,expiration_date');
    assert.equal(res.body, '');
    assert.ok(res.raw.endsWith('\n\n'));
  });

  it('lists the domains sorted by name with their expiration dates, the last line without a newline', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-bob');
    const now = clock.now();
    await insertDomain(app.deps.db, r.account.id, 'zulu-qdl.com', now, exp('2027-03-01'));
    await insertDomain(app.deps.db, r.account.id, 'alpha-qdl.net', now, exp('2026-12-31'));
    await insertDomain(app.deps.db, r.account.id, 'mike-qdl.org', now, exp('2028-01-15'));
    const res = await call('query-domain-list', { 'auth-sid': r.sid });
    assert.equal(res.get('Columns'), 'domain,expiration_date');
    assert.equal(res.body, 'alpha-qdl.net 2026-12-31\nmike-qdl.org 2028-01-15\nzulu-qdl.com 2027-03-01');
  });

  it('filters with a * / ? pattern, case-insensitively', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-carol');
    for (const name of ['shop-qdl.com', 'shop-qdl.net', 'shoe-qdl.com', 'blog-qdl.com']) await insertDomain(app.deps.db, r.account.id, name, clock.now(), clock.now() + 365 * DAY);
    const names = async (pattern: string) => (await call('query-domain-list', { 'auth-sid': r.sid, pattern })).body.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
    assert.deepEqual(await names('shop-qdl.*'), ['shop-qdl.com', 'shop-qdl.net']);
    assert.deepEqual(await names('sho?-qdl.com'), ['shoe-qdl.com', 'shop-qdl.com']);
    assert.deepEqual(await names('*.COM'), ['blog-qdl.com', 'shoe-qdl.com', 'shop-qdl.com']);
    assert.deepEqual(await names('*'), ['blog-qdl.com', 'shoe-qdl.com', 'shop-qdl.com', 'shop-qdl.net']);
    assert.deepEqual(await names('shop'), []);
    assert.deepEqual(await names('shop_qdl.com'), [], '_ is not a wildcard');
    assert.equal((await call('query-domain-list', { 'auth-sid': r.sid, pattern: 'nothing*' })).body, '');
  });

  it('pages with from/to (1-based positions in the sorted list)', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-dan');
    for (const name of ['a-qdl.com', 'b-qdl.com', 'c-qdl.com', 'd-qdl.com', 'e-qdl.com']) await insertDomain(app.deps.db, r.account.id, name, clock.now(), clock.now() + DAY);
    const names = async (p: Record<string, string | number>) => (await call('query-domain-list', { 'auth-sid': r.sid, ...p })).body.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
    assert.deepEqual(await names({ from: 1, to: 2 }), ['a-qdl.com', 'b-qdl.com']);
    assert.deepEqual(await names({ from: 2, to: 4 }), ['b-qdl.com', 'c-qdl.com', 'd-qdl.com']);
    assert.deepEqual(await names({ from: 4 }), ['d-qdl.com', 'e-qdl.com']);
    assert.deepEqual(await names({ to: 1 }), ['a-qdl.com']);
    assert.deepEqual(await names({ from: 3, to: 2 }), []);
    assert.deepEqual(await names({ from: 9 }), []);
    // The seeds' Python example sends to= empty: no upper bound.
    assert.deepEqual(await names({ from: 1, to: '' }), ['a-qdl.com', 'b-qdl.com', 'c-qdl.com', 'd-qdl.com', 'e-qdl.com']);
    const bad = await call('query-domain-list', { 'auth-sid': r.sid, from: 0 });
    assert.equal(bad.code, 2004);
    assert.match(bad.get('Error')!, /^from: must be between 1 and/);
    assert.equal((await call('query-domain-list', { 'auth-sid': r.sid, to: 'x' })).code, 2005);
  });

  it('adds the status column with showstatus=1', async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-erin');
    await insertDomain(app.deps.db, r.account.id, 'plain-qdl.com', clock.now(), exp('2027-01-01'));
    await insertDomain(app.deps.db, r.account.id, 'locked-qdl.com', clock.now(), exp('2027-02-01'), { locked: true, autorenew: true });
    const res = await call('query-domain-list', { 'auth-sid': r.sid, showstatus: 1 });
    assert.equal(res.get('Columns'), 'domain,expiration_date,domain_status');
    assert.equal(res.body, 'locked-qdl.com 2027-02-01 production,lock,autorenew\nplain-qdl.com 2027-01-01 production');
    const off = await call('query-domain-list', { 'auth-sid': r.sid, showstatus: 0 });
    assert.equal(off.get('Columns'), 'domain,expiration_date');
  });

  it("never lists another reseller's domains", async () => {
    const { call, clock, app } = t();
    const r = await t().reseller('qdl-frank');
    const other = await t().reseller('qdl-gina');
    await insertDomain(app.deps.db, other.account.id, 'theirs-qdl.com', clock.now(), clock.now() + DAY);
    assert.equal((await call('query-domain-list', { 'auth-sid': r.sid, pattern: 'theirs*' })).body, '');
    assert.equal((await call('query-domain-list', { 'auth-sid': other.sid, pattern: 'theirs*' })).body.split(' ')[0], 'theirs-qdl.com');
  });

  it('is open to read-only keys (GET too) and refused without a session', async () => {
    const { call } = t();
    const r = await t().reseller('qdl-hank');
    assert.equal((await call('query-domain-list', { 'auth-sid': await r.session('read-only'), pattern: '*' }, { method: 'GET' })).code, 0);
    assert.equal((await call('query-domain-list')).code, -401);
  });
});
