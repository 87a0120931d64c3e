import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../../test/helpers/harness.ts';
import { insertDomain } from '../../../test/helpers/domain-rows.ts';
import { listMail } from '../../mail/outbox.ts';
import { DAY } from '../../core/clock.ts';
import { isoSeconds } from '../../core/dates.ts';

/** A seller offering `domain` (autorenew on, privacy paid) to `buyerLogin` with @creator; returns the mailed key. */
async function offer(t: TestApp, sellerLogin: string, buyerLogin: string, domain: string) {
  const seller = await t.reseller(sellerLogin);
  const buyer = await t.reseller(buyerLogin, { rebateBp: 1000 });
  const id = await insertDomain(t.app.deps.db, seller.account.id, domain, t.clock.now());
  const privacyUntil = t.clock.now() + 200 * DAY;
  await t.app.deps.db.updateTable('domains').set({ autorenew: 1, privacy: 'pro', privacy_origin: 'pro', privacy_expires_at: privacyUntil }).where('id', '=', id).execute();
  const r = await t.call('grants-invite', { 'auth-sid': seller.sid, domain, email: buyer.account.email, role: '@creator', 'client-uid': buyer.account.id });
  assert.equal(r.code, 0, r.raw);
  const [mail] = await listMail(t.app.deps.db, { to: buyer.account.email, kind: 'grant-invitation' });
  return { seller, buyer, id, privacyUntil, key: /Invitation key: (\S+)/.exec(mail!.body)![1]! };
}

forEachDatabase('grants-invitation', (t) => {
  it('shows the invited account the terms of a @creator move with its own renewal price, changing nothing', async () => {
    const { app, call, clock } = t();
    const { buyer, id, privacyUntil, key } = await offer(t(), 'gv-seller', 'gv-buyer', 'terms.com');
    const ro = await buyer.session('read-only');
    const r = await call('grants-invitation', { 'auth-sid': ro, key });
    assert.equal(r.code, 0, r.raw);
    const d = await app.deps.db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const priceList = await call('query-price-list', { 'auth-sid': buyer.sid, tld: 'com' });
    assert.equal(priceList.code, 0);
    const [head, sentences] = r.body.split('\n\n');
    const kv = new Map(head!.split('\n').map((l) => l.split(': ') as [string, string]));
    assert.equal(kv.get('domain'), 'terms.com');
    assert.equal(kv.get('role'), '@creator');
    assert.equal(kv.get('inviter'), 'gv-seller');
    assert.equal(kv.get('expires'), isoSeconds(clock.now() + 30 * DAY));
    assert.equal(kv.get('domain-expires'), isoSeconds(d.expires_at));
    assert.equal(kv.get('autorenew'), 'on');
    // The buyer's 10 % rebate applies: 90 % of the .com renewal list price, with its currency.
    assert.match(kv.get('renewal-price')!, /^\d+\.\d\d USD$/);
    assert.equal(kv.get('privacy'), 'pro');
    assert.equal(kv.get('privacy-expires'), isoSeconds(privacyUntil));
    assert.match(sentences!, new RegExp(`charged to the receiving account, now ${kv.get('renewal-price')!.replace('.', '\\.')} a year at its prices`));
    assert.match(sentences!, /Whois privacy \(pro\) is paid until \d{4}-\d\d-\d\d; it is renewed with the domain/);
    assert.equal((await app.deps.db.selectFrom('grants').select('state').where('domain_id', '=', id).executeTakeFirstOrThrow()).state, 'pending');
  });

  it('answers 2303 to anyone but the invited account, and for unknown or answered keys', async () => {
    const { call } = t();
    const { seller, buyer, key } = await offer(t(), 'gv-seller2', 'gv-buyer2', 'private-offer.com');
    const stranger = await t().reseller('gv-stranger');
    for (const [sid, k] of [[stranger.sid, key], [seller.sid, key], [buyer.sid, 'f'.repeat(32)]] as const) {
      const r = await call('grants-invitation', { 'auth-sid': sid, key: k });
      assert.equal(r.code, 2303);
      assert.equal(r.get('Error'), 'no pending invitation with this key for this account');
    }
    assert.equal((await call('grants-accept', { 'auth-sid': buyer.sid, key, answer: 'no' })).code, 0);
    assert.equal((await call('grants-invitation', { 'auth-sid': buyer.sid, key })).code, 2303);
  });

  it('shows the plain facts of an invitation for another role, without terms', async () => {
    const { app, call, clock } = t();
    const owner = await t().reseller('gv-owner3');
    const helper = await t().reseller('gv-helper3');
    await insertDomain(app.deps.db, owner.account.id, 'help.com', clock.now());
    assert.equal((await call('grants-invite', { 'auth-sid': owner.sid, domain: 'help.com', email: helper.account.email, role: '@tech' })).code, 0);
    const [mail] = await listMail(app.deps.db, { to: helper.account.email, kind: 'grant-invitation' });
    const key = /Invitation key: (\S+)/.exec(mail!.body)![1]!;
    assert.doesNotMatch(mail!.body, /What you take on/);
    const r = await call('grants-invitation', { 'auth-sid': helper.sid, key });
    assert.equal(r.body, `domain: help.com\nrole: @tech\ninviter: gv-owner3\nexpires: ${isoSeconds(clock.now() + 30 * DAY)}\n`);
  });
});
