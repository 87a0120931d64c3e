import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, injectCall } from '../helpers/harness.ts';
import { domainReseller, later, money, registration, ordersOf, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { dialectsToTest, persistentDatabase } from '../helpers/databases.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createAccount, createApiKey } from '../../src/services/accounts.ts';
import { purgeKeys } from '../../src/services/idempotency.ts';
import { DAY } from '../../src/core/clock.ts';

/** .com registration for a year: 11.25 USD. */
const PRICE = 1125;

forEachDatabase('idempotency keys', (t) => {
  let alice: DomainReseller;
  const register = (domain: string, extra: Record<string, string | number> = {}, headers: Record<string, string> = {}) => injectCall(t().app.http, 'domain-register', registration(alice, domain, extra), { headers });
  const domains = async (name: string) => (await t().app.deps.db.selectFrom('domains').select('id').where('name', '=', name).execute()).length;

  it('setup', async () => {
    alice = await domainReseller(t(), 'idem-alice');
  });

  it('answers a repeated keyed request with the first reply: same Proc-ID, one registration, one charge', async () => {
    const before = await money(t(), alice.id);
    const first = await register('once-only.com', { 'idempotency-key': 'order-4711' });
    assert.equal(first.code, 0, first.raw);
    const again = await register('once-only.com', { 'idempotency-key': 'order-4711' });
    assert.equal(again.code, 0, again.raw);
    assert.equal(again.get('Proc-ID'), first.get('Proc-ID'));
    assert.equal(again.get('Account-Balance'), first.get('Account-Balance'));
    assert.notEqual(again.get('Tracking-Id'), first.get('Tracking-Id'), 'a new answer, the same content');
    await t().work();
    // And once the job is done, still the same answer: no second registration.
    const later = await register('once-only.com', { 'idempotency-key': 'order-4711' });
    assert.equal(later.get('Proc-ID'), first.get('Proc-ID'));
    await t().work();
    assert.equal(await domains('once-only.com'), 1);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - PRICE, reserved: before.reserved });
    assert.equal((await ordersOf(t(), alice.id, 'once-only.com')).length, 1);
    // Without a key the same request is a new one (and refused: the name is taken now).
    const unkeyed = await register('once-only.com');
    assert.notEqual(unkeyed.get('Proc-ID'), first.get('Proc-ID'));
  });

  it('keeps keys per account: another reseller\'s same key is a request of its own', async () => {
    const bob = await domainReseller(t(), 'idem-bob');
    const mine = await register('alices-key.com', { 'idempotency-key': 'shared-key' });
    const theirs = await injectCall(t().app.http, 'domain-register', registration(bob, 'bobs-key.com', { 'idempotency-key': 'shared-key' }));
    assert.equal(theirs.code, 0, theirs.raw);
    assert.notEqual(theirs.get('Proc-ID'), mine.get('Proc-ID'));
    await t().work();
    assert.equal(await domains('bobs-key.com'), 1);
  });

  it('takes the key from the Idempotency-Key header as well', async () => {
    const first = await register('by-header.com', {}, { 'idempotency-key': 'hdr-1' });
    const again = await register('by-header.com', { 'idempotency-key': 'hdr-1' });
    assert.equal(again.get('Proc-ID'), first.get('Proc-ID'));
  });

  it('refuses the same key with other parameters, and a malformed key', async () => {
    await register('first-use.com', { 'idempotency-key': 'reused' });
    const other = await register('second-use.com', { 'idempotency-key': 'reused' });
    assert.equal(other.code, 2306);
    assert.deepEqual(other.all('Error'), ["invalid 'idempotency-key' (reused was used within the last 24 hours for a domain-register with other parameters; use a new key)"]);
    assert.equal(other.get('Proc-ID'), undefined);
    const bad = await register('bad-key.com', { 'idempotency-key': 'has space' });
    assert.equal(bad.code, 2005);
    assert.equal(await domains('second-use.com') + (await domains('bad-key.com')), 0);
  });

  it('keeps no reply for a refused request: the same key runs again once the cause is gone', async () => {
    const poor = await domainReseller(t(), 'idem-poor', { balance: 100 });
    const call = () => injectCall(t().app.http, 'domain-register', registration(poor, 'when-paid.com', { 'idempotency-key': 'pay-later' }));
    assert.notEqual((await call()).code, 0, 'not enough money');
    await t().app.deps.db.updateTable('accounts').set({ balance: 100_000 }).where('id', '=', poor.id).execute();
    const paid = await call();
    assert.equal(paid.code, 0, paid.raw);
  });

  it('forgets keys after 24 hours', async () => {
    const first = await register('day-old.com', { 'idempotency-key': 'daily' });
    alice = await later(t(), alice, DAY + 1);
    assert.ok((await purgeKeys(t().app.deps.db, t().clock.now())) >= 1);
    const next = await register('day-old-2.com', { 'idempotency-key': 'daily' });
    assert.equal(next.code, 0, 'the key may be used for another request now');
    assert.notEqual(next.get('Proc-ID'), first.get('Proc-ID'));
  });
});

