import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { insertDomain } from '../../test/helpers/domain-rows.ts';
import { domainAwaitingVerification } from '../../test/helpers/whois.ts';
import { createAccount } from '../services/accounts.ts';
import { accessDomain } from '../services/domain-access.ts';
import { keyHash } from '../services/answer-keys.ts';
import { mailedKey } from '../../test/helpers/mailed-keys.ts';
import { escapeHtml, html } from './html.ts';

const get = (t: TestApp, url: string) => t.app.http.inject({ method: 'GET', url });
const post = (t: TestApp, url: string, form: Record<string, string>) =>
  t.app.http.inject({ method: 'POST', url, payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const domain = (t: TestApp, name: string) => t.app.deps.db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirstOrThrow();

async function invite(t: TestApp, ownerLogin: string, domainName: string, email: string, role: string): Promise<{ key: string; ownerId: number }> {
  const owner = await t.reseller(ownerLogin);
  await insertDomain(t.app.deps.db, owner.account.id, domainName, t.clock.now());
  const r = await t.call('grants-invite', { 'auth-sid': owner.sid, domain: domainName, email, role });
  assert.equal(r.code, 0, r.raw);
  return { key: await mailedKey(t.app.deps.db, { to: email, kind: 'grant-invitation' }), ownerId: owner.account.id };
}

forEachDatabase('answer pages', (t) => {
  it('shows the verification question without answering it, with safe headers', async () => {
    const r = await t().reseller('ap-a');
    const { key } = await domainAwaitingVerification(t(), r.account.id, 'page-verify.com', 'page@example.org');
    const res = await get(t(), `/answer/verify-email/${key}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'.*frame-ancestors 'none'/);
    assert.match(res.body, /<h1>Confirm your e-mail address<\/h1>/);
    assert.match(res.body, /page@example\.org/);
    assert.match(res.body, /page-verify\.com/);
    assert.ok(res.body.includes(`<form method="post" action="/answer/verify-email/${key}">`));
    assert.ok(res.body.includes('<button class="yes" type="submit" name="answer" value="yes">Yes, this is my address</button>'));
    assert.ok(res.body.includes('<button class="no" type="submit" name="answer" value="no">No</button>'));
    assert.ok(!res.body.includes('<script'));
    // Fetching (as mail scanners do) answered nothing.
    const again = await t().call('wa-email-query-status', { 'auth-sid': r.sid, email: 'page@example.org' });
    assert.equal(again.body, 'pending');
  });

  it('verifies on "yes" and lifts the suspension; the link then says so', async () => {
    const r = await t().reseller('ap-b');
    const { key, deadline } = await domainAwaitingVerification(t(), r.account.id, 'page-late.com', 'late-page@example.org');
    t().clock.set(deadline);
    await t().app.worker.runTasks();
    assert.notEqual((await domain(t(), 'page-late.com')).suspended_at, null);
    const res = await post(t(), `/answer/verify-email/${key}`, { answer: 'yes' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>Thank you: e-mail address confirmed<\/h1>/);
    assert.match(res.body, /Any suspension for this verification has been lifted/);
    assert.equal((await domain(t(), 'page-late.com')).suspended_at, null);
    const after = await get(t(), `/answer/verify-email/${key}`);
    assert.match(after.body, /is confirmed already/);
    assert.ok(!after.body.includes('<form'));
    const no = await post(t(), `/answer/verify-email/${key}`, { answer: 'no' });
    assert.equal(no.statusCode, 409);
    assert.match(no.body, /confirmed already; the answer was not changed/);
  });

  it('suspends on "no"', async () => {
    const r = await t().reseller('ap-c');
    const { key } = await domainAwaitingVerification(t(), r.account.id, 'page-no.com', 'no-page@example.org');
    const res = await post(t(), `/answer/verify-email/${key}`, { answer: 'no' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /The domains page-no\.com are suspended/);
    assert.equal((await domain(t(), 'page-no.com')).suspension_reason, 'whois-verification');
  });

  it('answers unknown links, unknown kinds, odd keys and missing answers with a page, never a stack trace', async () => {
    for (const url of ['/answer/verify-email/' + 'c'.repeat(32), '/answer/nothing/abc', '/answer/grant/abc.def', '/answer/grant/%3Cscript%3E']) {
      const res = await get(t(), url);
      assert.equal(res.statusCode, 404, url);
      assert.match(res.body, /<h1>Link not valid<\/h1>/);
      assert.ok(!res.body.includes('<script>'));
    }
    assert.equal((await post(t(), '/answer/verify-email/' + 'c'.repeat(32), { answer: 'yes' })).statusCode, 404);
    const r = await t().reseller('ap-d');
    const { key } = await domainAwaitingVerification(t(), r.account.id, 'page-odd.com', 'odd@example.org');
    const none = await post(t(), `/answer/verify-email/${key}`, { answer: 'perhaps' });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /press one of the buttons/);
    const broken = await t().app.http.inject({ method: 'POST', url: `/answer/verify-email/${key}`, payload: '{"answer":', headers: { 'content-type': 'application/json' } });
    assert.equal(broken.statusCode, 400);
    assert.match(broken.body, /<h1>Something went wrong<\/h1>/);
  });

  it('accepts a grant invitation for the account with the invited address', async () => {
    const helper = await createAccount(t().app.deps.db, { login: 'ap-helper', email: 'ap-helper@example.net' }, t().clock.now());
    const { key } = await invite(t(), 'ap-owner', 'page-grant.com', 'ap-helper@example.net', '@tech');
    const page = await get(t(), `/answer/grant/${key}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /ap-owner offers you the role @tech on the domain page-grant\.com\./);
    assert.match(page.body, /Accepting gives the role to the account ap-helper\./);
    const res = await post(t(), `/answer/grant/${key}`, { answer: 'yes' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /ap-helper now has the role @tech on page-grant\.com\./);
    assert.deepEqual((await accessDomain(t().app.deps.db, helper.id, 'page-grant.com', 'dns')).roles, ['@tech']);
    // Used up.
    assert.equal((await get(t(), `/answer/grant/${key}`)).statusCode, 404);
    assert.equal((await post(t(), `/answer/grant/${key}`, { answer: 'yes' })).statusCode, 404);
  });

  it('asks which account accepts when several share the address, and moves the domain for @creator', async () => {
    const db = t().app.deps.db;
    await createAccount(db, { login: 'ap-twin-a', email: 'twins@example.net' }, t().clock.now());
    const b = await createAccount(db, { login: 'ap-twin-b', email: 'Twins@example.net' }, t().clock.now());
    const { key, ownerId } = await invite(t(), 'ap-seller', 'page-move.com', 'twins@example.net', '@creator');
    const page = await get(t(), `/answer/grant/${key}`);
    assert.match(page.body, /offers to move the domain page-move\.com into your portfolio \(role @creator\)\. Your account pays its renewals from then on\./);
    // The terms, with the renewal price at the accepting account's prices.
    assert.match(page.body, /page-move\.com expires on \d{4}-\d\d-\d\d\./);
    assert.match(page.body, /Autorenew is off: nothing is charged unless the receiving account renews the domain\./);
    assert.ok(page.body.includes('<select name="login"><option value="ap-twin-a">ap-twin-a</option><option value="ap-twin-b">ap-twin-b</option></select>'));
    const unchosen = await post(t(), `/answer/grant/${key}`, { answer: 'yes' });
    assert.equal(unchosen.statusCode, 409);
    assert.match(unchosen.body, /several accounts use twins@example\.net/);
    const res = await post(t(), `/answer/grant/${key}`, { answer: 'yes', login: 'ap-twin-b' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /page-move\.com is now in the portfolio of ap-twin-b\./);
    assert.equal((await domain(t(), 'page-move.com')).account_id, b.id);
    assert.notEqual(ownerId, b.id);
  });

  it('cannot accept without an account for the address, but can decline', async () => {
    const { key } = await invite(t(), 'ap-owner3', 'page-nobody.com', 'nobody-yet@example.net', '@admin');
    const page = await get(t(), `/answer/grant/${key}`);
    assert.match(page.body, /There is no account with the e-mail address nobody-yet@example\.net on this platform yet/);
    assert.ok(!page.body.includes('value="yes"'));
    assert.ok(page.body.includes('value="no"'));
    assert.equal((await post(t(), `/answer/grant/${key}`, { answer: 'yes' })).statusCode, 404);
    const res = await post(t(), `/answer/grant/${key}`, { answer: 'no' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /You declined @admin on page-nobody\.com\./);
    const g = await t().app.deps.db.selectFrom('grants').select('state').where('invite_key', '=', keyHash(key)).executeTakeFirstOrThrow();
    assert.equal(g.state, 'declined');
  });

  it('lets an invitation lapse after its period', async () => {
    await createAccount(t().app.deps.db, { login: 'ap-slow', email: 'slow@example.net' }, t().clock.now());
    const { key } = await invite(t(), 'ap-owner4', 'page-lapse.com', 'slow@example.net', '@billing');
    t().clock.advance(30 * 86_400_000);
    assert.equal((await get(t(), `/answer/grant/${key}`)).statusCode, 404);
    assert.equal((await post(t(), `/answer/grant/${key}`, { answer: 'yes' })).statusCode, 404);
  });

  it('escapes everything it shows', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(html`<p title="${'"><script>'}">${'<b>'}</p>`.value, '<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;</p>');
  });
});
