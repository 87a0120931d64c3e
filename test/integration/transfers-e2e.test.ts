import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, toTestReply, type TestApp, type TestReply } from '../helpers/harness.ts';
import { startSmtpSink, type SinkMail } from '../helpers/smtp-sink.ts';
import { domainReseller, money } from '../helpers/domain-fixtures.ts';
import { foreignDomain, LOSING, ownDomain, DAY } from '../helpers/transfer-fixtures.ts';
import { parseKeyValues } from '../../src/dmapi/reply.ts';
import { isoDate } from '../../src/core/dates.ts';
import { addMonths } from '../../src/core/period.ts';
import { requestTransferOut } from '../../src/services/transfer-out.ts';
import { listMail } from '../../src/mail/outbox.ts';

/**
 * Transfers and change of registrant the way people go through them, over real sockets: DMAPI
 * requests over HTTP, the worker hands the mails to an SMTP server, the link in the received mail
 * is opened and its button pressed over HTTP, and the clock moves the days nobody wants to wait.
 */
const sink = await startSmtpSink();
after(() => sink.close());

async function listen(t: TestApp): Promise<string> {
  const { app } = t;
  if (!app.http.server.listening) app.deps.config.publicUrl = await app.http.listen({ port: 0, host: '127.0.0.1' });
  return app.deps.config.publicUrl;
}

