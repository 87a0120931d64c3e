import { it } from 'node:test';
import { domainToASCII } from 'node:url';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { newContact, retrieve } from '../../../test/helpers/registry-fixtures.ts';
import { atRegistry, domainReseller, domainRow, money, performed, registered, registration, registration as registrationOf, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { DAY } from '../../core/clock.ts';
import { addMonths } from '../../core/period.ts';
import { OWN_REGISTRAR, simulatorOf } from '../../registry/index.ts';

forEachDatabase('domain-register', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;

  const rejected = async (params: Record<string, string | number>, code: number, error: RegExp) => {
    const before = await money(t(), alice.id);
    const r = await t().call('domain-register', params);
    assert.equal(r.code, code, r.raw);
    assert.equal(r.get('Proc-ID'), undefined);
    assert.ok(r.all('Error').some((e) => error.test(e)), `no Error line matches ${error}: ${JSON.stringify(r.all('Error'))}`);
    assert.deepEqual(await money(t(), alice.id), before, 'a rejected request holds no money');
    return r;
  };

  it('setup', async () => {
    alice = await domainReseller(t(), 'reg-alice');
    bob = await domainReseller(t(), 'reg-bob');
  });

  it('answers a Proc-ID at once, holds the price, and books it when the registry confirms', async () => {
    const r = await t().call('domain-register', registration(alice, 'first-reg.com'));
    assert.equal(r.code, 0, r.raw);
    const proc = r.get('Proc-ID')!;
    assert.equal(r.get('Account-Balance'), '988.75', 'the header shows the money still available');
    assert.deepEqual(await money(t(), alice.id), { balance: 100_000, reserved: 1125 });
    const pending = await t().call('result-list', { 'auth-sid': alice.sid, pending: 1 });
    assert.match(pending.body, new RegExp(`^\\d{14} [0-9a-f]{32} ${proc} domain-register first-reg.com \\? -$`, 'm'));

    await t().work();
    const { reply, keys } = await retrieve(t(), alice.sid, proc);
    assert.equal(keys.get('Completion-Status'), 'ack');
    assert.equal(keys.get('Object-Name'), 'first-reg.com');
    const expires = addMonths(t().clock.now(), 12);
    const row = (await domainRow(t(), 'first-reg.com'))!;
    assert.match(reply.body, new RegExp(`\n\nresult_msg: first-reg.com registered for 12 months; expires ${new Date(expires).toISOString().slice(0, 10)}\n`));
    assert.match(reply.body, new RegExp(`\nregistry_roid: ${row.roid}\n$`));
    assert.deepEqual(await money(t(), alice.id), { balance: 100_000 - 1125, reserved: 0 });
    assert.equal(row.account_id, alice.id);
    assert.equal(row.expires_at, expires);
    assert.equal(row.status, 'active');
    assert.deepEqual([row.owner_c, row.admin_c, row.tech_c, row.billing_c], [alice.contact, alice.contact, alice.contact, alice.contact]);
    const reg = (await atRegistry(t(), 'first-reg.com'))!;
    assert.equal(reg.sponsor, OWN_REGISTRAR);
    assert.deepEqual(reg.nameservers, ['a.ns.joker.com', 'b.ns.joker.com']);
    assert.equal(reg.registrant, alice.contact);
    assert.ok(reg.rgp.includes('addPeriod'));
    const list = await t().call('query-domain-list', { 'auth-sid': alice.sid, showstatus: 1 });
    assert.match(list.body, new RegExp(`^first-reg.com ${new Date(expires).toISOString().slice(0, 10)} production$`, 'm'));
    const orders = await t().call('query-order-list', { 'auth-sid': alice.sid });
    assert.match(orders.body, /create/);
    const done = await t().call('result-list', { 'auth-sid': alice.sid, procid: proc });
    assert.match(done.body, new RegExp(`${proc} domain-register first-reg.com ack -$`, 'm'));
  });

  it('takes ns-list with commas, any host name outside the platform (created at the registry), autorenew and more periods', async () => {
    await registered(t(), alice, 'commas-reg.com', { period: 36, autorenew: 1, 'ns-list': 'ns1.dns-provider.example,ns2.dns-provider.example,c.ns.joker.com' });
    const row = (await domainRow(t(), 'commas-reg.com'))!;
    assert.equal(row.autorenew, 1);
    assert.equal(row.expires_at, addMonths(t().clock.now(), 36));
    const reg = (await atRegistry(t(), 'commas-reg.com'))!;
    assert.deepEqual(reg.nameservers, ['ns1.dns-provider.example', 'ns2.dns-provider.example', 'c.ns.joker.com']);
    const host = await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).infoHost('ns1.dns-provider.example');
    assert.equal(host?.superordinate, null);
    const ns = await t().app.deps.db.selectFrom('domain_nameservers').select('host').where('domain_id', '=', row.id).orderBy('position').execute();
    assert.deepEqual(ns.map((n) => n.host), ['ns1.dns-provider.example', 'ns2.dns-provider.example', 'c.ns.joker.com']);
    assert.deepEqual(await money(t(), alice.id), { balance: 100_000 - 1125 - 3 * 1125, reserved: 0 });
  });

  it('gives a domain delegated to the platform\'s name servers a hosted zone at once', async () => {
    const [a, b] = t().app.deps.config.dnsNameservers;
    await registered(t(), alice, 'hosted-reg.com', { 'ns-list': `${a}:${b}` });
    const zone = await t().call('dns-zone-get', { 'auth-sid': alice.sid, domain: 'hosted-reg.com' });
    assert.equal(zone.code, 0, zone.raw);
    assert.equal(zone.body, '$dnssec=no\n$dyndns=no::\n');
    const other = await registered(t(), alice, 'unhosted-reg.com');
    assert.ok(other);
    const none = await t().app.deps.db.selectFrom('zones').select('id').where('name', '=', 'unhosted-reg.com').executeTakeFirst();
    assert.equal(none, undefined);
  });

  it('starts whois verification for a gTLD with an unverified owner e-mail', async () => {
    const proc = await registered(t(), alice, 'verify-reg.com');
    const { reply } = await retrieve(t(), alice.sid, proc);
    assert.match(reply.body, /\nwhois_verification: pending for reg-alice-owner@example.org until \d{4}-\d{2}-\d{2}\n/);
    const list = await t().call('wa-email-list', { 'auth-sid': alice.sid });
    assert.match(list.body, /reg-alice-owner@example.org\tverify-reg.com\t/);
  });

  it('orders privacy with the registration: a second order, the subscription runs with the domain', async () => {
    const before = await money(t(), alice.id);
    await registered(t(), alice, 'private-reg.com', { privacy: 'pro', period: 24 });
    const row = (await domainRow(t(), 'private-reg.com'))!;
    assert.deepEqual([row.privacy, row.privacy_origin, row.privacy_expires_at], ['pro', 'pro', row.expires_at]);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - 2 * 1125 - 2 * 600, reserved: 0 });
    const orders = await t().call('query-order-list', { 'auth-sid': alice.sid, fqdn: 'private-reg.com' });
    assert.match(orders.body, /privacy_pp2/);
    await registered(t(), alice, 'none-reg.com', { privacy: 'none' });
    assert.equal((await domainRow(t(), 'none-reg.com'))!.privacy, 'off');
  });

  it('registers premium names only with a max-price, charging the actual price', async () => {
    const org = await newContact(t(), alice.sid, { tld: 'org', name: 'Org Person', email: 'o@example.org', 'address-1': 'A 1', city: 'B', 'postal-code': '1', country: 'US', phone: '+1.4155552671' });
    const registration = (r: DomainReseller, domain: string, extra: Record<string, string | number> = {}) => ({ ...registrationOf(r, domain, extra), 'owner-c': org, 'admin-c': org, 'tech-c': org, 'billing-c': org });
    await rejected(registration(alice, 'charity.org'), 2003, /missing parameter 'max-price' \(required for the registration of charity.org, a premium name priced 1500.00 USD/);
    await rejected(registration(alice, 'charity.org', { 'max-price': '1499.99' }), 2306, /invalid 'max-price' \(the price of the registration of charity.org is 1500.00 USD, more than the max-price 1499.99 USD/);
    const before = await money(t(), alice.id);
    await t().app.deps.db.updateTable('accounts').set({ balance: before.balance + 200_000 }).where('id', '=', alice.id).execute();
    const res = await performed(t(), alice.sid, 'domain-register', registration(alice, 'charity.org', { 'max-price': '2000' }));
    assert.equal(res.status, 'ack', res.body);
    assert.match(res.accepted.get('Warning') ?? '', /charity.org is a premium name: 1500.00 USD/);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance + 200_000 - 150_000, reserved: 0 });
    await t().app.deps.db.updateTable('accounts').set({ balance: before.balance }).where('id', '=', alice.id).execute();
  });

  it('a registry refusal is a nack with the reason, and the held money comes back', async () => {
    const before = await money(t(), alice.id);
    // example.com is held by another registrar at the registry; the platform does not know it.
    const res = await performed(t(), alice.sid, 'domain-register', registration(alice, 'transfer-me.com'));
    assert.equal(res.status, 'nack');
    assert.match(res.text, /^result_msg: the registry says domain transfer-me.com exists already \(EPP 2302\)$/m);
    assert.deepEqual(await money(t(), alice.id), before);
    const order = await t().app.deps.db.selectFrom('orders').select(['status', 'held']).where('identifier', '=', 'transfer-me.com').executeTakeFirstOrThrow();
    assert.deepEqual(order, { status: 'error', held: 0 });
    assert.equal(await domainRow(t(), 'transfer-me.com'), undefined);
  });

  it('refuses every documented mistake before holding money', async () => {
    const base = (domain: string, extra: Record<string, string | number> = {}) => registration(alice, domain, extra);
    const { domain: _d, ...noDomain } = base('x.com');
    await rejected(noDomain, 2003, /missing parameter 'domain'/);
    const { period: _p, ...noPeriod } = base('x.com');
    await rejected(noPeriod, 2003, /missing parameter 'period'/);
    const { 'ns-list': _n, ...noNs } = base('x.com');
    await rejected(noNs, 2003, /missing parameter 'ns-list'/);
    const { 'owner-c': _o, ...noOwner } = base('x.com');
    await rejected(noOwner, 2003, /missing parameter 'owner-c' \(.com domains need an owner contact\)/);
    await rejected(base('x.com', { period: 13 }), 2004, /invalid 'period' \(13 is not a period in months/);
    await rejected(base('x.com', { period: 1 }), 2004, /invalid 'period' \(1 is not a period in months; use a multiple of 12 from 12 to 120, the period is in months, not years\)/);
    await rejected(base('x.com', { period: 132 }), 2004, /invalid 'period' \(132/);
    await rejected(base('x.xyz'), 2306, /x.xyz is not a Domain with extension supported by Joker.com/);
    await rejected(base('-bad-.com'), 2005, /^invalid 'domain' \(/);
    await rejected(base('www.deep.com'), 2306, /register deep.com/);
    await rejected(base('nic.com'), 2306, /^nic.com is reserved by the registry$/);
    await rejected(base('first-reg.com'), 2302, /^first-reg.com is already registered$/);
    await rejected(base('x.com', { 'owner-c': 'CCOM-999999' }), 2303, /contact CCOM-999999 not found \(owner-c\)/);
    await rejected(base('x.com', { 'admin-c': bob.contact }), 2303, new RegExp(`contact ${bob.contact} not found \\(admin-c\\)`));
    const netContact = await newContact(t(), alice.sid, { tld: 'net', name: 'Net Person', email: 'n@example.org', 'address-1': 'A 1', city: 'B', 'postal-code': '1', country: 'US', phone: '+1.4155552671' });
    await rejected(base('x.com', { 'tech-c': netContact }), 2306, /invalid 'tech-c' \(contact CNET-\d+ was made for .net and cannot be used for .com domains/);
    await rejected(base('x.com', { 'ns-list': 'a.ns.joker.com' }), 2306, /invalid 'ns-list' \(.com domains need at least 2 name servers, 1 given/);
    await rejected(base('x.com', { 'ns-list': 'a.ns.joker.com:A.NS.JOKER.COM' }), 2306, /invalid 'ns-list' \(a.ns.joker.com is listed twice/);
    await rejected(base('x.com', { 'ns-list': 'a.ns.joker.com:com' }), 2306, /invalid 'ns-list' \(com is a top-level domain/);
    await rejected(base('x.com', { 'ns-list': 'a.ns.joker.com:ns1.first-reg.com' }), 2303, /name server ns1.first-reg.com in ns-list does not exist; create it with ns-create first/);
    await rejected(base('x.com', { status: 'lock' }), 2005, /invalid 'status' \(must be one of production/);
    await rejected(base('x.com', { privacy: 'gold' }), 2005, /invalid 'privacy' \(must be one of basic, pro, none/);
    await rejected(base('x.com', { language: 'klingon' }), 2005, /invalid 'language' \(klingon is not an ISO 639 language code/);
    await rejected(base('x.xxx'), 2003, /missing parameter 'registrar-tag'/);
  });

  it('applies the TLD\'s contact roles, periods and privacy offer', async () => {
    // Created the way Joker's WHMCS module does it: no fax, also for .de.
    const de = await newContact(t(), alice.sid, { tld: 'de', name: 'Max Muster', email: 'max@example.org', 'address-1': 'Weg 1', city: 'Berlin', 'postal-code': '10115', country: 'DE', phone: '+49.3012345678' });
    // That module sends all four roles for every TLD: the one .de does not use is ignored, with a note.
    const deReg = (extra: Record<string, string | number> = {}) => ({ ...registration(alice, 'muster-reg.de'), 'owner-c': de, 'admin-c': de, 'tech-c': de, 'billing-c': de, ...extra });
    await rejected(deReg({ period: 24 }), 2004, /invalid 'period' \(24 months is not offered for registering .de domains; allowed are 12\)/);
    await rejected(deReg({ privacy: 'basic' }), 2306, /invalid 'privacy' \(basic privacy is not available for .de domains; offered are none\)/);
    await rejected(deReg({ 'admin-c': '!@!' }), 2306, /invalid 'admin-c' \(.de domains need an admin contact; it cannot be removed\)/);
    const res = await performed(t(), alice.sid, 'domain-register', deReg());
    assert.equal(res.status, 'ack', res.body);
    assert.match(res.text, /^note: billing-c ignored: .de domains have no billing contact$/m);
    assert.equal((await domainRow(t(), 'muster-reg.de'))!.billing_c, null);
    assert.doesNotMatch(res.text, /whois_verification/, 'ccTLDs need no whois verification');
  });

  it('takes IDN names with a matching language', async () => {
    await rejected(registration(alice, 'bücher-reg.com', { language: 'ru' }), 2306, /invalid 'language' \(bücher-reg.com has characters outside the Cyrl script of the ru table/);
    await rejected(registration(alice, 'bücher-reg.com', { language: 'it' }), 2306, /invalid 'language' \(.com has no IDN table for it/);
    await registered(t(), alice, 'bücher-reg.com', { language: 'ger' });
    const row = (await domainRow(t(), domainToASCII('bücher-reg.com')))!;
    assert.equal(row.language, 'de');
  });

  it('refuses when the funds do not cover the price', async () => {
    const poor = await domainReseller(t(), 'reg-poor', { balance: 1000 });
    const r = await t().call('domain-register', registration(poor, 'poor-reg.com'));
    assert.equal(r.code, 2104, r.raw);
    assert.equal(r.get('Error'), 'insufficient funds for create of poor-reg.com (11.25 USD needed, 10.00 USD available)');
    assert.deepEqual(await money(t(), poor.id), { balance: 1000, reserved: 0 });
  });

  it('is refused to modify-only and read-only keys (it causes costs)', async () => {
    for (const scope of ['modify-only', 'read-only'] as const) {
      const sid = await alice.session(scope);
      const r = await t().call('domain-register', { ...registration(alice, 'scoped-reg.com'), 'auth-sid': sid });
      assert.equal(r.code, 2201, r.raw);
      assert.match(r.get('Error')!, scope === 'read-only' ? /read-only API key/ : /modify-only API key, which cannot run requests that cause costs/);
    }
  });

  it('lets the clock decide the expiry', async () => {
    t().clock.advance(3 * DAY);
    await registered(t(), { ...bob, sid: await bob.session('full') }, 'later-reg.com');
    assert.equal((await domainRow(t(), 'later-reg.com'))!.expires_at, addMonths(t().clock.now(), 12));
  });
});
