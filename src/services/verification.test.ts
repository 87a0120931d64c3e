import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { insertDomain } from '../../test/helpers/domain-rows.ts';
import { DAY } from '../core/clock.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { listMail } from '../mail/outbox.ts';
import { answerVerification, emailStatus, pendingVerifications, runVerificationDeadlines, startVerification, REMINDER_BEFORE_MS, WHOIS_SUSPENSION } from './verification.ts';

const ctxOf = (t: TestApp) => ({ db: t.app.deps.db, now: t.clock.now(), deps: t.app.deps });
const start = (t: TestApp, email: string, domain: string, accountId?: number) =>
  t.app.deps.db.transaction().execute((db) => startVerification({ ...ctxOf(t), db }, { email, domain, ...(accountId !== undefined ? { accountId } : {}) }));
const deadlines = (t: TestApp) => t.app.deps.db.transaction().execute((db) => runVerificationDeadlines({ ...ctxOf(t), db }));
const domainRow = (t: TestApp, name: string) => t.app.deps.db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
const mailsTo = async (t: TestApp, to: string) => (await listMail(t.app.deps.db, { to, limit: 100 })).reverse();

forEachDatabase(
  'whois e-mail verification',
  (t) => {
    it('starts a verification: key, 15-day deadline, mail with the answer link', async () => {
      const r = await t().reseller('wv-a');
      const now = t().clock.now();
      await insertDomain(t().app.deps.db, r.account.id, 'first-owner.com', now);
      const out = await start(t(), 'Owner@Example.ORG', 'first-owner.com', r.account.id);
      assert.equal(out.status, 'pending');
      if (out.status !== 'pending') return;
      assert.match(out.key, /^[0-9a-f]{32}$/);
      assert.equal(out.deadline, now + 15 * DAY);
      const [mail] = await mailsTo(t(), 'owner@example.org');
      assert.equal(mail!.id, out.mailId);
      assert.equal(mail!.kind, 'whois-verification');
      assert.equal(mail!.account_id, r.account.id);
      assert.equal(mail!.object_name, 'first-owner.com');
      assert.equal(mail!.subject, 'Please confirm your e-mail address for first-owner.com');
      assert.ok(mail!.body.includes(`  https://panel.example.test/answer/verify-email/${out.key}\n`), mail!.body);
      assert.ok(mail!.body.includes(`Verification key: ${out.key}`));
      assert.ok(mail!.body.includes('  first-owner.com\n'));
      assert.ok(mail!.body.includes(`by ${new Date(now + 15 * DAY).toISOString().slice(0, 16).replace('T', ' ')} UTC`));
      assert.deepEqual(await pendingVerifications(t().app.deps.db, r.account.id), [{ email: 'owner@example.org', domain: 'first-owner.com', deadline: now + 15 * DAY, state: 'pending' }]);
      assert.equal(await emailStatus(t().app.deps.db, 'owner@example.org', r.account.id), 'pending');
    });

    it('shares one key per address, keeps a running deadline and sends no second mail for the same domain', async () => {
      const r = await t().reseller('wv-b');
      const db = t().app.deps.db;
      await insertDomain(db, r.account.id, 'shared-one.com', t().clock.now());
      await insertDomain(db, r.account.id, 'shared-two.com', t().clock.now());
      const one = await start(t(), 'same@example.org', 'shared-one.com');
      t().clock.advance(2 * DAY);
      const two = await start(t(), 'same@example.org', 'shared-two.com');
      const again = await start(t(), 'same@example.org', 'shared-one.com');
      assert.ok(one.status === 'pending' && two.status === 'pending' && again.status === 'pending');
      assert.equal(two.key, one.key);
      assert.equal(two.deadline, one.deadline + 2 * DAY);
      assert.equal(again.deadline, one.deadline);
      assert.equal(again.mailId, null);
      assert.equal((await mailsTo(t(), 'same@example.org')).length, 2);
    });

    it('needs nothing for a verified address, and refuses a domain of another account or a bad address', async () => {
      const r = await t().reseller('wv-c');
      const other = await t().reseller('wv-c2');
      const db = t().app.deps.db;
      await insertDomain(db, r.account.id, 'verified-one.com', t().clock.now());
      await insertDomain(db, r.account.id, 'verified-two.com', t().clock.now());
      const first = await start(t(), 'v@example.org', 'verified-one.com');
      assert.equal(first.status, 'pending');
      if (first.status !== 'pending') return;
      assert.equal((await db.transaction().execute((trx) => answerVerification({ ...ctxOf(t()), db: trx }, first.key, 'yes'))).outcome, 'verified');
      assert.deepEqual(await start(t(), 'V@example.org', 'verified-two.com'), { status: 'verified' });
      assert.equal((await mailsTo(t(), 'v@example.org')).length, 1);

      await assert.rejects(start(t(), 'x@example.org', 'verified-one.com', other.account.id), (e: unknown) => e instanceof DmapiError && e.key === 'OBJECT_NOT_FOUND');
      await assert.rejects(start(t(), 'not-an-address', 'verified-one.com'), (e: unknown) => e instanceof DmapiError && e.key === 'PARAM_SYNTAX');
    });

    it('reminds three days before the deadline, once, and suspends at the deadline', async () => {
      const r = await t().reseller('wv-d');
      const db = t().app.deps.db;
      await insertDomain(db, r.account.id, 'late-owner.com', t().clock.now());
      const out = await start(t(), 'late@example.org', 'late-owner.com');
      assert.equal(out.status, 'pending');
      if (out.status !== 'pending') return;

      t().clock.set(out.deadline - REMINDER_BEFORE_MS - 1);
      await deadlines(t());
      assert.equal((await mailsTo(t(), 'late@example.org')).length, 1);
      t().clock.advance(1);
      await deadlines(t());
      await deadlines(t());
      const mails = await mailsTo(t(), 'late@example.org');
      assert.deepEqual(mails.map((m) => m.kind), ['whois-verification', 'whois-verification-reminder']);
      assert.match(mails[1]!.subject, /^Reminder: confirm/);
      assert.ok(mails[1]!.body.includes(out.key));

      t().clock.set(out.deadline - 1);
      await deadlines(t());
      assert.equal((await domainRow(t(), 'late-owner.com')).suspended_at, null);
      t().clock.set(out.deadline);
      // Through the scheduler this time: the task is registered.
      await t().app.worker.runTasks();
      const d = await domainRow(t(), 'late-owner.com');
      assert.equal(d.suspended_at, out.deadline);
      assert.equal(d.suspension_reason, WHOIS_SUSPENSION);
      assert.equal(await emailStatus(db, 'late@example.org', r.account.id), 'invalid');
      const [notice] = await mailsTo(t(), 'wv-d@example.com');
      assert.equal(notice!.kind, 'whois-suspended');
      assert.equal(notice!.subject, 'Domain late-owner.com suspended: owner e-mail not verified');
      // Still listed while it waits, now suspended.
      assert.deepEqual((await pendingVerifications(db, r.account.id)).map((p) => p.state), ['overdue']);
      // Running again changes nothing and mails nobody.
      assert.deepEqual(await deadlines(t()), { reminded: 0, suspended: 0 });

      // A late "yes" still verifies and lifts the suspension.
      const yes = await db.transaction().execute((trx) => answerVerification({ ...ctxOf(t()), db: trx }, out.key, 'yes'));
      assert.deepEqual(yes, { outcome: 'verified', email: 'late@example.org', domains: ['late-owner.com'] });
      const lifted = await domainRow(t(), 'late-owner.com');
      assert.equal(lifted.suspended_at, null);
      assert.equal(lifted.suspension_reason, null);
      assert.deepEqual(await pendingVerifications(db, r.account.id), []);
      assert.equal(await emailStatus(db, 'late@example.org', r.account.id), 'verified');
    });

    it('suspends at once on "no" and lifts on a later "yes"', async () => {
      const r = await t().reseller('wv-e');
      const db = t().app.deps.db;
      await insertDomain(db, r.account.id, 'denied-one.com', t().clock.now());
      await insertDomain(db, r.account.id, 'denied-two.com', t().clock.now());
      const out = await start(t(), 'no@example.org', 'denied-one.com');
      await start(t(), 'no@example.org', 'denied-two.com');
      assert.equal(out.status, 'pending');
      if (out.status !== 'pending') return;
      const no = await db.transaction().execute((trx) => answerVerification({ ...ctxOf(t()), db: trx }, out.key, 'no'));
      assert.deepEqual(no, { outcome: 'refused', email: 'no@example.org', domains: ['denied-one.com', 'denied-two.com'] });
      assert.equal((await domainRow(t(), 'denied-one.com')).suspended_at, t().clock.now());
      assert.equal((await domainRow(t(), 'denied-two.com')).suspension_reason, WHOIS_SUSPENSION);
      assert.equal(await emailStatus(db, 'no@example.org', r.account.id), 'invalid');
      assert.equal((await mailsTo(t(), 'wv-e@example.com')).length, 2);

      // Another suspension reason is never lifted by a verification.
      await db.updateTable('domains').set({ suspension_reason: 'abuse' }).where('name', '=', 'denied-two.com').execute();
      await db.transaction().execute((trx) => answerVerification({ ...ctxOf(t()), db: trx }, out.key, 'yes'));
      assert.equal((await domainRow(t(), 'denied-one.com')).suspended_at, null);
      assert.equal((await domainRow(t(), 'denied-two.com')).suspension_reason, 'abuse');
      // "no" after verification is not taken.
      assert.deepEqual(await answerVerification(ctxOf(t()), out.key, 'no'), { outcome: 'closed' });
      assert.deepEqual(await answerVerification(ctxOf(t()), 'f'.repeat(32), 'yes'), { outcome: 'unknown' });
    });

    it('drops the old address when the owner address of a domain changes; a verified new one lifts the suspension', async () => {
      const r = await t().reseller('wv-f');
      const db = t().app.deps.db;
      await insertDomain(db, r.account.id, 'moving-owner.com', t().clock.now());
      await insertDomain(db, r.account.id, 'ok-owner.com', t().clock.now());
      const old = await start(t(), 'old@example.org', 'moving-owner.com');
      assert.equal(old.status, 'pending');
      if (old.status !== 'pending') return;
      t().clock.set(old.deadline);
      await deadlines(t());
      assert.notEqual((await domainRow(t(), 'moving-owner.com')).suspended_at, null);

      // The new address was verified through another domain.
      const other = await start(t(), 'new@example.org', 'ok-owner.com');
      assert.equal(other.status, 'pending');
      if (other.status !== 'pending') return;
      await db.transaction().execute((trx) => answerVerification({ ...ctxOf(t()), db: trx }, other.key, 'yes'));
      assert.deepEqual(await start(t(), 'new@example.org', 'moving-owner.com'), { status: 'verified' });
      assert.equal((await domainRow(t(), 'moving-owner.com')).suspended_at, null);
      assert.deepEqual(await pendingVerifications(db, r.account.id), []);
      // The old key no longer concerns the domain.
      assert.deepEqual((await answerVerification(ctxOf(t()), old.key, 'yes')).outcome, 'verified');
      assert.equal((await domainRow(t(), 'moving-owner.com')).suspended_at, null);
    });

    it('keeps the wa-email view of each reseller to its own domains', async () => {
      const a = await t().reseller('wv-g');
      const b = await t().reseller('wv-h');
      const db = t().app.deps.db;
      await insertDomain(db, a.account.id, 'tenant-a.com', t().clock.now());
      const out = await start(t(), 'tenant@example.org', 'tenant-a.com');
      assert.equal(out.status, 'pending');
      if (out.status !== 'pending') return;
      assert.equal(await emailStatus(db, 'tenant@example.org', b.account.id), 'unverified');
      assert.deepEqual(await answerVerification(ctxOf(t()), out.key, 'yes', b.account.id), { outcome: 'unknown' });
      assert.deepEqual(await pendingVerifications(db, b.account.id), []);
    });
  },
  { publicUrl: 'https://panel.example.test/' },
);
