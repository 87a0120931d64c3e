import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { forEachDatabase } from '../helpers/harness.ts';
import { domainReseller, registered, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { newContact } from '../helpers/registry-fixtures.ts';
import { axeViolations, logIn, openBrowser, shots } from '../helpers/panel-browser.ts';
import { setPrice, findPrice } from '../../src/billing/prices.ts';
import { addPromo } from '../../src/billing/promos.ts';

const DAY = 86_400_000;

forEachDatabase('web console for resellers in Chromium', (t) => {
  let browser: Browser;
  let base = '';
  let alice: DomainReseller;
  let bob: DomainReseller;
  let bobsNs = '';
  const shot = async (page: Page, name: string) => {
    if (t().dialect === 'sqlite') await page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
  };
  const fresh = async (user = 'rp-alice') => {
    const page = await browser.newPage();
    await logIn(page, base, user);
    return page;
  };
  const domainsOf = async (accountId: number) => (await t().app.deps.db.selectFrom('domains').select('name').where('account_id', '=', accountId).orderBy('name').execute()).map((d) => d.name);

  before(async () => {
    ({ browser, base } = await openBrowser(t()));
    alice = await domainReseller(t(), 'rp-alice', { balance: 1_000_000 });
    await newContact(t(), alice.sid, { tld: 'org', name: 'Org Person', email: 'o@example.org', 'address-1': 'A 1', city: 'B', 'postal-code': '1', country: 'US', phone: '+1.4155552671' });
    for (const name of ['rp-one.com', 'rp-two.com', 'rp-three.com']) await registered(t(), alice, name);
    bob = await domainReseller(t(), 'rp-bob');
    await registered(t(), bob, 'rp-bobs.com');
    bobsNs = 'ns1.rp-bobs.com';
    const ns = await t().call('ns-create', { 'auth-sid': bob.sid, host: bobsNs, ip: '81.2.69.160' });
    assert.equal(ns.code, 0, ns.raw);
    await t().work();
  });
  after(async () => {
    await browser?.close();
  });

  it('registers a domain with the price shown first, refuses when the price changed, and registers a premium name at its price', async () => {
    const page = await fresh();
    await page.getByRole('link', { name: 'Register', exact: true }).click();
    await page.getByLabel('Domain').fill('rp-fresh.com');
    await page.getByLabel('Years').selectOption('2');
    await page.getByRole('button', { name: 'Show the price' }).click();
    const check = await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'rp-fresh.com', 'check-price': 'create', period: 2 });
    const price = /domain-price-create: (\S+ USD) 2y/.exec(check.body)![1]!;
    assert.equal(await page.locator('dd.price').innerText(), `${price} 2y`);
    await shot(page, 'register');
    await page.getByRole('button', { name: `Register rp-fresh.com for ${price}` }).click();
    assert.match(await page.getByRole('status').first().innerText(), /Registration of rp-fresh\.com: accepted \(Proc-ID \d+\)/);
    await t().work();
    assert.ok((await domainsOf(alice.id)).includes('rp-fresh.com'));
    const row = await t().app.deps.db.selectFrom('domains').select(['expires_at', 'created_at']).where('name', '=', 'rp-fresh.com').executeTakeFirstOrThrow();
    assert.ok(row.expires_at - row.created_at > 700 * DAY, 'two years, as chosen');

    // The price rises between showing and confirming: nothing is ordered, DMAPI's reason is shown.
    await page.goto(`${base}/panel/register?domain=rp-dearer.com`);
    const old = (await findPrice(t().app.deps.db, 'com', 'create', 'USD'))!;
    await setPrice(t().app.deps.db, { ...old, operation: 'create', amount: old.amount + 500 }, t().clock.now());
    try {
      await page.getByRole('button', { name: /^Register rp-dearer\.com for/ }).click();
      assert.match(await page.getByRole('alert').innerText(), /Registration of rp-dearer\.com: refused \(2306 .*max-price/);
      assert.ok(!(await domainsOf(alice.id)).includes('rp-dearer.com'));
    } finally {
      await setPrice(t().app.deps.db, { ...old, operation: 'create' }, t().clock.now());
    }

    // A premium name: its class and price are shown and the confirmation carries that price.
    await page.goto(`${base}/panel/register?domain=charity.org`);
    assert.match(await page.locator('dl').innerText(), /Availability\s+premium[\s\S]*Price class\s+premium[\s\S]*1500\.00 USD 1y/);
    await page.getByRole('button', { name: 'Register charity.org for 1500.00 USD' }).click();
    assert.match(await page.getByRole('status').first().innerText(), /accepted \(Proc-ID \d+\); charity\.org is a premium name: 1500\.00 USD/);
    await t().work();
    assert.ok((await domainsOf(alice.id)).includes('charity.org'));

    // A taken name offers no confirmation.
    await page.goto(`${base}/panel/register?domain=rp-bobs.com`);
    assert.match(await page.getByRole('alert').innerText(), /rp-bobs\.com cannot be registered/);
    assert.equal(await page.getByRole('button', { name: /^Register rp-bobs/ }).count(), 0);
    await page.close();
  });

  it('shows a promo price with its end and orders at it', async () => {
    const now = t().clock.now();
    await addPromo(t().app.deps.db, { tld: 'net', operation: 'create', currency: 'USD', price: 100, minYears: 1, maxYears: 1, periodType: 'flex', validFrom: now - DAY, validTo: now + 10 * DAY, note: 'panel test' }, now);
    const page = await fresh();
    await page.goto(`${base}/panel/register?domain=rp-promo.net`);
    const check = await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'rp-promo.net' });
    assert.match(check.body, /domain-price-promo: /);
    const price = /domain-price-create: (\S+ USD) 1y/.exec(check.body)![1]!;
    assert.match(await page.locator('dl').innerText(), new RegExp(`${price.replace('.', '\\.')} 1y[\\s\\S]*Promo\\s+\\S+ until ${new Date(now + 10 * DAY).toISOString().slice(0, 10)}`));
    await page.close();
  });

  it('creates a contact, shows the TLD rules DMAPI answers when refused, and changes it', async () => {
    const page = await fresh();
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.getByLabel('TLD the contact is for').fill('us');
    await page.getByLabel('Name', { exact: true }).fill('Sam Panel');
    await page.getByLabel('E-mail').fill('sam@example.org');
    await page.getByLabel('Address').fill('Road 2');
    await page.getByLabel('City').fill('Austin');
    await page.getByLabel('Postal code').fill('73301');
    await page.getByLabel('Country (ISO code, e.g. DE)').fill('US');
    await page.getByLabel('Phone (+CC.NNNN)').fill('+1.5125550100');
    await page.getByRole('button', { name: 'Create the contact' }).click();
    const refused = await page.getByRole('alert').innerText();
    assert.match(refused, /New contact: refused \(2003 .*missing parameter 'nexus-category' \(required for \.us contacts\)/);
    assert.equal(await page.getByLabel('City').inputValue(), 'Austin', 'what was typed is kept');
    await shot(page, 'contact-refused');
    await page.getByLabel(/More fields the TLD asks for/).fill('nexus-category=C11\napp-purpose=P1');
    await page.getByRole('button', { name: 'Create the contact' }).click();
    assert.match(await page.getByRole('status').innerText(), /New contact: accepted \(Proc-ID \d+\)/);
    await t().work();
    await page.reload();
    const handle = (await page.locator('tbody tr', { hasText: 'Sam Panel' }).locator('td').first().innerText()).trim();
    assert.match(handle, /^[A-Z]+-\d+$/);
    await page.getByRole('link', { name: handle }).click();
    assert.equal(await page.getByLabel(/More fields/).inputValue(), 'app-purpose=P1\nnexus-category=C11');
    await page.getByLabel('City').fill('Dallas');
    await page.getByRole('button', { name: 'Save the contact' }).click();
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Change of ${handle}: accepted`));
    await t().work();
    const whois = await t().call('query-whois', { 'auth-sid': alice.sid, contact: handle });
    assert.match(whois.body, /contact\.city: Dallas/);
    await page.close();
  });

  it('creates, changes and deletes a name server', async () => {
    const page = await fresh();
    await page.getByRole('link', { name: 'Name servers' }).click();
    await page.getByLabel('Host name').fill('ns1.rp-one.com');
    await page.getByRole('button', { name: 'Create the name server' }).click();
    assert.match(await page.getByRole('alert').innerText(), /New name server ns1\.rp-one\.com: refused \(2003 .*needs an address/, 'in-bailiwick needs an address');
    await page.getByLabel('Host name').fill('ns1.rp-one.com');
    await page.getByLabel('IPv4 addresses (comma-separated)').fill('81.2.69.142');
    await page.getByRole('button', { name: 'Create the name server' }).click();
    assert.match(await page.getByRole('status').innerText(), /accepted/);
    await t().work();
    await page.reload();
    await page.getByRole('link', { name: 'ns1.rp-one.com' }).click();
    assert.equal(await page.getByLabel('IPv4 addresses (comma-separated)').inputValue(), '81.2.69.142');
    await page.getByLabel('IPv4 addresses (comma-separated)').fill('81.2.69.143');
    await page.getByRole('button', { name: 'Save the addresses' }).click();
    assert.match(await page.getByRole('status').innerText(), /Change of ns1\.rp-one\.com: accepted/);
    await t().work();
    await page.reload();
    assert.match(await page.locator('dl').innerText(), /81\.2\.69\.143/);
    await page.getByRole('button', { name: 'Delete ns1.rp-one.com' }).click();
    assert.match(await page.getByRole('status').innerText(), /Deletion of ns1\.rp-one\.com: accepted/);
    await t().work();
    assert.equal((await t().call('query-ns-list', { 'auth-sid': alice.sid })).body.includes('ns1.rp-one.com'), false);
    await page.close();
  });

  it('invites to a role on a domain and withdraws the invitation', async () => {
    const page = await fresh();
    await page.goto(`${base}/panel/domains/rp-one.com`);
    await page.getByRole('link', { name: 'Grants and invitations' }).click();
    await page.getByLabel('E-mail address').fill('helper@example.net');
    await page.getByLabel('Role', { exact: true }).selectOption('@tech');
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    assert.match(await page.getByRole('status').innerText(), /Invitation of helper@example\.net as @tech: accepted/);
    assert.match(await page.locator('tbody').innerText(), /invitation\s+@tech\s+helper@example\.net/);
    assert.match((await t().call('grants-list', { 'auth-sid': alice.sid, domain: 'rp-one.com' })).body, /^invitation 0 \d+ - domain rp-one\.com @tech/m);
    await shot(page, 'grants');
    await page.getByRole('button', { name: 'Withdraw' }).click();
    assert.match(await page.getByRole('status').innerText(), /Revocation of the invitation @tech: accepted/);
    assert.match(await page.locator('main').innerText(), /No grants and no pending invitations/);
    await page.close();
  });

  it('applies bulk actions to the selected domains, one DMAPI request each, with a summary', async () => {
    const page = await fresh();
    await page.getByRole('link', { name: 'Domains' }).first().click();
    await page.getByLabel('Select rp-one.com').check();
    await page.getByLabel('Select rp-two.com').check();
    await page.getByLabel('Action').selectOption('lock');
    await page.getByRole('button', { name: 'Apply to the selected domains' }).click();
    assert.equal(await page.getByRole('status').innerText(), 'Lock: 2 accepted, 0 refused.');
    await t().work();
    const list = (await t().call('query-domain-list', { 'auth-sid': alice.sid, showstatus: 1 })).body;
    assert.match(list, /^rp-one\.com \S+ .*lock/m);
    assert.match(list, /^rp-two\.com \S+ .*lock/m);
    assert.doesNotMatch(list, /^rp-three\.com \S+ .*lock/m);

    await page.goto(`${base}/panel/domains`);
    await page.getByLabel('Select rp-three.com').check();
    await page.getByLabel('Select rp-two.com').check();
    await page.getByLabel('Action').selectOption('autorenew-on');
    await page.getByRole('button', { name: 'Apply to the selected domains' }).click();
    assert.equal(await page.getByRole('status').innerText(), 'Autorenew on: 2 accepted, 0 refused.');
    assert.match((await t().call('domain-get-property', { 'auth-sid': alice.sid, domain: 'rp-three.com', pname: 'autorenew' })).body, /autorenew: 1/);

    // Name servers: one refused (a host that does not exist inside the platform), each answer listed.
    await page.goto(`${base}/panel/domains`);
    await page.getByLabel('Select rp-three.com').check();
    await page.getByLabel('Action').selectOption('ns');
    await page.getByLabel(/Name servers \(for/).fill('ns9.rp-two.com:ns8.rp-two.com');
    await page.getByRole('button', { name: 'Apply to the selected domains' }).click();
    assert.equal(await page.getByRole('status').innerText(), 'Set these name servers: 0 accepted, 1 refused.');
    assert.match(await page.locator('tbody tr', { hasText: 'rp-three.com' }).innerText(), /refused\s+\(2303 Object does not exist\) name server ns9\.rp-two\.com/);
    await shot(page, 'bulk');
    await page.close();
  });

  it('shows the profile, switches the default autorenew and manages API keys (created once shown, revoked)', async () => {
    const page = await fresh();
    await page.getByRole('link', { name: 'Account' }).click();
    assert.match(await page.locator('dl').first().innerText(), /login\s+rp-alice/);
    await page.getByRole('button', { name: 'Turn default autorenew on' }).click();
    assert.match(await page.getByRole('status').innerText(), /Default autorenew: accepted/);
    assert.match((await t().call('user-get-property', { 'auth-sid': alice.sid, pname: 'autorenew' })).body, /user\.property\.autorenew: 1/);
    await page.getByLabel('Scope').selectOption('read-only');
    await page.getByLabel('Label (what the key is for)').fill('monitoring');
    await page.getByRole('button', { name: 'Create an API key' }).click();
    assert.equal(new URL(page.url()).search, '', 'the key is never in a URL');
    const key = await page.locator('p.key code').innerText();
    const login = await t().call('login', { 'api-key': key });
    assert.equal(login.code, 0, login.raw);
    const ro = login.get('Auth-Sid')!;
    assert.equal((await t().call('domain-lock', { 'auth-sid': ro, domain: 'rp-three.com' })).code, 2201, 'a read-only key changes nothing');
    await shot(page, 'account');
    await page.goto(`${base}/panel/account`);
    assert.equal(await page.locator('p.key').count(), 0, 'shown once only');
    const row = page.locator('tr', { hasText: 'monitoring' });
    await row.getByRole('button', { name: /^Revoke key/ }).click();
    assert.match(await page.getByRole('status').innerText(), /API key \d+ revoked/);
    assert.notEqual((await t().call('login', { 'api-key': key })).code, 0);
    await page.close();
  });

  it('answers another reseller\'s contact, name server, grants and API key like missing ones', async () => {
    const page = await fresh();
    const bobsKey = await t().app.deps.db.selectFrom('api_keys').select('id').where('account_id', '=', bob.id).where('revoked_at', 'is', null).executeTakeFirstOrThrow();
    for (const [path, text] of [
      [`/panel/contacts/${bob.contact}`, `No contact ${bob.contact} in this account`],
      [`/panel/ns/${bobsNs}`, `No name server ${bobsNs} in this account`],
      ['/panel/domains/rp-bobs.com/grants', 'No domain rp-bobs.com in this account'],
    ] as const) {
      const res = await page.goto(`${base}${path}`);
      assert.equal(res?.status(), 404, path);
      assert.match(await page.locator('main').innerText(), new RegExp(text.replace(/\./g, '\\.')));
    }
    // Posts naming bob's objects are refused by DMAPI as for unknown ones.
    await page.goto(`${base}/panel/account`);
    const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
    const modify = await page.request.post(`${base}/panel/contacts/${bob.contact}`, { form: { csrf: csrf!, city: 'Stolen' }, maxRedirects: 0 });
    assert.equal(modify.status(), 303);
    assert.match(new URL(modify.headers().location ?? '', base).searchParams.get('notice') ?? '', /refused \(2303 /);
    const revoke = await page.request.post(`${base}/panel/account/keys/${bobsKey.id}/revoke`, { form: { csrf: csrf! }, maxRedirects: 0 });
    assert.match(new URL(revoke.headers().location ?? '', base).searchParams.get('notice') ?? '', /no active API key \d+ in this account/);
    assert.equal((await t().app.deps.db.selectFrom('api_keys').select('revoked_at').where('id', '=', bobsKey.id).executeTakeFirstOrThrow()).revoked_at, null);
    assert.doesNotMatch((await t().call('query-whois', { 'auth-sid': bob.sid, contact: bob.contact })).body, /Stolen/);
    await page.close();
  });

  it('refuses every new form post without its CSRF token and changes nothing', async () => {
    const page = await fresh();
    const before = await domainsOf(alice.id);
    const keys = async () => (await t().app.deps.db.selectFrom('api_keys').select('id').where('account_id', '=', alice.id).execute()).length;
    const keyCount = await keys();
    const posts: Array<[string, Record<string, string>]> = [
      ['/panel/register', { domain: 'rp-forged.com', period: '12', 'owner-c': alice.contact, 'admin-c': alice.contact, 'tech-c': alice.contact, 'billing-c': alice.contact, 'ns-list': 'a.ns.joker.com:b.ns.joker.com' }],
      ['/panel/transfer', { domain: 'rp-forged.com', 'owner-c': alice.contact }],
      ['/panel/contacts', { tld: 'com', name: 'X' }],
      ['/panel/ns', { host: 'ns2.rp-one.com', ip: '81.2.69.150' }],
      ['/panel/domains/rp-one.com/grants', { email: 'x@example.net', role: '@tech' }],
      ['/panel/domains/bulk', { action: 'unlock', domain: 'rp-one.com' }],
      ['/panel/account/keys', { scope: 'full', label: 'forged' }],
      ['/panel/account/autorenew', { pvalue: '0' }],
    ];
    for (const [path, form] of posts) {
      const res = await page.request.post(`${base}${path}`, { form: { ...form, csrf: 'not-the-token' } });
      assert.equal(res.status(), 403, path);
    }
    await t().work();
    assert.deepEqual(await domainsOf(alice.id), before);
    assert.equal(await keys(), keyCount);
    assert.match((await t().call('query-domain-list', { 'auth-sid': alice.sid, showstatus: 1 })).body, /^rp-one\.com \S+ .*lock/m, 'still locked');
    assert.match((await t().call('user-get-property', { 'auth-sid': alice.sid, pname: 'autorenew' })).body, /autorenew: 1/);
    await page.close();
  });

  it('has no serious or critical accessibility violation on the reseller pages (axe-core)', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await logIn(page, base, 'rp-alice');
    const contact = alice.contact;
    const found = await axeViolations(page, base, ['/panel/register', '/panel/register?domain=rp-new.com', '/panel/transfer?domain=rp-bobs.com', '/panel/contacts', `/panel/contacts/${contact}`, '/panel/ns', '/panel/domains', '/panel/domains/rp-one.com/grants', '/panel/account']);
    assert.deepEqual(found, []);
    await context.close();
  });
});
