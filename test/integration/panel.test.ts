import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { forEachDatabase } from '../helpers/harness.ts';
import { domainReseller, money, registered, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { createAccount, setAccountRole } from '../../src/services/accounts.ts';
import { enqueue } from '../../src/jobs/queue.ts';

/** Screenshots of the console, made by this test and shown in docs/console.md. */
const shots = fileURLToPath(new URL('../../docs/console/', import.meta.url));
const axeScript = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

forEachDatabase('web console in Chromium', (t) => {
  let browser: Browser;
  let base = '';
  let alice: DomainReseller;

  before(async () => {
    await t().app.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t().app.http.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: launchArgs });
    alice = await domainReseller(t(), 'panel-alice');
    for (const name of ['panel-one.com', 'panel-two.com', 'other-name.com']) await registered(t(), alice, name);
    const [ns1, ns2] = t().app.deps.config.dnsNameservers;
    await registered(t(), alice, 'zoned-site.com', { 'ns-list': `${ns1}:${ns2}` });
    const bob = await domainReseller(t(), 'panel-bob');
    await registered(t(), bob, 'bobs-panel.com');
    mkdirSync(shots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
  });

  const logIn = async (page: Page, user: string, password = 'secret-pw') => {
    await page.goto(`${base}/panel/`);
    assert.match(page.url(), /\/panel\/login$/, 'no session: the login form');
    await page.getByLabel('User name or e-mail').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  };

  it('logs in with the DMAPI credentials, shows the dashboard, lists and finds domains, opens a domain', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
    });
    await logIn(page, 'panel-alice', 'wrong');
    assert.match(await page.getByRole('alert').innerText(), /password|login/i);
    await logIn(page, 'panel-alice');
    await page.waitForURL(`${base}/panel/`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Dashboard');
    assert.match(await page.locator('.card').first().innerText(), /Available\n[\d.]+ USD/);
    assert.match(await page.locator('main').innerText(), /domain-register/);
    if (t().dialect === 'sqlite') await page.screenshot({ path: `${shots}dashboard.png`, fullPage: true });

    await page.getByRole('link', { name: 'Domains' }).first().click();
    assert.deepEqual(await page.locator('tbody tr td:nth-child(2)').allInnerTexts(), ['other-name.com', 'panel-one.com', 'panel-two.com', 'zoned-site.com']);
    await page.getByLabel('Find').fill('panel');
    await page.getByRole('button', { name: 'Search' }).click();
    assert.deepEqual(await page.locator('tbody tr td:nth-child(2)').allInnerTexts(), ['panel-one.com', 'panel-two.com']);
    await page.getByRole('link', { name: 'panel-two.com' }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'panel-two.com');
    assert.match(await page.locator('dl').innerText(), /a\.ns\.joker\.com/);
    if (t().dialect === 'sqlite') await page.screenshot({ path: `${shots}domain.png`, fullPage: true });
    assert.deepEqual(violations, [], 'the CSP blocks nothing the pages need');
    await page.close();
  });

  it('lists results (reloading while one is in progress) and orders, with the order list as CSV', async () => {
    const page = await browser.newPage();
    await logIn(page, 'panel-alice');
    await page.waitForURL(`${base}/panel/`);
    await page.getByRole('link', { name: 'Results' }).click();
    assert.match(await page.locator('main').innerText(), /Every request has finished\./);
    assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0);
    assert.ok((await page.locator('tbody tr', { hasText: 'domain-register' }).count()) >= 3);
    // A renewal queued and not yet performed: the page says so and reloads itself.
    assert.equal((await t().call('domain-renew', { 'auth-sid': alice.sid, domain: 'panel-one.com', period: 12 })).code, 0);
    await page.reload();
    assert.match(await page.locator('main').innerText(), /1 still in progress/);
    assert.equal(await page.locator('meta[http-equiv="refresh"]').getAttribute('content'), '5');
    await t().work();

    await page.getByRole('link', { name: 'Orders' }).click();
    assert.deepEqual(await page.locator('thead th').allInnerTexts(), ['order_id', 'proc_id', 'created_at', 'status', 'type', 'amount_brutto', 'amount_netto', 'currency', 'identifier']);
    assert.ok((await page.locator('tbody tr', { hasText: 'panel-two.com' }).count()) >= 1);
    const csv = await page.request.get(`${base}/panel/orders.csv`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'] ?? '', /^text\/csv/);
    assert.match(csv.headers()['content-disposition'] ?? '', /attachment; filename="orders\.csv"/);
    assert.match(await csv.text(), /^order_id,proc_id,created_at,status,type,amount_brutto,amount_netto,currency,identifier\n/);
    await page.close();
  });

  it('edits a zone: saves records, shows the parser\'s line errors and changes nothing then', async () => {
    const page = await browser.newPage();
    await logIn(page, 'panel-alice');
    await page.waitForURL(`${base}/panel/`);
    await page.goto(`${base}/panel/domains/zoned-site.com`);
    await page.getByRole('link', { name: 'Zone editor' }).click();
    const zone = page.getByLabel(/Records, one a line/);
    await zone.fill('$dnssec=no\nwww A 0 192.0.2.44 3600\n@ MX 10 mail.zoned-site.com. 86400');
    await page.getByRole('button', { name: 'Save the zone' }).click();
    assert.match(await page.getByRole('status').innerText(), /^Saved \(Proc-ID \d+\)/);
    assert.match(await zone.inputValue(), /www A 0 192\.0\.2\.44 3600/);
    // Beside the editor: what the name servers answer now, from the DNS server's own view of the zone.
    assert.match(await page.locator('table.served').innerText(), /www\.zoned-site\.com\.\s+3600\s+A\s+192\.0\.2\.44/);
    assert.match(await page.locator('table.served').innerText(), /zoned-site\.com\.\s+86400\s+MX\s+10 mail\.zoned-site\.com\./);
    const got = await t().call('dns-zone-get', { 'auth-sid': alice.sid, domain: 'zoned-site.com' });
    assert.match(got.body, /^www A 0 192\.0\.2\.44 3600$/m);
    await zone.fill('www A 0 192.0.2.45 3600\nbroken AAAA 0 not-an-address 3600');
    await page.getByRole('button', { name: 'Save the zone' }).click();
    assert.match(await page.getByRole('alert').innerText(), /Nothing was changed:\s*line 2 \(/);
    assert.match(await zone.inputValue(), /not-an-address/, 'the text sent is kept for correcting');
    assert.doesNotMatch(await page.locator('table.served').innerText(), /192\.0\.2\.45/, 'nothing served changed');
    if (t().dialect === 'sqlite') await page.screenshot({ path: `${shots}zone-editor.png`, fullPage: true });
    assert.match((await t().call('dns-zone-get', { 'auth-sid': alice.sid, domain: 'zoned-site.com' })).body, /192\.0\.2\.44/);
    const forged = await page.request.post(`${base}/panel/domains/zoned-site.com/zone`, { form: { zone: 'www A 0 192.0.2.99 3600' } });
    assert.equal(forged.status(), 403);
    await page.close();
  });

  it('lets an operator credit and disable accounts, retry a failed job and move the sandbox clock; a reseller sees none of it', async () => {
    const db = t().app.deps.db;
    const op = await createAccount(db, { login: 'panel-operator', email: 'ops@example.com', password: 'secret-pw' }, t().clock.now());
    await setAccountRole(db, op.id, 'operator');
    const job = await enqueue(db, t().clock.now(), 'mail-send', { id: 1 });
    await db.updateTable('jobs').set({ status: 'failed', attempts: 3, last_error: 'relay down' }).where('id', '=', job).execute();

    const reseller = await browser.newPage();
    await logIn(reseller, 'panel-alice');
    await reseller.waitForURL(`${base}/panel/`);
    assert.equal(await reseller.getByRole('link', { name: 'Operator' }).count(), 0);
    assert.equal((await reseller.goto(`${base}/panel/operator/`))?.status(), 404);
    assert.equal((await reseller.goto(`${base}/panel/sandbox/clock`))?.status(), 404);
    await reseller.close();

    const page = await browser.newPage();
    await logIn(page, 'panel-operator');
    await page.waitForURL(`${base}/panel/`);
    await page.getByRole('link', { name: 'Operator' }).click();
    const aliceRow = page.locator('tr', { hasText: 'panel-alice' });
    const before = (await money(t(), alice.id)).balance;
    await aliceRow.getByLabel('Amount').fill('10.00');
    await aliceRow.getByRole('button', { name: 'Credit' }).click();
    assert.match(await page.getByRole('status').innerText(), /^panel-alice credited 10\.00 USD/);
    assert.equal((await money(t(), alice.id)).balance, before + 1000);
    await page.locator('tr', { hasText: 'panel-bob' }).getByRole('button', { name: 'Disable' }).click();
    assert.match(await page.getByRole('status').innerText(), /panel-bob disabled/);
    assert.equal((await db.selectFrom('accounts').select('status').where('login', '=', 'panel-bob').executeTakeFirstOrThrow()).status, 'disabled');
    await page.locator('tr', { hasText: 'relay down' }).getByRole('button', { name: 'Retry' }).click();
    assert.match(await page.getByRole('status').innerText(), new RegExp(`job ${job} \\(mail-send\\) queued again`));
    assert.equal((await db.selectFrom('jobs').select('status').where('id', '=', job).executeTakeFirstOrThrow()).status, 'queued');
    if (t().dialect === 'sqlite') await page.screenshot({ path: `${shots}operator.png`, fullPage: true });

    await page.getByRole('link', { name: 'Sandbox clock' }).click();
    await page.getByRole('button', { name: '+ 5 days' }).click();
    assert.match(await page.getByRole('status').innerText(), /moved forward 5 days/);
    assert.match(await page.locator('dl').innerText(), /Ahead of real time\s+5\.00 days/);
    if (t().dialect === 'sqlite') await page.screenshot({ path: `${shots}sandbox-clock.png`, fullPage: true });
    // A forged move (no token) is refused.
    assert.equal((await page.request.post(`${base}/panel/sandbox/clock`, { form: { ms: String(86_400_000 * 365) } })).status(), 403);
    await page.close();
  });

  it('has no serious or critical accessibility violation on any page (axe-core)', async () => {
    // axe is injected as a script, which the console's CSP (rightly) forbids: this context alone bypasses it.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/panel/login`);
    const pages = ['/panel/login'];
    await logIn(page, 'panel-operator');
    await page.waitForURL(`${base}/panel/`);
    pages.push('/panel/', '/panel/results', '/panel/orders', '/panel/domains', '/panel/domains/panel-one.com', '/panel/domains/zoned-site.com/zone', '/panel/operator/', '/panel/sandbox/clock', '/panel/operator/prices', '/panel/operator/transfers', '/panel/sandbox/registry', '/panel/sandbox/mail', '/panel/register?domain=fresh-name.com', '/panel/transfer', '/panel/contacts', '/panel/ns', '/panel/account');
    const found: string[] = [];
    for (const path of pages) {
      if (path !== '/panel/login') await page.goto(`${base}${path}`);
      await page.addScriptTag({ path: axeScript });
      const violations = await page.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null }> }> } }).axe;
        return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      });
      for (const v of violations) found.push(`${path}: ${v}`);
    }
    assert.deepEqual(found, []);
    // The check can fail: an image without alternative text is found.
    const planted = await page.evaluate(async () => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { insertAdjacentHTML(where: string, text: string): void } } }).document;
      doc.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/panel/style.css">');
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string }> }> } }).axe;
      return (await axe.run()).violations.map((v) => v.id);
    });
    assert.ok(planted.includes('image-alt'), planted.join(','));
    await context.close();
  });

  it('answers another reseller\'s domain like a missing one', async () => {
    const page = await browser.newPage();
    await logIn(page, 'panel-alice');
    await page.waitForURL(`${base}/panel/`);
    const res = await page.goto(`${base}/panel/domains/bobs-panel.com`);
    assert.equal(res?.status(), 404);
    assert.match(await page.locator('main').innerText(), /No domain bobs-panel\.com in this account/);
    await page.close();
  });

  it('logs out only with the form\'s CSRF token; the session cookie is HttpOnly and SameSite=Strict; a strict CSP', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, 'panel-alice');
    await page.waitForURL(`${base}/panel/`);
    const [session] = (await context.cookies()).filter((c) => c.name === 'dmapid-panel');
    assert.ok(session);
    assert.deepEqual([session.httpOnly, session.sameSite, session.path], [true, 'Strict', '/panel']);
    // A forged form post (no token) is refused, the session lives on.
    const forged = await page.request.post(`${base}/panel/logout`, { form: { csrf: 'guessed' } });
    assert.equal(forged.status(), 403);
    const home = await page.goto(`${base}/panel/`);
    assert.match(home?.headers()['content-security-policy'] ?? '', /default-src 'none'; style-src 'self'/);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Dashboard');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${base}/panel/login`);
    await page.goto(`${base}/panel/domains`);
    assert.match(page.url(), /\/panel\/login$/, 'logged out: back to the form');
    await context.close();
  });
});
