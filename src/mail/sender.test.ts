import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { startSmtpSink } from '../../test/helpers/smtp-sink.ts';
import { getMail, listMail, queueMail, requeueMail, MAIL_SEND_JOB } from './outbox.ts';
import { retryDelay } from './sender.ts';

const plain = await startSmtpSink();
const rejecting = await startSmtpSink({ reject: { address: 'gone@example.net', code: 550 } });
const flaky = await startSmtpSink({ reject: { address: 'later@example.net', code: 451 } });
const authed = await startSmtpSink({ auth: { user: 'relay-user', pass: 'relay-pass' } });
const tls = await startSmtpSink({ starttls: true });
after(() => Promise.all([plain, rejecting, flaky, authed, tls].map((s) => s.close())));

/** Writes one mail the way a flow does: inside a transaction. */
function write(t: TestApp, to: string, subject = 'Hello', accountId: number | null = null) {
  const { app, clock } = t;
  return app.deps.db.transaction().execute((db) => queueMail({ db, now: clock.now(), deps: app.deps }, { to, kind: 'test', subject, body: 'Line one\nLine two\n', accountId, object: 'example.com' }));
}

const mailJobs = (t: TestApp) => t.app.deps.db.selectFrom('jobs').selectAll().where('kind', '=', MAIL_SEND_JOB).orderBy('id').execute();

