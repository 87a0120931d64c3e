import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../helpers/harness.ts';
import { insertDomain } from '../helpers/domain-rows.ts';
import { startSmtpSink, type SinkMail } from '../helpers/smtp-sink.ts';
import { startVerification } from '../../src/services/verification.ts';
import { accessDomain } from '../../src/services/domain-access.ts';
import { createAccount } from '../../src/services/accounts.ts';
import { listMail } from '../../src/mail/outbox.ts';

/**
 * The whole loop a person goes through, over real sockets: the platform writes a mail, the worker
 * hands it to an SMTP server, the link in the received mail is fetched over HTTP from the DMAPI
 * listener, and the answer given on that page changes the platform's state.
 */
const sink = await startSmtpSink();
after(() => sink.close());

/** Starts the DMAPI listener on a free port and points the links in mails at it. */
async function listen(t: TestApp): Promise<string> {
  const { app } = t;
  if (!app.http.server.listening) {
    const address = await app.http.listen({ port: 0, host: '127.0.0.1' });
    app.deps.config.publicUrl = address;
  }
  return app.deps.config.publicUrl;
}

async function mailTo(to: string, subject: RegExp): Promise<SinkMail> {
  for (let n = 1; ; n++) {
    await sink.waitFor(n);
    const m = sink.mails.find((x) => x.rcpt.includes(to) && subject.test(x.parsed.subject ?? ''));
    if (m) return m;
  }
}

/** Fetches the page behind the link, then presses the button with `answer` the way a browser submits the form. */
async function answerPage(link: string, answer: 'yes' | 'no', extra: Record<string, string> = {}): Promise<{ before: string; after: string; status: number }> {
  const page = await fetch(link);
  assert.equal(page.status, 200);
  const before = await page.text();
  const action = /<form method="post" action="([^"]+)">/.exec(before)?.[1];
  assert.ok(action, before);
  assert.ok(before.includes(`name="answer" value="${answer}"`));
  const res = await fetch(new URL(action.replace(/&amp;/g, '&'), link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ answer, ...extra }).toString(),
  });
  return { before, after: await res.text(), status: res.status };
}

forEachDatabase(
  'notifications end to end',
  (t) => {
    it('whois verification: mail over SMTP → link over HTTP → verified, suspension lifted', async () => {
      const { app, clock } = t();
      const base = await listen(t());
      const r = await t().reseller('e2e-reseller');
      const domain = `e2e-${t().dialect}.com`;
      const owner = `owner-${t().dialect}@example.org`;
      await insertDomain(app.deps.db, r.account.id, domain, clock.now());
      const started = await app.deps.db.transaction().execute((db) => startVerification({ db, now: clock.now(), deps: app.deps }, { email: owner, domain, accountId: r.account.id }));
      assert.equal(started.status, 'pending');
      if (started.status !== 'pending') return;

      await t().work();
      const mail = await mailTo(owner, /^Please confirm/);
      const stored = (await listMail(app.deps.db, { to: owner }))[0]!;
      assert.equal(stored.status, 'sent');
      assert.equal(mail.parsed.messageId, stored.message_id);
      const link = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/answer/verify-email/[0-9a-f]{32}`).exec(mail.parsed.text ?? '')?.[0];
      assert.equal(link, `${base}/answer/verify-email/${started.key}`);

      // Nobody answers in time: the domain is suspended and the reseller is told by mail.
      clock.set(started.deadline);
      await app.worker.runTasks();
      await t().work();
      const d1 = await app.deps.db.selectFrom('domains').selectAll().where('name', '=', domain).executeTakeFirstOrThrow();
      assert.equal(d1.suspended_at, started.deadline);
      await mailTo(r.account.email, new RegExp(`^Domain ${domain.replace(/\./g, '\\.')} suspended`));

      // The owner finally clicks the link and answers yes.
      const { before, after: done, status } = await answerPage(link!, 'yes');
      assert.match(before, new RegExp(owner.replace(/\./g, '\\.')));
      assert.equal(status, 200);
      assert.match(done, /Thank you: e-mail address confirmed/);
      const d2 = await app.deps.db.selectFrom('domains').selectAll().where('name', '=', domain).executeTakeFirstOrThrow();
      assert.equal(d2.suspended_at, null);
      const sid = await r.session('full');
      assert.equal((await t().call('wa-email-query-status', { 'auth-sid': sid, email: owner })).body, 'verified');
      assert.equal((await t().call('wa-email-list', { 'auth-sid': sid })).body, '');
    });

    it('grant invitation: mail over SMTP → link over HTTP → the invitee holds the role', async () => {
      const { app, clock } = t();
      await listen(t());
      const owner = await t().reseller(`e2e-owner-${t().dialect}`);
      const helperEmail = `helper-${t().dialect}@example.net`;
      const helper = await createAccount(app.deps.db, { login: `e2e-helper-${t().dialect}`, email: helperEmail }, clock.now());
      const domain = `e2e-grant-${t().dialect}.com`;
      await insertDomain(app.deps.db, owner.account.id, domain, clock.now());
      const r = await t().call('grants-invite', { 'auth-sid': owner.sid, domain, email: helperEmail, role: '@tech' });
      assert.equal(r.code, 0, r.raw);
      await t().work();
      const mail = await mailTo(helperEmail, /^Invitation: @tech/);
      const link = /http:\/\/127\.0\.0\.1:\d+\/answer\/grant\/[0-9a-f]{32}/.exec(mail.parsed.text ?? '')?.[0];
      assert.ok(link, mail.parsed.text);
      const { after: done } = await answerPage(link, 'yes');
      assert.match(done, /now has the role @tech/);
      assert.deepEqual((await accessDomain(app.deps.db, helper.id, domain, 'dns')).roles, ['@tech']);
      const list = await t().call('grants-list', { 'auth-sid': owner.sid, domain });
      assert.match(list.body, new RegExp(`^grant 0 \\d+ - domain ${domain.replace(/\./g, '\\.')} @tech ${owner.account.login} ${helper.login} ${helper.id} `));
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: sink.port, smtpTls: 'none' },
);
