import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { insertDomain } from '../../test/helpers/domain-rows.ts';
import { DAY } from '../core/clock.ts';
import { listMail } from '../mail/outbox.ts';
import { dueStage, runExpiryReminders } from './expiry-reminders.ts';

describe('dueStage', () => {
  const expires = Date.parse('2027-03-01T00:00:00Z');
  it('names the latest stage due: a month, a week, then once within 5 days after the expiry', () => {
    assert.equal(dueStage(expires, expires - 31 * DAY), undefined);
    assert.equal(dueStage(expires, expires - 30 * DAY), 'month');
    assert.equal(dueStage(expires, expires - 8 * DAY), 'month');
    assert.equal(dueStage(expires, expires - 7 * DAY), 'week');
    assert.equal(dueStage(expires, expires - 1), 'week');
    assert.equal(dueStage(expires, expires), 'expired');
    assert.equal(dueStage(expires, expires + 5 * DAY - 1), 'expired');
    assert.equal(dueStage(expires, expires + 5 * DAY), undefined);
  });
});

/** A domain expiring `inDays` from now, owned by a contact with its own address (or none). */
async function domainExpiring(t: TestApp, accountId: number, name: string, inDays: number, ownerEmail?: string) {
  const { app, clock } = t;
  const id = await insertDomain(app.deps.db, accountId, name, clock.now());
  let owner: string | null = null;
  if (ownerEmail) {
    owner = `CCOM-${id}9`;
    await app.deps.db
      .insertInto('contacts')
      .values({ account_id: accountId, handle: owner, tld: 'com', name: 'Owner', organization: '', email: ownerEmail, fields: '{}', created_at: clock.now(), updated_at: clock.now() })
      .execute();
  }
  await app.deps.db.updateTable('domains').set({ expires_at: clock.now() + inDays * DAY, owner_c: owner }).where('id', '=', id).execute();
  return id;
}

forEachDatabase('expiry reminders', (t) => {
  it('mails the registrant a month and a week ahead and once after the expiry, each once', async () => {
    const { app, clock } = t();
    const r = await t().reseller('er-reseller');
    await domainExpiring(t(), r.account.id, 'soon-gone.com', 40, 'owner@soon-gone.example');
    const mails = async () => (await listMail(app.deps.db, { to: 'owner@soon-gone.example' })).map((m) => m.kind).sort();

    assert.equal(await runExpiryReminders(app.deps, clock.now()), 0, '40 days ahead: nothing yet');
    clock.advance(10 * DAY);
    assert.equal(await runExpiryReminders(app.deps, clock.now()), 1);
    assert.equal(await runExpiryReminders(app.deps, clock.now()), 0, 'a second run sends nothing again');
    clock.advance(20 * DAY);
    assert.equal(await runExpiryReminders(app.deps, clock.now()), 0, '10 days ahead: the month reminder is out already');
    clock.advance(3 * DAY + 1);
    assert.equal(await runExpiryReminders(app.deps, clock.now()), 1, 'a week ahead');
    clock.advance(7 * DAY);
    assert.equal(await runExpiryReminders(app.deps, clock.now()), 1, 'just after the expiry');
    clock.advance(10 * DAY);
    assert.equal(await runExpiryReminders(app.deps, clock.now()), 0, 'past the 5 days after the expiry: no more');
    assert.deepEqual(await mails(), ['expiry-expired', 'expiry-month', 'expiry-week']);
    const [month] = await listMail(app.deps.db, { to: 'owner@soon-gone.example', kind: 'expiry-month' });
    assert.match(month!.subject, /^Domain soon-gone\.com expires on /);
    assert.ok(month!.body.includes('It is not set to renew automatically'), month!.body);
    assert.equal(month!.object_name, 'soon-gone.com');
  });

  it('sends only the latest stage due, to the reseller when the domain has no owner contact, and again for the next term', async () => {
    const { app, clock } = t();
    const r = await t().reseller('er-nocontact');
    const id = await domainExpiring(t(), r.account.id, 'short-notice.com', 3);
    await app.deps.db.updateTable('domains').set({ autorenew: 1 }).where('id', '=', id).execute();
    await runExpiryReminders(app.deps, clock.now());
    const first = await listMail(app.deps.db, { to: 'er-nocontact@example.com' });
    assert.deepEqual(first.map((m) => m.kind), ['expiry-week'], 'no month reminder for a domain a week from expiry');
    assert.ok(first[0]!.body.includes('It is set to renew automatically'), first[0]!.body);

    // Renewed for a year: the next term gets its own reminders.
    await app.deps.db.updateTable('domains').set({ expires_at: clock.now() + 368 * DAY }).where('id', '=', id).execute();
    clock.advance(340 * DAY);
    await runExpiryReminders(app.deps, clock.now());
    assert.deepEqual((await listMail(app.deps.db, { to: 'er-nocontact@example.com' })).map((m) => m.kind).sort(), ['expiry-month', 'expiry-week']);
  });

  it('leaves domains that are gone alone', async () => {
    const { app, clock } = t();
    const r = await t().reseller('er-gone');
    const id = await domainExpiring(t(), r.account.id, 'purged-soon.com', 2);
    await app.deps.db.updateTable('domains').set({ status: 'pending-delete' }).where('id', '=', id).execute();
    assert.equal(await runExpiryReminders(app.deps, clock.now()), 0);
  });
});
