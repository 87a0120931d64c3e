import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';

forEachDatabase('query-account-balance', (t) => {
  it('answers available, pending, total and currency, TAB-separated', async () => {
    const { call } = t();
    const r = await t().reseller('qab-alice', { balance: 100_000 });
    const res = await call('query-account-balance', { 'auth-sid': r.sid });
    assert.equal(res.code, 0);
    assert.equal(res.get('Status-Text'), 'Command completed successfully');
    assert.equal(res.get('Columns'), 'available,pending,total,currency');
    assert.equal(res.get('Separator'), 'TAB');
    assert.equal(res.body, '1000.00\t0.00\t1000.00\tUSD\n');
  });

  it('subtracts money reserved for queued operations from what is available', async () => {
    const { call, app } = t();
    const r = await t().reseller('qab-bob', { balance: 50_000 });
    await app.deps.db.updateTable('accounts').set({ reserved: 12_345 }).where('id', '=', r.account.id).execute();
    const res = await call('query-account-balance', { 'auth-sid': r.sid });
    const [available, pending, total, currency] = res.body.trimEnd().split('\t');
    assert.deepEqual({ available, pending, total, currency }, { available: '376.55', pending: '123.45', total: '500.00', currency: 'USD' });
    assert.equal(res.get('Account-Balance'), '376.55');
  });

  it('formats the account currency with its own exponent', async () => {
    const { call } = t();
    const eur = await t().reseller('qab-carol', { currency: 'EUR', balance: 7 });
    assert.equal((await call('query-account-balance', { 'auth-sid': eur.sid })).body, '0.07\t0.00\t0.07\tEUR\n');
    const jpy = await t().reseller('qab-dan', { currency: 'JPY', balance: 1500 });
    assert.equal((await call('query-account-balance', { 'auth-sid': jpy.sid })).body, '1500\t0\t1500\tJPY\n');
  });

  it("shows only the caller's own balance; read-only keys may read it; no session is refused", async () => {
    const { call } = t();
    await t().reseller('qab-erin', { balance: 999_999 });
    const r = await t().reseller('qab-frank', { balance: 1 });
    assert.equal((await call('query-account-balance', { 'auth-sid': await r.session('read-only') })).body, '0.01\t0.00\t0.01\tUSD\n');
    assert.equal((await call('query-account-balance')).code, -401);
  });
});