forEachDatabase('mail outbox without an SMTP relay', (t) => {
  it('keeps mails in the outbox, held, with no delivery job', async () => {
    const id = await write(t(), 'owner@example.org');
    const row = (await getMail(t().app.deps.db, id))!;
    assert.equal(row.status, 'held');
    assert.equal(row.to_address, 'owner@example.org');
    assert.equal(row.from_address, 'dmapid <no-reply@localhost>');
    assert.match(row.message_id, /^<[0-9a-f]{24}\.[0-9a-z]+@localhost>$/);
    assert.equal(row.created_at, t().clock.now());
    assert.deepEqual(await mailJobs(t()), []);
    assert.equal(await t().work(), 0);
    assert.equal((await listMail(t().app.deps.db, { status: 'held' })).length, 1);
  });

  it('writes nothing when the causing transaction rolls back', async () => {
    const { app, clock } = t();
    const before = (await listMail(app.deps.db)).length;
    await assert.rejects(
      app.deps.db.transaction().execute(async (db) => {
        await queueMail({ db, now: clock.now(), deps: app.deps }, { to: 'x@example.org', kind: 'test', subject: 's', body: 'b' });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.equal((await listMail(app.deps.db)).length, before);
  });

  it('refuses to requeue while no relay is configured, and refuses a bad recipient', async () => {
    const { app, clock } = t();
    const id = await write(t(), 'held@example.org');
    await assert.rejects(requeueMail({ db: app.deps.db, now: clock.now(), deps: app.deps }, id), /no SMTP relay configured/);
    await assert.rejects(write(t(), 'not an address'), /is not an e-mail address/);
  });
});

forEachDatabase(
  'mail delivery over SMTP',
  (t) => {
    it('delivers a mail with its key and then keeps it in the outbox with the key blanked out', async () => {
      const { app, clock } = t();
      const key = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
      const body = `Open this link:\n\n  http://dmapi.example.test/answer/grant/${key}\n\nInvitation key: ${key}\n`;
      const id = await app.deps.db.transaction().execute((db) => queueMail({ db, now: clock.now(), deps: app.deps }, { to: 'keyed@example.org', kind: 'test', subject: 'Keyed', body }));
      await t().work();
      const row = (await getMail(app.deps.db, id))!;
      assert.equal(row.status, 'sent');
      const delivered = plain.mails.find((m) => m.parsed.messageId === row.message_id)!;
      assert.ok(delivered.parsed.text!.includes(`/answer/grant/${key}`), 'the recipient got the key');
      assert.equal(row.body, 'Open this link:\n\n  http://dmapi.example.test/answer/grant/[sent]\n\nInvitation key: [sent]\n');
    });

    it('delivers in the worker with the Message-ID, date and addresses fixed at writing time', async () => {
      const { app, clock } = t();
      const written = clock.now();
      const id = await write(t(), 'owner@example.org', 'Please confirm');
      assert.equal((await getMail(app.deps.db, id))!.status, 'queued');
      clock.advance(90_000);
      assert.equal(await t().work(), 1);
      const row = (await getMail(app.deps.db, id))!;
      const mail = plain.mails.find((m) => m.parsed.messageId === row.message_id);
      assert.equal(row.status, 'sent');
      assert.equal(row.attempts, 1);
      assert.equal(row.sent_at, clock.now());
      assert.equal(mail!.parsed.messageId, row.message_id);
      assert.deepEqual(mail!.rcpt, ['owner@example.org']);
      assert.equal(mail!.from, 'no-reply@mail.example.test');
      assert.equal(mail!.parsed.subject, 'Please confirm');
      assert.equal(mail!.parsed.text, 'Line one\nLine two\n');
      assert.equal(mail!.parsed.date?.getTime(), Math.floor(written / 1000) * 1000);
      assert.equal(mail!.parsed.headers.get('auto-submitted'), 'auto-generated');
      assert.match(row.message_id, /@mail\.example\.test>$/);
      // A second run finds nothing to do: the mail is never sent twice.
      assert.equal(await t().work(), 0);
      assert.equal(plain.mails.filter((m) => m.parsed.messageId === row.message_id).length, 1);
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: plain.port, smtpTls: 'none', mailFrom: 'Domains <no-reply@mail.example.test>' },
);

forEachDatabase(
  'mail delivery failures',
  (t) => {
    it('gives up at once on a permanent refusal (5xx)', async () => {
      const { app } = t();
      const id = await write(t(), 'gone@example.net');
      await t().work();
      const row = (await getMail(app.deps.db, id))!;
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 1);
      assert.match(row.last_error!, /550/);
      assert.equal(row.next_attempt_at, null);
      const jobs = await mailJobs(t());
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.status, 'done');
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: rejecting.port, smtpTls: 'none' },
);

forEachDatabase(
  'mail delivery retries',
  (t) => {
    it('retries a temporary failure with a growing delay and keeps the Message-ID', async () => {
      const { app, clock } = t();
      const id = await write(t(), 'later@example.net');
      const messageId = (await getMail(app.deps.db, id))!.message_id;
      await t().work();
      let row = (await getMail(app.deps.db, id))!;
      assert.equal(row.status, 'queued');
      assert.equal(row.attempts, 1);
      assert.match(row.last_error!, /451/);
      assert.equal(row.next_attempt_at, clock.now() + retryDelay(1));
      // Not before its time.
      clock.advance(retryDelay(1) - 1000);
      assert.equal(await t().work(), 0);
      clock.advance(1000);
      await t().work();
      row = (await getMail(app.deps.db, id))!;
      assert.equal(row.attempts, 2);
      assert.equal(row.next_attempt_at, clock.now() + retryDelay(2));
      assert.equal(retryDelay(2), 4 * retryDelay(1));

      // The relay recovers.
      const rule = flaky.options.reject;
      flaky.options.reject = undefined;
      try {
        clock.advance(retryDelay(2));
        await t().work();
      } finally {
        flaky.options.reject = rule;
      }
      row = (await getMail(app.deps.db, id))!;
      assert.equal(row.status, 'sent');
      assert.equal(row.attempts, 3);
      const got = flaky.mails.filter((m) => m.parsed.messageId === messageId);
      assert.equal(got.length, 1);
      assert.equal(got[0]!.parsed.messageId, messageId);
    });

    it('fails after the configured number of attempts', async () => {
      const { app, clock } = t();
      const id = await write(t(), 'later@example.net');
      for (let i = 1; i <= 3; i++) {
        await t().work();
        clock.advance(retryDelay(i));
      }
      await t().work();
      const row = (await getMail(app.deps.db, id))!;
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 3);
      assert.equal(row.next_attempt_at, null);
    });

    it('puts a failed mail back in the queue on request', async () => {
      const { app, clock } = t();
      const failed = (await listMail(app.deps.db, { status: 'failed' }))[0]!;
      flaky.options.reject = undefined;
      try {
        await app.deps.db.transaction().execute((db) => requeueMail({ db, now: clock.now(), deps: app.deps }, failed.id));
        await t().work();
      } finally {
        flaky.options.reject = { address: 'later@example.net', code: 451 };
      }
      const row = (await getMail(app.deps.db, failed.id))!;
      assert.equal(row.status, 'sent');
      assert.equal(row.attempts, 1);
      await assert.rejects(requeueMail({ db: app.deps.db, now: clock.now(), deps: app.deps }, failed.id), /is sent already/);
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: flaky.port, smtpTls: 'none', mailMaxAttempts: 3 },
);

forEachDatabase(
  'mail delivery with SMTP AUTH',
  (t) => {
    it('logs in to the relay with the configured credentials', async () => {
      const id = await write(t(), 'auth@example.org');
      await t().work();
      assert.equal((await getMail(t().app.deps.db, id))!.status, 'sent');
      assert.ok(authed.mails.some((m) => m.rcpt.includes('auth@example.org')));
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: authed.port, smtpTls: 'none', smtpUser: 'relay-user', smtpPassword: 'relay-pass' },
);

forEachDatabase(
  'mail delivery with wrong SMTP credentials',
  (t) => {
    it('keeps retrying a refused login (the operator may fix the credentials)', async () => {
      const id = await write(t(), 'auth2@example.org');
      await t().work();
      const row = (await getMail(t().app.deps.db, id))!;
      assert.equal(row.status, 'queued');
      assert.match(row.last_error!, /EAUTH/);
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: authed.port, smtpTls: 'none', smtpUser: 'relay-user', smtpPassword: 'wrong' },
);

forEachDatabase(
  'mail delivery with STARTTLS required',
  (t) => {
    it('upgrades the connection before sending', async () => {
      const id = await write(t(), 'tls@example.org');
      await t().work();
      const row = (await getMail(t().app.deps.db, id))!;
      assert.equal(row.status, 'sent', row.last_error ?? '');
      assert.ok(tls.mails.some((m) => m.rcpt.includes('tls@example.org')));
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: tls.port, smtpTls: 'starttls', smtpTlsVerify: false },
);

forEachDatabase(
  'mail delivery with STARTTLS required but not offered',
  (t) => {
    it('never sends in the clear', async () => {
      const id = await write(t(), 'clear@example.org');
      await t().work();
      const row = (await getMail(t().app.deps.db, id))!;
      assert.equal(row.status, 'queued');
      assert.ok(!plain.mails.some((m) => m.rcpt.includes('clear@example.org')));
    });
  },
  { smtpHost: '127.0.0.1', smtpPort: plain.port, smtpTls: 'starttls' },
);
