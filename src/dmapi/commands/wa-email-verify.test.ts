import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../../test/helpers/harness.ts';
import { domainAwaitingVerification } from '../../../test/helpers/whois.ts';
import { WHOIS_SUSPENSION } from '../../services/verification.ts';

const domain = (t: TestApp, name: string) => t.app.deps.db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirstOrThrow();

forEachDatabase('wa-email-verify', (t) => {
  it('verifies with answer=yes: Result ACK, nothing waits any more', async () => {
    const { call } = t();
    const r = await t().reseller('wve-a');
    const { key } = await domainAwaitingVerification(t(), r.account.id, 'verify-yes.com', 'yes@example.org');
    const res = await call('wa-email-verify', { 'auth-sid': r.sid, key, answer: 'YES' });
    assert.equal(res.code, 0, res.raw);
    assert.equal(res.get('Result'), 'ACK');
    assert.ok(res.get('Proc-ID'));
    assert.equal(res.body, '');
    assert.equal((await call('wa-email-list', { 'auth-sid': r.sid })).body, '');
    assert.equal((await call('wa-email-query-status', { 'auth-sid': r.sid, email: 'yes@example.org' })).body, 'verified');
    const result = await call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': res.get('Proc-ID')! });
    assert.match(result.body, /Completion-Status: ack/);
    assert.match(result.body, /yes@example\.org verified/);
  });

  it('records answer=no: Result NACK and the domain is suspended at once', async () => {
    const { call, clock } = t();
    const r = await t().reseller('wve-b');
    const { key } = await domainAwaitingVerification(t(), r.account.id, 'verify-no.com', 'nope@example.org');
    const res = await call('wa-email-verify', { 'auth-sid': r.sid, key, answer: 'no' });
    assert.equal(res.code, 0);
    assert.equal(res.get('Result'), 'NACK');
    const d = await domain(t(), 'verify-no.com');
    assert.equal(d.suspended_at, clock.now());
    assert.equal(d.suspension_reason, WHOIS_SUSPENSION);
    assert.equal((await call('wa-email-query-status', { 'auth-sid': r.sid, email: 'nope@example.org' })).body, 'invalid');
    // Changing one's mind later still works.
    assert.equal((await call('wa-email-verify', { 'auth-sid': r.sid, key, answer: 'yes' })).get('Result'), 'ACK');
    assert.equal((await domain(t(), 'verify-no.com')).suspended_at, null);
    // But not the other way round.
    assert.equal((await call('wa-email-verify', { 'auth-sid': r.sid, key, answer: 'no' })).get('Result'), 'NACK');
    assert.equal((await domain(t(), 'verify-no.com')).suspended_at, null);
  });

  it('answers NACK for a wrong key and for a key of another reseller\'s domain, changing nothing', async () => {
    const { call } = t();
    const r = await t().reseller('wve-c');
    const other = await t().reseller('wve-d');
    const { key } = await domainAwaitingVerification(t(), other.account.id, 'verify-foreign.com', 'foreign@example.org');
    for (const k of [key, 'b'.repeat(32)]) {
      const res = await call('wa-email-verify', { 'auth-sid': r.sid, key: k, answer: 'yes' });
      assert.equal(res.code, 0);
      assert.equal(res.get('Result'), 'NACK');
    }
    assert.equal((await call('wa-email-query-status', { 'auth-sid': other.sid, email: 'foreign@example.org' })).body, 'pending');
  });

  it('checks its parameters and the key scope', async () => {
    const { call } = t();
    const r = await t().reseller('wve-e');
    const maybe = await call('wa-email-verify', { 'auth-sid': r.sid, key: 'k', answer: 'maybe' });
    assert.equal(maybe.code, 2005);
    assert.equal(maybe.get('Error'), "invalid 'answer' (must be one of yes, no)");
    assert.equal((await call('wa-email-verify', { 'auth-sid': r.sid, key: 'k' })).code, 2003);
    assert.equal((await call('wa-email-verify', { 'auth-sid': await r.session('read-only'), key: 'k', answer: 'yes' })).code, 2201);
  });
});
