import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { parseKeyValues } from '../reply.ts';
import { loginStamp } from '../../core/dates.ts';

/** The keys HG, RPANEL, WHMCS and CE read from query-profile (dmapi-wire §3). */
const clientKeys = [
  'customer-id', 'fname', 'lname', 'organization', 'city', 'address-1', 'address-2', 'postal-code', 'state', 'phone', 'fax',
  'balance', 'vat-id', 'last-payment', 'last-access', 'admin_email', 'robot_email', 'checkd_ip', 'http', 'url',
  'whois1', 'whois2', 'whois3', 'whois4',
];

forEachDatabase('query-profile', (t) => {
  it('answers the profile as key: value lines with every key clients read', async () => {
    const { call, app } = t();
    const r = await t().reseller('qp-alice', {
      balance: 123_456,
      profile: { fname: 'Alice', lname: 'Liddell', organization: 'Wonder Ltd', city: 'Oxford', 'address-1': '1 High St', 'postal-code': 'OX1', admin_email: 'admin@example.com', checkd_ip: '192.0.2.1,192.0.2.2' },
    });
    await app.deps.db.updateTable('accounts').set({ reserved: 456 }).where('id', '=', r.account.id).execute();
    const res = await call('query-profile', { 'auth-sid': r.sid });
    assert.equal(res.code, 0);
    assert.equal(res.get('Status-Text'), 'Command completed successfully');
    assert.ok(res.body.endsWith('\n'));
    for (const line of res.body.trimEnd().split('\n')) assert.match(line, /^[a-z0-9_-]+: /, `line ${JSON.stringify(line)} is not "key: value"`);
    const kv = new Map(parseKeyValues(res.body));
    for (const k of clientKeys) assert.ok(kv.has(k), `missing key ${k}`);
    assert.equal(kv.get('customer-id'), String(r.account.id));
    assert.equal(kv.get('fname'), 'Alice');
    assert.equal(kv.get('lname'), 'Liddell');
    assert.equal(kv.get('organization'), 'Wonder Ltd');
    assert.equal(kv.get('city'), 'Oxford');
    assert.equal(kv.get('address-1'), '1 High St');
    assert.equal(kv.get('admin_email'), 'admin@example.com');
    assert.equal(kv.get('checkd_ip'), '192.0.2.1,192.0.2.2');
    assert.equal(kv.get('vat-id'), '');
    // The balance clients check before renewals is what is available: booked minus reserved.
    assert.equal(kv.get('balance'), '1230.00');
    assert.equal(kv.get('currency'), 'USD');
    assert.equal(res.get('Account-Balance'), '1230.00');
  });

  it('reports the last login as last-access', async () => {
    const { call, clock } = t();
    await t().reseller('qp-bob');
    const at = clock.now();
    const login = await call('login', { username: 'qp-bob', password: 'secret-pw' });
    clock.advance(5000);
    const res = await call('query-profile', { 'auth-sid': login.get('Auth-Sid')! });
    assert.equal(new Map(parseKeyValues(res.body)).get('last-access'), loginStamp(at));
  });

  it('shows each reseller only its own profile', async () => {
    const { call } = t();
    const a = await t().reseller('qp-carol', { profile: { fname: 'Carol' } });
    const b = await t().reseller('qp-dan', { profile: { fname: 'Dan' } });
    assert.equal(new Map(parseKeyValues((await call('query-profile', { 'auth-sid': a.sid })).body)).get('fname'), 'Carol');
    const kb = new Map(parseKeyValues((await call('query-profile', { 'auth-sid': b.sid })).body));
    assert.equal(kb.get('fname'), 'Dan');
    assert.equal(kb.get('customer-id'), String(b.account.id));
  });

  it('is open to read-only and modify-only keys, and refused without a session', async () => {
    const { call } = t();
    const r = await t().reseller('qp-erin');
    for (const scope of ['read-only', 'modify-only'] as const) assert.equal((await call('query-profile', { 'auth-sid': await r.session(scope) })).code, 0);
    const none = await call('query-profile');
    assert.equal(none.code, -401);
    assert.equal(none.get('Account-Balance'), undefined);
  });
});