// Several nodes share a PostgreSQL database; SQLite has one server process, so there the two arrive at one node.
for (const dialect of dialectsToTest()) {
  const nodeCount = dialect === 'postgres' ? 2 : 1;
  describe(`idempotency keys, two requests at once [${dialect}, ${nodeCount} node(s)]`, () => {
    it('two identical keyed registrations at once: one registration, one charge, one Proc-ID', async () => {
      const db = await persistentDatabase(dialect);
      const clock = new ManualClock();
      const config = loadConfig({}, { logLevel: 'silent', worker: false, database: db.url });
      const handles = Array.from({ length: nodeCount }, () => db.open());
      const nodes: App[] = [];
      try {
        for (const handle of handles) nodes.push(await createApp({ config, clock, handle }));
        const account = await createAccount(nodes[0]!.deps.db, { login: 'idem-race', email: 'race@example.com', password: 'secret-pw', balance: 100_000 }, clock.now());
        const { key } = await createApiKey(nodes[0]!.deps.db, account.id, 'full', 'race', clock.now());
        const made = await injectCall(nodes[0]!.http, 'contact-create', { 'api-key': key, tld: 'com', name: 'Race Owner', email: 'race@example.org', 'address-1': 'Main Street 1', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
        await nodes[0]!.worker.runUntilIdle();
        const handle = (await nodes[0]!.deps.db.selectFrom('results').select('object_name').where('id', '=', Number(made.get('Proc-ID'))).executeTakeFirstOrThrow()).object_name;
        const params = { 'api-key': key, domain: 'raced.com', period: 12, 'owner-c': handle, 'admin-c': handle, 'tech-c': handle, 'billing-c': handle, 'ns-list': 'a.ns.joker.com:b.ns.joker.com', 'idempotency-key': 'race-1' };
        const [a, b] = await Promise.all([0, 1].map((i) => injectCall(nodes[i % nodes.length]!.http, 'domain-register', params)));
        assert.equal(a!.code, 0, a!.raw);
        assert.equal(b!.code, 0, b!.raw);
        assert.equal(a!.get('Proc-ID'), b!.get('Proc-ID'));
        await Promise.all(nodes.map((n) => n.worker.runUntilIdle()));
        const d = nodes[0]!.deps.db;
        assert.equal((await d.selectFrom('domains').select('id').where('name', '=', 'raced.com').execute()).length, 1);
        const orders = await d.selectFrom('orders').select(['type', 'status']).where('account_id', '=', account.id).where('identifier', '=', 'raced.com').execute();
        assert.deepEqual(orders, [{ type: 'create', status: 'ok' }]);
        assert.equal((await d.selectFrom('accounts').select('balance').where('id', '=', account.id).executeTakeFirstOrThrow()).balance, 100_000 - PRICE);
      } finally {
        for (const n of nodes) await n.close();
        for (const h of handles) await h.close();
        await db.drop();
      }
    });
  });
}