/** A DMAPI request over HTTP to the listener (urlencoded POST, as LEGO and the PHP modules send it). */
async function dmapi(base: string, name: string, params: Record<string, string>): Promise<TestReply> {
  const res = await fetch(`${base}/request/${name}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return toTestReply(await res.text(), res.status, res.headers.get('set-cookie') ?? undefined);
}

async function mailTo(to: string, subject: RegExp): Promise<SinkMail> {
  for (let n = 1; ; n++) {
    await sink.waitFor(n);
    const m = sink.mails.find((x) => x.rcpt.includes(to) && subject.test(x.parsed.subject ?? ''));
    if (m) return m;
  }
}

/** Opens the link of a mail and presses a button the way a browser submits the form. */
async function pressButton(link: string, answer: 'yes' | 'no'): Promise<{ before: string; after: string; status: number }> {
  const page = await fetch(link);
  assert.equal(page.status, 200);
  const before = await page.text();
  const action = /<form method="post" action="([^"]+)">/.exec(before)?.[1];
  assert.ok(action, before);
  const res = await fetch(new URL(action.replace(/&amp;/g, '&'), link), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ answer }).toString() });
  return { before, after: await res.text(), status: res.status };
}

const linkIn = (mail: SinkMail, base: string, kind: string) => new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/answer/${kind}/[0-9a-f]{32}`).exec(mail.parsed.text ?? '')?.[0];

forEachDatabase(
  'transfers and change of registrant end to end',
  (t) => {
    it('transfer-in: FOA mail over SMTP → accept link over HTTP → silent losing registrar → 5 days → the domain is in the list, the money booked', async () => {
      const { app, clock } = t();
      const base = await listen(t());
      const r = await domainReseller(t(), `e2e-tin-${t().dialect}`);
      const { name, code } = await foreignDomain(t(), `e2e-in-${t().dialect}.com`);
      const before = await money(t(), r.id);

      const req = await dmapi(base, 'domain-transfer-in-reseller', { 'auth-sid': r.sid, domain: name, 'transfer-auth-id': code, 'owner-c': r.contact });
      assert.equal(req.code, 0, req.raw);
      const procId = req.get('Proc-ID')!;
      await t().work();

      const foa = await mailTo(`hostmaster@${name}`, /^Transfer of .*: please confirm$/);
      assert.equal((await listMail(app.deps.db, { to: `hostmaster@${name}` }))[0]!.status, 'sent');
      const link = linkIn(foa, base, 'transfer');
      assert.ok(link, foa.parsed.text);
      const { before: page, after: done, status } = await pressButton(link, 'yes');
      assert.match(page, new RegExp(`currently held by ${LOSING}`));
      assert.equal(status, 200);
      assert.match(done, /Transfer confirmed/);
      await t().work();

      const control = await dmapi(base, 'domain-transfer-control', { 'auth-sid': r.sid, action: 'show', domain: name });
      assert.match(control.body, /^status: REGISTRY_REQUEST_RECEIVED_NOW_WAITING$/m);

      // The losing registrar never answers; five days later the registry approves on its own.
      clock.advance(5 * DAY);
      await app.worker.runTasks();
      await t().work();
      const sid = await r.session('full');
      const list = await dmapi(base, 'query-domain-list', { 'auth-sid': sid, pattern: name });
      assert.match(list.body, new RegExp(`^${name.replace(/\./g, '\\.')} \\d{4}-\\d{2}-\\d{2}$`));
      const retrieved = await dmapi(base, 'result-retrieve', { 'auth-sid': sid, 'Proc-ID': procId });
      assert.equal(new Map(parseKeyValues(retrieved.body)).get('Completion-Status'), 'ack');
      assert.match(retrieved.body, new RegExp(`result_msg: ${name.replace(/\./g, '\\.')} transferred from ${LOSING}`));
      assert.deepEqual(await money(t(), r.id), { balance: before.balance - 1125, reserved: before.reserved });
      const orders = await dmapi(base, 'query-order-list', { 'auth-sid': sid });
      assert.match(orders.body, new RegExp(`transfer.*${name.replace(/\./g, '\\.')}|${name.replace(/\./g, '\\.')}.*transfer`));
    });

    it('between resellers: auth-id over DMAPI → transfer-in → FOA mail → yes → the holder\'s mail → "let it go" → the domain changes accounts, a year longer', async () => {
      const { app } = t();
      const base = await listen(t());
      const holder = await domainReseller(t(), `e2e-hold-${t().dialect}`);
      const gainer = await domainReseller(t(), `e2e-gain-${t().dialect}`);
      const own = await ownDomain(t(), holder, `e2e-move-${t().dialect}.com`);
      const escaped = own.name.replace(/\./g, '\\.');
      const auth = await dmapi(base, 'domain-transfer-get-auth-id', { 'auth-sid': holder.sid, domain: own.name });
      await t().work();
      const code = /^The Authorization ID is: "([^"]+)"/m.exec((await dmapi(base, 'result-retrieve', { 'auth-sid': holder.sid, 'Proc-ID': auth.get('Proc-ID')! })).body)?.[1];
      assert.ok(code);
      const expiry = (await app.deps.db.selectFrom('domains').select('expires_at').where('name', '=', own.name).executeTakeFirstOrThrow()).expires_at;

      const req = await dmapi(base, 'domain-transfer-in-reseller', { 'auth-sid': gainer.sid, domain: own.name, 'transfer-auth-id': code, 'owner-c': gainer.contact });
      assert.equal(req.code, 0, req.raw);
      await t().work();
      const foa = await mailTo(`e2e-hold-${t().dialect}-owner@example.org`, /^Transfer of .*: please confirm$/);
      const { after: confirmed } = await pressButton(linkIn(foa, base, 'transfer')!, 'yes');
      assert.match(confirmed, /Transfer confirmed/);
      await t().work();

      const ask = await mailTo(`e2e-hold-${t().dialect}@example.com`, /^Transfer away requested/);
      assert.match(ask.parsed.text ?? '', /Another account of this registrar has asked/);
      const { before: page, after: released } = await pressButton(linkIn(ask, base, 'transfer-out')!, 'yes');
      assert.match(page, /Another account of this registrar has asked to take over/);
      assert.match(released, /released to another account of this registrar/);
      await t().work();

      const mine = await dmapi(base, 'query-domain-list', { 'auth-sid': gainer.sid, pattern: own.name });
      assert.equal(mine.body, `${own.name} ${isoDate(addMonths(expiry, 12))}`);
      assert.equal((await dmapi(base, 'query-domain-list', { 'auth-sid': holder.sid, pattern: own.name })).body, '');
      const result = await dmapi(base, 'result-retrieve', { 'auth-sid': gainer.sid, 'Proc-ID': req.get('Proc-ID')! });
      assert.match(result.body, new RegExp(`result_msg: ${escaped} transferred from dmapid; expires ${isoDate(addMonths(expiry, 12))}`));
      await mailTo(`e2e-hold-${t().dialect}@example.com`, /^Domain transferred away/);
    });

    it('change of registrant: confirmation mail → link → confirmed → new owner in query-whois; a transfer away is then refused for 60 days', async () => {
      const { app, clock } = t();
      const base = await listen(t());
      const r = await domainReseller(t(), `e2e-cor-${t().dialect}`);
      const own = await ownDomain(t(), r, `e2e-cor-${t().dialect}.com`);
      const req = await dmapi(base, 'domain-owner-change', {
        'auth-sid': r.sid,
        domain: own.name,
        fname: 'John',
        lname: 'Doe',
        email: 'johnd@someisp.com',
        'address-1': 'Smartroad 1',
        city: 'Smalltown',
        'postal-code': '40122',
        country: 'US',
        phone: '+1.4155552671',
      });
      assert.equal(req.code, 0, req.raw);
      await t().work();
      const mail = await mailTo(`e2e-cor-${t().dialect}-owner@example.org`, /^Change of registrant for .*: please confirm$/);
      const link = linkIn(mail, base, 'cor');
      assert.ok(link, mail.parsed.text);
      const { after: done } = await pressButton(link, 'yes');
      assert.match(done, /Change confirmed/);
      await t().work();

      const whois = await dmapi(base, 'query-whois', { 'auth-sid': r.sid, domain: own.name });
      assert.match(whois.body, /^domain\.name: John Doe$/m);
      assert.match(whois.body, /^domain\.email: johnd@someisp\.com$/m);
      await mailTo('johnd@someisp.com', /^Registrant of .* changed$/);

      // A foreign registrar asks for the domain (as `dmapid registry transfer-out` does): refused at once.
      const out = await requestTransferOut({ db: app.deps.db, now: clock.now(), deps: app.deps }, { domain: own.name, gaining: LOSING, authCode: own.code });
      assert.equal(out.state, 'rejected');
      const lockUntil = clock.now() + 60 * DAY;
      assert.equal(out.state === 'rejected' && out.reason, `the registrant changed recently: ${own.name} is locked against transfers until ${isoDate(lockUntil)} (IRTP-C)`);
      await t().work();
      await mailTo(`e2e-cor-${t().dialect}@example.com`, /^Transfer away rejected/);
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: sink.port, smtpTls: 'none' },
);
