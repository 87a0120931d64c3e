import { afterEach, beforeEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type Reseller } from '../helpers/harness.ts';
import { addDomain, addGrant } from '../helpers/zones.ts';
import { referenceMatch } from '../helpers/glob-reference.ts';
import { createDefaultZone } from '../../src/zone/store.ts';

/**
 * Every request that takes a pattern, with patterns that made the old RegExp matcher backtrack for
 * hours (a request froze the whole process): each must answer, and answer exactly what the
 * reference matcher says of its unfiltered list. The generous timeouts only turn a regression into
 * a failure instead of a hung run.
 */
const TIMEOUT = { timeout: 120_000 };
const pathological = [
  '*'.repeat(28) + 'x',
  '*a'.repeat(124) + '*z',
  '*?'.repeat(40) + '*-1?.com',
  '*A?*'.repeat(15) + '-1?.COM',
  '?*'.repeat(125),
  '*a?'.repeat(60) + '*',
];
const numeric = ['*?'.repeat(100) + '*', '*'.repeat(60) + '?' + '*'.repeat(60), '*?*?*1', '?'.repeat(1) + '*'.repeat(200)];
const long = (n: number) => 'a'.repeat(56) + `-${n}.com`;

forEachDatabase('pathological patterns', (t) => {
  let alice: Reseller;
  let readOnly: string;
  const lines = (body: string) => body.split('\n').filter((l) => l !== '');
  let matches = 0;
  /** The lines of `all` whose `key` matches; counts them, so a test can show it was not vacuous. */
  const filtered = (all: string[], pattern: string, key: (line: string) => string) => {
    const out = all.filter((l) => referenceMatch(pattern, key(l)));
    matches += out.length;
    return out;
  };
  beforeEach(() => (matches = 0));
  afterEach((c) => {
    if (!c.name.startsWith('setup')) assert.ok(matches > 0, `${c.name}: no pattern matched anything`);
  });

  it('setup: an account with long names everywhere, some of them granted by another account', async () => {
    const { app, clock } = t();
    const db = app.deps.db;
    alice = await t().reseller('pat-alice');
    const bob = await t().reseller('pat-bob');
    readOnly = await alice.session('read-only');
    const now = clock.now();
    for (let i = 0; i < 24; i++) {
      const id = await addDomain(t(), alice.account.id, long(i));
      if (i % 2 === 0) await db.transaction().execute((trx) => createDefaultZone(trx, id, now));
      await db.insertInto('hosts').values({ account_id: alice.account.id, name: `ns${i}.${'a'.repeat(60)}.${'a'.repeat(60)}.${'a'.repeat(56)}-${i}.com`, created_at: now, updated_at: now }).execute();
      await db.insertInto('contacts').values({ account_id: alice.account.id, handle: `CCOM-${1000 + i}`, tld: 'com', name: 'Pat Tern', organization: '', email: 'pat@example.org', fields: '{}', created_at: now, updated_at: now }).execute();
      await db.insertInto('results').values({ account_id: alice.account.id, svtrid: `${'a'.repeat(28)}${String(i).padStart(4, '0')}`, cltrid: `${'a'.repeat(200)}-${i}.com`, request_type: i % 3 ? 'domain-register' : 'domain-renew', object_name: long(i), status: 'ack', content: 'ok', created_at: now, completed_at: now, deleted_at: null }).execute();
      await db.insertInto('orders').values({ account_id: alice.account.id, proc_id: null, created_at: now, completed_at: now, status: 'ok', type: 'domain-register', amount_brutto: 1000, amount_netto: 1000, currency: 'USD', identifier: long(i), tld: 'com', refund_of: null }).execute();
    }
    for (let i = 50; i < 56; i++) {
      const id = await addDomain(t(), bob.account.id, long(i));
      await db.transaction().execute((trx) => createDefaultZone(trx, id, now));
      await addGrant(t(), id, bob.account.id, alice.account.id, '@admin');
    }
  });

  it('dns-zone-list', TIMEOUT, async () => {
    const all = lines((await t().call('dns-zone-list', { 'auth-sid': readOnly })).body);
    assert.equal(all.length, 18);
    for (const pattern of pathological) {
      const r = await t().call('dns-zone-list', { 'auth-sid': readOnly, pattern });
      assert.equal(r.code, 0, r.raw);
      assert.deepEqual(lines(r.body), filtered(all, pattern, (l) => l.split(' ')[0]!), pattern);
    }
  });

  it('query-domain-list (own and granted domains)', TIMEOUT, async () => {
    const all = lines((await t().call('query-domain-list', { 'auth-sid': readOnly })).body);
    assert.equal(all.length, 30);
    for (const pattern of pathological) {
      const r = await t().call('query-domain-list', { 'auth-sid': readOnly, pattern });
      assert.equal(r.code, 0, r.raw);
      assert.deepEqual(lines(r.body), filtered(all, pattern, (l) => l.split(' ')[0]!), pattern);
    }
  });

  it('domain-set-property (own and granted domains)', TIMEOUT, async () => {
    const db = t().app.deps.db;
    const optedOut = async () => (await db.selectFrom('domains').select('name').where('whois_opt_out', '=', 1).orderBy('name').execute()).map((d) => d.name);
    const names = (await db.selectFrom('domains').select('name').orderBy('name').execute()).map((d) => d.name);
    for (const pattern of pathological) {
      assert.equal((await t().call('domain-set-property', { 'auth-sid': alice.sid, domain: '*', pname: 'whois-opt-out', pvalue: '0' })).code, 0);
      const r = await t().call('domain-set-property', { 'auth-sid': alice.sid, domain: pattern, pname: 'whois-opt-out', pvalue: '1' });
      const expected = filtered(names, pattern, (n) => n);
      assert.equal(r.code, expected.length ? 0 : 2303, r.raw);
      assert.deepEqual(await optedOut(), expected, pattern);
    }
    // Matched as given, with A-Z folded and one trailing dot dropped; a U-label pattern matches no A-label.
    assert.equal((await t().call('domain-set-property', { 'auth-sid': alice.sid, domain: '*', pname: 'whois-opt-out', pvalue: '0' })).code, 0);
    assert.equal((await t().call('domain-set-property', { 'auth-sid': alice.sid, domain: 'A*-1?.COM.', pname: 'whois-opt-out', pvalue: '1' })).code, 0);
    assert.deepEqual(await optedOut(), filtered(names, 'a*-1?.com', (n) => n));
    assert.equal((await t().call('domain-set-property', { 'auth-sid': alice.sid, domain: 'ä*.com', pname: 'whois-opt-out', pvalue: '1' })).code, 2303);
  });

  it('query-ns-list', TIMEOUT, async () => {
    const all = lines((await t().call('query-ns-list', { 'auth-sid': readOnly })).body);
    assert.equal(all.length, 24);
    for (const pattern of pathological) {
      const r = await t().call('query-ns-list', { 'auth-sid': readOnly, pattern });
      assert.equal(r.code, 0, r.raw);
      assert.deepEqual(lines(r.body), filtered(all, pattern, (l) => l), pattern);
    }
  });

  it('query-contact-list', TIMEOUT, async () => {
    const all = lines((await t().call('query-contact-list', { 'auth-sid': readOnly })).body);
    assert.equal(all.length, 24);
    for (const pattern of [...pathological, '*C?*'.repeat(40) + '*1?', '*c*o*m*-*1*0*?*']) {
      const r = await t().call('query-contact-list', { 'auth-sid': readOnly, pattern });
      const expected = filtered(all, pattern, (l) => l);
      assert.equal(r.code, expected.length ? 0 : 2303, r.raw);
      if (expected.length) assert.deepEqual(lines(r.body), expected, pattern);
    }
  });

  it('query-order-list fqdn-like', TIMEOUT, async () => {
    const all = lines((await t().call('query-order-list', { 'auth-sid': readOnly })).body);
    assert.equal(all.length, 24);
    for (const pattern of pathological) {
      const r = await t().call('query-order-list', { 'auth-sid': readOnly, 'fqdn-like': pattern });
      assert.equal(r.code, 0, r.raw);
      assert.deepEqual(lines(r.body), filtered(all, pattern, (l) => l.split('\t')[8]!), pattern);
    }
  });

  it('result-list rtype, objid, procid, svtrid and cltrid', TIMEOUT, async () => {
    const all = lines((await t().call('result-list', { 'auth-sid': readOnly })).body);
    assert.ok(all.length >= 24);
    const field = { procid: 2, rtype: 3, objid: 4, svtrid: 1, cltrid: 6 } as const;
    for (const [param, index] of Object.entries(field)) {
      for (const pattern of param === 'procid' ? numeric : pathological) {
        const r = await t().call('result-list', { 'auth-sid': readOnly, [param]: pattern });
        assert.equal(r.code, 0, r.raw);
        assert.deepEqual(lines(r.body), filtered(all, pattern, (l) => l.split(' ')[index]!), `${param}=${pattern}`);
      }
    }
  });
});
