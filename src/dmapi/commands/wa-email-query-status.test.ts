import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { domainAwaitingVerification } from '../../../test/helpers/whois.ts';
import { runVerificationDeadlines } from '../../services/verification.ts';

forEachDatabase('wa-email-query-status', (t) => {
  it('answers one word for each state of an owner address', async () => {
    const { app, call, clock } = t();
    const r = await t().reseller('wq-a');
    const other = await t().reseller('wq-b');
    const status = async (email: string, sid = r.sid) => {
      const res = await call('wa-email-query-status', { 'auth-sid': sid, email });
      assert.equal(res.code, 0, res.raw);
      return res.body;
    };
    assert.equal(await status('never@example.org'), 'unverified');
    const { deadline } = await domainAwaitingVerification(t(), r.account.id, 'status-pending.com', 'Waiting@example.org');
    assert.equal(await status('waiting@EXAMPLE.org'), 'pending');
    // Another reseller learns nothing about this address.
    assert.equal(await status('waiting@example.org', other.sid), 'unverified');
    clock.set(deadline);
    await runVerificationDeadlines({ db: app.deps.db, now: clock.now(), deps: app.deps });
    const sid = await r.session('read-only');
    assert.equal(await status('waiting@example.org', sid), 'invalid');
    assert.equal((await call('wa-email-query-status', { 'auth-sid': sid, email: 'x' })).code, 2005);
  });
});
