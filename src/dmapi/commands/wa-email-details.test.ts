import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { domainAwaitingVerification } from '../../../test/helpers/whois.ts';

forEachDatabase('wa-email-details', (t) => {
  it('answers one status<TAB>email<TAB>domain line per domain of the account', async () => {
    const { call } = t();
    const r = await t().reseller('wd-a');
    const other = await t().reseller('wd-b');
    const { key } = await domainAwaitingVerification(t(), r.account.id, 'detail-one.com', 'd@example.org');
    await domainAwaitingVerification(t(), r.account.id, 'detail-two.com', 'd@example.org');
    await domainAwaitingVerification(t(), other.account.id, 'detail-other.com', 'd@example.org');
    const res = await call('wa-email-details', { 'auth-sid': r.sid, key });
    assert.equal(res.code, 0, res.raw);
    assert.equal(res.get('Separator'), 'TAB');
    assert.equal(res.body, 'verification\td@example.org\tdetail-one.com\nverification\td@example.org\tdetail-two.com\n');
    assert.equal((await call('wa-email-details', { 'auth-sid': other.sid, key })).body, 'verification\td@example.org\tdetail-other.com\n');

    assert.equal((await call('wa-email-verify', { 'auth-sid': r.sid, key, answer: 'yes' })).get('Result'), 'ACK');
    assert.equal((await call('wa-email-details', { 'auth-sid': r.sid, key })).body, 'verified\td@example.org\tdetail-one.com\nverified\td@example.org\tdetail-two.com\n');
  });

  it('answers 2303 for an unknown key and for a key of another reseller\'s domains', async () => {
    const { call } = t();
    const r = await t().reseller('wd-c');
    const other = await t().reseller('wd-d');
    const { key } = await domainAwaitingVerification(t(), other.account.id, 'detail-hidden.com', 'hidden@example.org');
    for (const k of [key, 'a'.repeat(32)]) {
      const res = await call('wa-email-details', { 'auth-sid': r.sid, key: k });
      assert.equal(res.code, 2303);
      assert.equal(res.get('Error'), 'the key matches no whois verification for a domain of this account');
    }
    assert.equal((await call('wa-email-details', { 'auth-sid': r.sid })).code, 2003);
  });
});
