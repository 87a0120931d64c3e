import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { forEachDatabase } from '../helpers/harness.ts';
import { domainReseller, registered, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { axeViolations, logIn, openBrowser, shots } from '../helpers/panel-browser.ts';
import { createAccount, setAccountRole } from '../../src/services/accounts.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { forJob, recordFrame } from '../../src/registry/frames.ts';
import { transferPolicy } from '../../src/services/transfer-policy.ts';
import { findPrice } from '../../src/billing/prices.ts';

const DAY = 86_400_000;

forEachDatabase('web console: sandbox registry, sandbox mail and operator pages in Chromium', (t) => {
  let browser: Browser;
  let base = '';
  let alice: DomainReseller;
  let bob: DomainReseller;
  const shot = async (page: Page, name: string) => {
    if (t().dialect === 'sqlite') await page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
  };
  const fresh = async (user: string) => {
    const page = await browser.newPage();
    page.setDefaultTimeout(5000);
    await logIn(page, base, user);
    return page;
  };
  const transferState = async (domain: string) => (await t().app.deps.db.selectFrom('transfers_in').select(['state', 'outcome']).where('domain', '=', domain).orderBy('id', 'desc').executeTakeFirst());

  before(async () => {
    ({ browser, base } = await openBrowser(t()));
    alice = await domainReseller(t(), 'sb-alice');
    bob = await domainReseller(t(), 'sb-bob');
    await registered(t(), alice, 'sb-mine.com');
    await registered(t(), bob, 'sb-bobs.com');
    const op = await createAccount(t().app.deps.db, { login: 'sb-operator', email: 'ops@example.com', password: 'secret-pw' }, t().clock.now());
    await setAccountRole(t().app.deps.db, op.id, 'operator');
  });
  after(async () => {
    await browser?.close();
  });

  it('lets an integrator plant a foreign name, get its auth code, transfer it in, confirm the FOA from the sandbox mail and approve as the losing registrar', async () => {
    const page = await fresh('sb-alice');
    await page.getByRole('link', { name: 'Sandbox registry' }).click();
    await page.getByLabel('Domain', { exact: true }).fill('sb-foreign.com');
    await page.getByLabel('Sponsoring registrar').selectOption('sim-budgetnames');
    await page.getByRole('button', { name: 'Plant the domain' }).click();
    assert.match(await page.getByRole('status').innerText(), /registered sb-foreign\.com for sim-budgetnames until \d{4}-\d{2}-\d{2}/);
    await page.getByRole('button', { name: 'Auth code of sb-foreign.com' }).click();
    const code = await page.getByRole('status').locator('code').innerText();
    assert.ok(code.length >= 6, code);
    assert.equal(new URL(page.url()).search, '', 'the code is never in a URL');

    await page.goto(`${base}/panel/transfer?domain=sb-foreign.com`);
    const price = /domain-price-transfer: (\S+ USD)/.exec((await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'sb-foreign.com', 'check-price': 'transfer' })).body)![1]!;
    assert.match(await page.locator('dd.price').innerText(), new RegExp(`^${price.replace('.', '\\.')} `));
    await page.getByLabel('AUTH-ID from the current registrar').fill(code);
    await page.getByRole('button', { name: `Transfer in sb-foreign.com for ${price}` }).click();
    assert.match(await page.getByRole('status').first().innerText(), /Transfer of sb-foreign\.com: accepted \(Proc-ID \d+\)/);
    await t().work();
    assert.equal((await transferState('sb-foreign.com'))?.state, 'FOA_BEEN_SENT');

    // The FOA, read in the browser; its link opens the answer page on this listener.
    await page.getByRole('link', { name: 'Sandbox mail' }).click();
    await page.locator('tr', { hasText: 'hostmaster@sb-foreign.com' }).getByRole('link').first().click();
    assert.match(await page.locator('pre.mail').innerText(), /^To: hostmaster@sb-foreign\.com$/m);
    await shot(page, 'sandbox-mail');
    await page.locator('pre.mail a[href^="/answer/transfer/"]').click();
    await page.getByRole('button', { name: 'Yes, transfer the domain' }).click();
    assert.match(await page.locator('body').innerText(), /Transfer confirmed/);
    await t().work();
    assert.equal((await transferState('sb-foreign.com'))?.state, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');

    await page.goto(`${base}/panel/sandbox/registry`);
    await shot(page, 'sandbox-registry');
    await page.getByRole('button', { name: 'Approve sb-foreign.com' }).click();
    assert.match(await page.getByRole('status').innerText(), /transfer of sb-foreign\.com to \S+: clientApproved/);
    t().clock.advance(10 * 60_000);
    await t().app.worker.runTasks();
    await t().work();
    assert.deepEqual(await transferState('sb-foreign.com'), { state: 'TRANSFER_PROCESSED_SUCCESSFULLY', outcome: 'done' });
    assert.equal((await t().app.deps.db.selectFrom('domains').select('account_id').where('name', '=', 'sb-foreign.com').executeTakeFirstOrThrow()).account_id, alice.id);
    await page.close();
  });

  it('lets a reseller be asked for its own domain by a foreign registrar, and no one else\'s', async () => {
    const page = await fresh('sb-alice');
    await page.goto(`${base}/panel/sandbox/registry`);
    await page.getByLabel('Your domain').fill('sb-bobs.com');
    await page.getByLabel('Gaining registrar').selectOption('sim-brandguard');
    await page.getByRole('button', { name: 'Request the transfer away' }).click();
    assert.match(await page.getByRole('alert').innerText(), /no domain sb-bobs\.com in this account/);
    // A domain may move 60 days after its registration; sessions do not live that long.
    t().clock.advance(61 * DAY);
    alice = { ...alice, sid: await alice.session('full') };
    bob = { ...bob, sid: await bob.session('full') };
    await page.reload();
    await logIn(page, base, 'sb-alice');
    await page.goto(`${base}/panel/sandbox/registry`);
    // The code the owner would give the gaining registrar (domain-transfer-get-auth-id).
    const asked = await t().call('domain-transfer-get-auth-id', { 'auth-sid': alice.sid, domain: 'sb-mine.com' });
    await t().work();
    const code = /^The Authorization ID is: "([^"]+)"/m.exec((await t().call('result-retrieve', { 'auth-sid': alice.sid, 'Proc-ID': asked.get('Proc-ID')! })).body)![1]!;
    await page.getByLabel('Your domain').fill('sb-mine.com');
    await page.getByLabel('Gaining registrar').selectOption('sim-brandguard');
    await page.getByLabel('Its auth code (domain-transfer-get-auth-id)').fill(code);
    await page.getByRole('button', { name: 'Request the transfer away' }).click();
    assert.match(await page.getByRole('status').innerText(), /transfer of sb-mine\.com to sim-brandguard pending; the reseller was asked/);
    const out = await t().app.deps.db.selectFrom('transfers_out').select(['account_id', 'state']).where('domain', '=', 'sb-mine.com').executeTakeFirstOrThrow();
    assert.equal(out.account_id, alice.id);
    await page.close();
  });

  it('shows each reseller only its own mails and transfers; transfer policies are the operator\'s', async () => {
    const page = await fresh('sb-bob');
    await page.goto(`${base}/panel/sandbox/mail`);
    assert.equal(await page.locator('tr', { hasText: 'hostmaster@sb-foreign.com' }).count(), 0);
    const alices = await t().app.deps.db.selectFrom('mail_outbox').select('id').where('account_id', '=', alice.id).orderBy('id').executeTakeFirstOrThrow();
    assert.equal((await page.goto(`${base}/panel/sandbox/mail/${alices.id}`))?.status(), 404);
    await page.goto(`${base}/panel/sandbox/registry`);
    assert.equal(await page.getByRole('button', { name: /^sim-budgetnames: / }).count(), 0, 'no policy buttons for a reseller');
    const csrf = (await page.locator('input[name=csrf]').first().getAttribute('value'))!;
    assert.equal((await page.request.post(`${base}/panel/sandbox/registry/policy`, { form: { csrf, registrar: 'sim-budgetnames', answer: 'reject' } })).status(), 404);
    assert.equal((await transferPolicy(t().app.deps.db, 'sim-budgetnames')).answer, 'silent');
    // Answering another account's transfer is refused.
    const answered = await page.request.post(`${base}/panel/sandbox/registry/answer`, { form: { csrf, domain: 'sb-foreign.com', answer: 'reject' }, maxRedirects: 0 });
    assert.match(new URL(answered.headers().location!, base).searchParams.get('notice')!, /no open transfer of sb-foreign\.com in this account/);
    await page.close();

    const op = await fresh('sb-operator');
    await op.goto(`${base}/panel/sandbox/registry`);
    await op.getByRole('button', { name: 'sim-budgetnames: reject' }).click();
    assert.match(await op.getByRole('status').innerText(), /sim-budgetnames will reject transfers away from it at once/);
    assert.equal((await transferPolicy(t().app.deps.db, 'sim-budgetnames')).answer, 'reject');
    await op.close();
  });

  it('lets an operator set a price and add and delete a promo, which resellers see in domain-check', async () => {
    const page = await fresh('sb-operator');
    await page.getByRole('link', { name: 'Prices' }).click();
    await page.getByLabel('TLD', { exact: true }).first().fill('com');
    await page.getByRole('button', { name: 'Show' }).click();
    const form = page.locator('form[action="/panel/operator/prices"][method="post"]');
    await form.getByLabel('TLD').fill('com');
    await form.getByLabel('Operation').selectOption('renew');
    await form.getByLabel('Amount').fill('13.50');
    await form.getByRole('button', { name: 'Set the price' }).click();
    assert.match(await page.getByRole('status').innerText(), /price of renew \.com: 13\.50 USD per year, 1-10 years/);
    assert.ok((await page.locator('tbody tr').allInnerTexts()).some((r) => /^com\s+renew\s+USD\s+13\.50\s+1-10\s/.test(r)));
    assert.equal((await findPrice(t().app.deps.db, 'com', 'renew', 'USD'))?.amount, 1350);
    const now = t().clock.now();
    const promo = page.locator('form[action="/panel/operator/promos"]');
    await promo.getByLabel('TLD').fill('com');
    await promo.getByLabel('Operation').selectOption('create');
    await promo.getByLabel('Price per year').fill('1.00');
    await promo.getByLabel('From (YYYY-MM-DD)').fill(new Date(now - DAY).toISOString().slice(0, 10));
    await promo.getByLabel('To (inclusive)').fill(new Date(now + 3 * DAY).toISOString().slice(0, 10));
    await promo.getByLabel('Note').fill('console promo');
    await promo.getByRole('button', { name: 'Add the promo' }).click();
    const added = /promo (\d+): create \.com at 1\.00 USD a year/.exec(await page.getByRole('status').innerText());
    assert.ok(added);
    assert.match((await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'sb-cheap.com' })).body, /domain-price-promo: /);
    await shot(page, 'operator-prices');
    await page.getByRole('button', { name: `Delete promo ${added[1]}` }).click();
    assert.match(await page.getByRole('status').innerText(), new RegExp(`promo ${added[1]} deleted`));
    assert.doesNotMatch((await t().call('domain-check', { 'auth-sid': alice.sid, domain: 'sb-cheap.com' })).body, /domain-price-promo: /);
    // A bad amount changes nothing and says why.
    await form.getByLabel('TLD').fill('com');
    await form.getByLabel('Amount').fill('lots');
    await form.getByRole('button', { name: 'Set the price' }).click();
    assert.match(await page.getByRole('alert').innerText(), /give a TLD, an operation and an amount/);
    await page.close();
  });

  it('shows an operator a job with its registry frames, the open transfers and the lifecycle tasks\' last runs', async () => {
    const db = t().app.deps.db;
    const job = await enqueue(db, t().clock.now(), 'domain-renew', { domain: 'sb-mine.com', authCode: 'secret-code' });
    await db.updateTable('jobs').set({ status: 'failed', attempts: 3, last_error: 'registry timeout' }).where('id', '=', job).execute();
    await forJob(job, () => recordFrame(db, { registry: 'verisign', command: 'domain:renew', resultCode: 2400, sent: '<epp><command><renew/></command></epp>', received: '<epp><response><result code="2400"/></response></epp>', at: t().clock.now() }));
    const page = await fresh('sb-operator');
    await page.getByRole('link', { name: 'Operator', exact: true }).click();
    await page.getByRole('link', { name: String(job), exact: true }).click();
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Job ${job}`);
    const text = await page.locator('main').innerText();
    assert.match(text, /1\. domain:renew at verisign, .*: 2400/);
    assert.match(text, /<renew\/>/);
    assert.match(text, /result code="2400"/);
    assert.doesNotMatch(text, /secret-code/, 'the payload is masked');
    await shot(page, 'operator-job');

    // Alice asks for a foreign name; the transfer waits for its FOA.
    const reply = await t().call('domain-transfer-in-reseller', { 'auth-sid': alice.sid, domain: 'transfer-me.com', 'transfer-auth-id': 'Tr4nsfer-Me.2026', 'owner-c': alice.contact });
    assert.equal(reply.code, 0, reply.raw);
    await t().work();
    t().clock.advance(10 * 60_000);
    await t().app.worker.runTasks();
    await page.getByRole('link', { name: 'Transfers' }).click();
    assert.match(await page.locator('tr', { hasText: 'transfer-me.com' }).innerText(), /sb-alice\s+FOA_BEEN_SENT\s+sim-budgetnames/);
    assert.match(await page.locator('tr', { hasText: 'sb-mine.com' }).innerText(), /sb-alice\s+\S+\s+sim-brandguard/);
    assert.match(await page.locator('tr', { hasText: 'domain-autorenew' }).innerText(), /domain-autorenew\s+5 min\s+\d{4}-\d{2}-\d{2}T\S+\s+\d+ ms\s+ok/);
    await shot(page, 'operator-transfers');
    await page.close();

    // None of it for a reseller.
    const reseller = await fresh('sb-alice');
    for (const path of ['/panel/operator/prices', `/panel/operator/jobs/${job}`, '/panel/operator/transfers']) assert.equal((await reseller.goto(`${base}${path}`))?.status(), 404, path);
    await reseller.close();
  });

  it('refuses the sandbox and operator posts without their CSRF token', async () => {
    const page = await fresh('sb-operator');
    const posts: Array<[string, Record<string, string>]> = [
      ['/panel/sandbox/registry/domains', { name: 'sb-forged.com', registrar: 'sim-budgetnames' }],
      ['/panel/sandbox/registry/policy', { registrar: 'sim-brandguard', answer: 'approve' }],
      ['/panel/sandbox/registry/transfer-out', { domain: 'sb-bobs.com', to: 'sim-brandguard' }],
      ['/panel/operator/prices', { tld: 'com', operation: 'create', amount: '0.01' }],
      ['/panel/operator/promos', { tld: 'com', operation: 'create', price: '0.01', from: '2020-01-01', to: '2040-01-01' }],
    ];
    for (const [path, form] of posts) assert.equal((await page.request.post(`${base}${path}`, { form })).status(), 403, path);
    assert.equal((await t().app.deps.db.selectFrom('registry_domains').select('id').where('name', '=', 'sb-forged.com').executeTakeFirst()), undefined);
    assert.equal((await transferPolicy(t().app.deps.db, 'sim-brandguard')).answer, 'silent');
    await page.close();
  });

  it('has no serious or critical accessibility violation on the sandbox and operator pages (axe-core)', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await logIn(page, base, 'sb-operator');
    const mail = await t().app.deps.db.selectFrom('mail_outbox').select('id').orderBy('id').executeTakeFirstOrThrow();
    const job = await t().app.deps.db.selectFrom('jobs').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const found = await axeViolations(page, base, ['/panel/sandbox/registry', '/panel/sandbox/mail', `/panel/sandbox/mail/${mail.id}`, '/panel/operator/prices', `/panel/operator/jobs/${job.id}`, '/panel/operator/transfers']);
    assert.deepEqual(found, []);
    await context.close();
  });
});
