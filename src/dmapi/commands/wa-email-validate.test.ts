import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { domainAwaitingVerification } from '../../../test/helpers/whois.ts';
import { listMail } from '../../mail/outbox.ts';
import { DAY } from '../../core/clock.ts';
import { runVerificationDeadlines } from '../../services/verification.ts';

forEachDatabase('wa-email-validate', (t) => {
  it('sends the verification mail again with the original key: Result ACK', async () => {
    const { app, call, clock } = t();
    const r = await t().reseller('wva-a');
    const { key, deadline } = await domainAwaitingVerification(t(), r.account.id, 'resend-one.com', 'again@example.org');
    await domainAwaitingVerification(t(), r.account.id, 'resend-two.com', 'again@example.org');
    // Also once the deadline has passed and the domains are suspended.
    clock.set(deadline + DAY);
    await runVerificationDeadlines({ db: app.deps.db, now: clock.now(), deps: app.deps });
    const sid = await r.session('full');
    const res = await call('wa-email-validate', { 'auth-sid': sid, email: 'Again@example.org' });
    assert.equal(res.code, 0, res.raw);
    assert.equal(res.get('Result'), 'ACK');
    assert.ok(res.get('Proc-ID'));
    const [latest] = await listMail(app.deps.db, { to: 'again@example.org' });
    assert.equal(latest!.kind, 'whois-verification');
    assert.equal(latest!.created_at, clock.now());
    assert.ok(latest!.body.includes(`Verification key: ${key}`));
    assert.ok(latest!.body.includes('  resend-one.com\n  resend-two.com\n'), latest!.body);
    const result = await call('result-retrieve', { 'auth-sid': sid, 'proc-id': res.get('Proc-ID')! });
    assert.match(result.body, /Object-Name: again@example\.org/);
  });

  it('answers Result NACK, still with Status-Code 0, when nothing waits on the account\'s domains', async () => {
    const { app, call } = t();
    const r = await t().reseller('wva-b');
    const other = await t().reseller('wva-c');
    const { key } = await domainAwaitingVerification(t(), r.account.id, 'resend-done.com', 'done@example.org');
    await domainAwaitingVerification(t(), other.account.id, 'resend-foreign.com', 'foreign@example.org');
    await call('wa-email-verify', { 'auth-sid': r.sid, key, answer: 'yes' });
    const before = (await listMail(app.deps.db)).length;
    for (const email of ['done@example.org', 'unknown@example.org', 'foreign@example.org']) {
      const res = await call('wa-email-validate', { 'auth-sid': r.sid, email });
      assert.equal(res.code, 0);
      assert.equal(res.get('Result'), 'NACK', email);
      assert.equal(res.all('Error').length, 0);
    }
    assert.equal((await listMail(app.deps.db)).length, before);
  });

  it('needs a modifying key and a real address', async () => {
    const { call } = t();
    const r = await t().reseller('wva-d');
    assert.equal((await call('wa-email-validate', { 'auth-sid': await r.session('read-only'), email: 'x@example.org' })).code, 2201);
    assert.equal((await call('wa-email-validate', { 'auth-sid': await r.session('modify-only'), email: 'x@example.org' })).code, 0);
    const bad = await call('wa-email-validate', { 'auth-sid': r.sid, email: 'no-at-sign' });
    assert.equal(bad.code, 2005);
    assert.equal(bad.get('Error'), "invalid 'email' (not an e-mail address)");
    assert.equal((await call('wa-email-validate', { 'auth-sid': r.sid })).code, 2003);
  });
});
