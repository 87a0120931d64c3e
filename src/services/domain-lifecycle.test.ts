import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { newContact } from '../../test/helpers/registry-fixtures.ts';
import { atRegistry, domainReseller, domainRow, later, money, ordersOf, performed, registered, registryStatus, type DomainReseller } from '../../test/helpers/domain-fixtures.ts';
import { DAY, HOUR } from '../core/clock.ts';
import { addMonths } from '../core/period.ts';
import { AUTORENEW_LEAD_MS, runAutorenew, runExpiry, runPrivacyExpiry, runRedemption } from './domain-lifecycle.ts';

forEachDatabase('domain lifecycle', (t) => {
  let alice: DomainReseller;
  const deps = () => t().app.deps;
  const now = () => t().clock.now();
  const results = async (name: string) =>
    (await deps().db.selectFrom('results').select(['request_type', 'status', 'content']).where('object_name', '=', name).orderBy('id').execute()).filter((r) => r.request_type !== 'domain-register');
  const setBalance = (id: number, balance: number) => deps().db.updateTable('accounts').set({ balance }).where('id', '=', id).execute();

  it('setup', async () => {
    alice = await domainReseller(t(), 'life-alice', { balance: 1_000_000 });
  });

  it('autorenews a day before expiry when the funds suffice: charged, a result and a renew order, the registry in step', async () => {
    await registered(t(), alice, 'auto-life.com', { autorenew: 1 });
    const d = (await domainRow(t(), 'auto-life.com'))!;
    t().clock.advance(d.expires_at - now() - AUTORENEW_LEAD_MS - 1000);
    assert.ok(!(await runAutorenew(deps(), now())).includes('auto-life.com'), 'not yet due');
    t().clock.advance(2000);
    const before = await money(t(), alice.id);
    assert.ok((await runAutorenew(deps(), now())).includes('auto-life.com'));
    const after = (await domainRow(t(), 'auto-life.com'))!;
    assert.equal(after.expires_at, addMonths(d.expires_at, 12));
    assert.equal((await atRegistry(t(), 'auto-life.com'))!.expiresAt, after.expires_at);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125, reserved: 0 });
    const [r] = await results('auto-life.com');
    assert.equal(r!.request_type, 'domain-autorenew');
    assert.equal(r!.status, 'ack');
    assert.match(r!.content!, /^result_msg: auto-life.com renewed automatically by 12 months; expires \d{4}-\d{2}-\d{2}\ncharged: 11.25 USD$/);
    assert.deepEqual((await ordersOf(t(), alice.id, 'auto-life.com')).map((o) => [o.type, o.status, o.amount_brutto]), [['create', 'ok', 1125], ['renew', 'ok', 1125]]);
    const ledger = await deps().db.selectFrom('ledger').select(['kind', 'amount']).where('account_id', '=', alice.id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    assert.deepEqual(ledger, { kind: 'commit', amount: -1125 }, 'held first, booked once the registry renewed');
    alice = await later(t(), alice, 0);
    const list = await t().call('result-list', { 'auth-sid': alice.sid, rtype: 'domain-autorenew' });
    assert.match(list.body, / domain-autorenew auto-life.com ack -$/m);
    assert.ok(!(await runAutorenew(deps(), now())).includes('auto-life.com'), 'renewed once only');
  });

  it('renews an active privacy subscription with the domain', async () => {
    await registered(t(), alice, 'auto-priv-life.com', { autorenew: 1, privacy: 'pro' });
    const d = (await domainRow(t(), 'auto-priv-life.com'))!;
    t().clock.advance(d.expires_at - now() - HOUR);
    const before = await money(t(), alice.id);
    assert.ok((await runAutorenew(deps(), now())).includes('auto-priv-life.com'));
    const after = (await domainRow(t(), 'auto-priv-life.com'))!;
    assert.deepEqual([after.privacy, after.privacy_expires_at], ['pro', after.expires_at]);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125 - 600, reserved: 0 });
  });

  it('without funds: the attempt is recorded, the domain expires into redemption and is purged after redemption and pending delete', async () => {
    alice = await later(t(), alice, 0);
    await registered(t(), alice, 'broke-life.com', { autorenew: 1 });
    const d = (await domainRow(t(), 'broke-life.com'))!;
    const funds = await money(t(), alice.id);
    await setBalance(alice.id, 500);
    t().clock.advance(d.expires_at - now() - HOUR);
    assert.ok(!(await runAutorenew(deps(), now())).includes('broke-life.com'));
    assert.ok(!(await runAutorenew(deps(), now())).includes('broke-life.com'), 'one attempt per expiry date');
    let r = await results('broke-life.com');
    assert.equal(r.length, 1);
    assert.deepEqual([r[0]!.request_type, r[0]!.status], ['domain-autorenew', 'nack']);
    assert.match(r[0]!.content!, /^result_msg: broke-life.com was not renewed automatically: insufficient funds for renew of broke-life.com \(11.25 USD needed, 5.00 USD available\)\nexpires: /);
    assert.deepEqual((await ordersOf(t(), alice.id, 'broke-life.com')).at(-1), { type: 'renew', status: 'error', amount_brutto: 1125, refund_of: null });
    assert.equal((await domainRow(t(), 'broke-life.com'))!.status, 'active');

    t().clock.advance(2 * HOUR);
    assert.ok((await runExpiry(deps(), now())).includes('broke-life.com'));
    const gone = (await domainRow(t(), 'broke-life.com'))!;
    assert.deepEqual([gone.status, gone.deleted_at, gone.redemption_ends_at, gone.purge_at], ['redemption', now(), now() + 30 * DAY, now() + 35 * DAY]);
    const reg = (await atRegistry(t(), 'broke-life.com'))!;
    assert.ok(reg.rgp.includes('redemptionPeriod'), 'deleted at the registry inside its auto-renew grace period');
    r = await results('broke-life.com');
    assert.deepEqual(r.map((x) => [x.request_type, x.status]), [['domain-autorenew', 'nack'], ['domain-autorenew', 'nack'], ['domain-expire', 'ack']]);
    assert.match(r[2]!.content!, /^result_msg: broke-life.com expired: the automatic renewal failed on \d{4}-\d{2}-\d{2}\nredemption: restorable with domain-redeem until \d{4}-\d{2}-\d{2}\npurge_date: /);
    assert.deepEqual((await ordersOf(t(), alice.id, 'broke-life.com')).at(-1), { type: 'delete_domain', status: 'ok', amount_brutto: 0, refund_of: null });
    assert.equal(await money(t(), alice.id).then((m) => m.balance), 500, 'no money moved');
    await setBalance(alice.id, funds.balance);
    alice = await later(t(), alice, 0);
    assert.doesNotMatch((await t().call('query-domain-list', { 'auth-sid': alice.sid })).body, /broke-life.com/);

    t().clock.advance(30 * DAY);
    assert.ok((await runRedemption(deps(), now())).ended.includes('broke-life.com'));
    assert.equal((await domainRow(t(), 'broke-life.com'))!.status, 'pending-delete');
    alice = await later(t(), alice, 0);
    assert.equal((await t().call('domain-redeem', { 'auth-sid': alice.sid, domain: 'broke-life.com' })).code, 2304);
    t().clock.advance(5 * DAY);
    assert.ok((await runRedemption(deps(), now())).purged.includes('broke-life.com'));
    assert.equal(await domainRow(t(), 'broke-life.com'), undefined);
    assert.deepEqual((await results('broke-life.com')).slice(-2).map((x) => x.request_type), ['domain-redemption-end', 'domain-purge']);
    alice = await later(t(), alice, 0);
    assert.match((await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'broke-life.com' })).body, /^domain-status: available$/m);
  });

  it('expires domains without autorenew; an expire-model TLD (.eu) goes to its own redemption period', async () => {
    alice = await later(t(), alice, 0);
    const eu = await newContact(t(), alice.sid, { tld: 'eu', name: 'Eva Euro', email: 'eva@example.org', 'address-1': 'Rue 1', city: 'Bruxelles', 'postal-code': '1000', country: 'BE', phone: '+32.21234567', lang: 'fr' });
    await registered(t(), alice, 'lapse-life.eu', { 'owner-c': eu, 'tech-c': eu, 'admin-c': '', 'billing-c': '' });
    const d = (await domainRow(t(), 'lapse-life.eu'))!;
    t().clock.advance(d.expires_at - now() + 1000);
    assert.ok((await runExpiry(deps(), now())).includes('lapse-life.eu'));
    const gone = (await domainRow(t(), 'lapse-life.eu'))!;
    assert.deepEqual([gone.status, gone.redemption_ends_at, gone.purge_at], ['redemption', d.expires_at + 40 * DAY, d.expires_at + 40 * DAY]);
    assert.match((await results('lapse-life.eu')).at(-1)!.content!, /lapse-life.eu expired \(autorenew is off\)/);
    t().clock.advance(40 * DAY);
    assert.ok((await runRedemption(deps(), now())).purged.includes('lapse-life.eu'));
  });

  it('a domain already renewed by the registry on its own (clock jumped past expiry) is charged once and keeps the registry\'s date', async () => {
    alice = await later(t(), alice, 0);
    await registered(t(), alice, 'jump-life.com', { autorenew: 1 });
    const d = (await domainRow(t(), 'jump-life.com'))!;
    t().clock.advance(d.expires_at - now() + 2 * DAY);
    const before = await money(t(), alice.id);
    assert.ok(!(await runExpiry(deps(), now())).includes('jump-life.com'));
    const after = (await domainRow(t(), 'jump-life.com'))!;
    assert.deepEqual([after.status, after.expires_at], ['active', addMonths(d.expires_at, 12)]);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 1125, reserved: 0 });
  });

  it('a domain the registry refuses to delete at expiry stays registered until the registry\'s next expiry, with a nack result', async () => {
    alice = await later(t(), alice, 0);
    await registered(t(), alice, 'stuck-life.com');
    await registryStatus(t(), 'stuck-life.com', { add: ['clientDeleteProhibited'] });
    const d = (await domainRow(t(), 'stuck-life.com'))!;
    t().clock.advance(d.expires_at - now() + 1000);
    assert.ok(!(await runExpiry(deps(), now())).includes('stuck-life.com'));
    const after = (await domainRow(t(), 'stuck-life.com'))!;
    assert.deepEqual([after.status, after.expires_at], ['active', addMonths(d.expires_at, 12)]);
    const last = (await results('stuck-life.com')).at(-1)!;
    assert.deepEqual([last.request_type, last.status], ['domain-expire', 'nack']);
    assert.match(last.content!, /stuck-life.com expired but the registry refused to delete it: the registry says stuck-life.com has a delete prohibition/);
    assert.ok(!(await runExpiry(deps(), now())).includes('stuck-life.com'));
    assert.equal((await results('stuck-life.com')).length, 1, 'no retry before the next expiry');
  });

  it('domain-delete type=endoflife lapses at the expiry', async () => {
    alice = await later(t(), alice, 0);
    await registered(t(), alice, 'eol-life.com', { autorenew: 1 });
    assert.equal((await performed(t(), alice.sid, 'domain-delete', { domain: 'eol-life.com', type: 'endoflife' })).status, 'ack');
    const d = (await domainRow(t(), 'eol-life.com'))!;
    t().clock.advance(d.expires_at - now() - HOUR);
    assert.ok(!(await runAutorenew(deps(), now())).includes('eol-life.com'));
    t().clock.advance(2 * HOUR);
    assert.ok((await runExpiry(deps(), now())).includes('eol-life.com'));
    assert.match((await results('eol-life.com')).at(-1)!.content!, /eol-life.com deleted at its end of life/);
  });

  it('ends privacy subscriptions at their date: whois shows the owner again', async () => {
    alice = await later(t(), alice, 0);
    await registered(t(), alice, 'short-priv-life.com');
    assert.equal((await performed(t(), alice.sid, 'domain-privacy-order', { domain: 'short-priv-life.com', privacy: 'pro', period: 1 })).status, 'ack');
    assert.match((await t().call('query-whois', { 'auth-sid': alice.sid, domain: 'short-priv-life.com' })).body, /^domain.name: REDACTED FOR PRIVACY$/m);
    t().clock.advance(32 * DAY);
    assert.ok((await runPrivacyExpiry(deps(), now())).includes('short-priv-life.com'));
    const d = (await domainRow(t(), 'short-priv-life.com'))!;
    assert.deepEqual([d.privacy, d.privacy_origin, d.privacy_expires_at], ['off', 'off', null]);
    assert.match((await results('short-priv-life.com')).at(-1)!.content!, /the pro privacy subscription of short-priv-life.com ended on/);
    alice = await later(t(), alice, 0);
    assert.match((await t().call('query-whois', { 'auth-sid': alice.sid, domain: 'short-priv-life.com' })).body, /^domain.name: Jane Owner$/m);
  });

  it('runs as the worker\'s periodic tasks; parallel runs act once', async () => {
    alice = await later(t(), alice, 0);
    await registered(t(), alice, 'task-life.com');
    await registered(t(), alice, 'race-life.com');
    const d = (await domainRow(t(), 'task-life.com'))!;
    t().clock.advance(d.expires_at - now() + 1000);
    const [a, b] = await Promise.all([runExpiry(deps(), now()), runExpiry(deps(), now())]);
    const both = [...a, ...b];
    for (const n of ['race-life.com', 'task-life.com']) assert.equal(both.filter((x) => x === n).length, 1, n);
    assert.equal((await results('race-life.com')).filter((r) => r.request_type === 'domain-expire').length, 1);
    await registered(t(), { ...alice, sid: await alice.session('full') }, 'worker-life.com');
    const w = (await domainRow(t(), 'worker-life.com'))!;
    t().clock.advance(w.expires_at - now() + 1000);
    await t().app.worker.runTasks();
    assert.equal((await domainRow(t(), 'worker-life.com'))!.status, 'redemption');
  });
});
