import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { domainAwaitingVerification } from '../../../test/helpers/whois.ts';
import { DAY } from '../../core/clock.ts';

forEachDatabase('wa-email-list', (t) => {
  it('lists the account\'s waiting owner addresses, TAB-separated with the deadline in ISO format', async () => {
    const { call, clock } = t();
    const r = await t().reseller('wl-a');
    const other = await t().reseller('wl-b');
    const empty = await call('wa-email-list', { 'auth-sid': r.sid });
    assert.equal(empty.code, 0);
    assert.equal(empty.get('Columns'), 'email,domain,verification-expires');
    assert.equal(empty.get('Separator'), 'TAB');
    assert.equal(empty.body, '');

    await domainAwaitingVerification(t(), r.account.id, 'zeta-list.com', 'Zed@Example.org');
    clock.advance(DAY);
    await domainAwaitingVerification(t(), r.account.id, 'alpha-list.com', 'al@example.org');
    await domainAwaitingVerification(t(), other.account.id, 'foreign-list.com', 'zed@example.org');
    // A day later the sessions have timed out: log in again.
    const list = await call('wa-email-list', { 'auth-sid': await r.session('full') });
    assert.equal(list.code, 0);
    // clock start 2026-01-15T12:00:00Z; deadlines 15 days after each start.
    assert.equal(list.body, 'zed@example.org\tzeta-list.com\t2026-01-30T12:00:00Z\nal@example.org\talpha-list.com\t2026-01-31T12:00:00Z\n');
    assert.equal((await call('wa-email-list', { 'auth-sid': await other.session('full') })).body, 'zed@example.org\tforeign-list.com\t2026-01-31T12:00:00Z\n');
    assert.equal((await call('wa-email-list', { 'auth-sid': await r.session('read-only') })).code, 0);
  });
});
