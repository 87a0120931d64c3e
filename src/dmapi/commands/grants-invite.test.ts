import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../../test/helpers/harness.ts';
import { insertDomain } from '../../../test/helpers/domain-rows.ts';
import { DAY } from '../../core/clock.ts';
import { listMail } from '../../mail/outbox.ts';
import { accessDomain } from '../../services/domain-access.ts';
import { keyHash } from '../../services/answer-keys.ts';

const grantsOf = (t: TestApp, domain: string) =>
  t.app.deps.db
    .selectFrom('grants')
    .innerJoin('domains', 'domains.id', 'grants.domain_id')
    .selectAll('grants')
    .where('domains.name', '=', domain)
    .orderBy('grants.id')
    .execute();

forEachDatabase(
  'grants-invite',
  (t) => {
    it('mails an invitation with a key and a link to the answer page', async () => {
      const { app, call, clock } = t();
      const owner = await t().reseller('gi-owner');
      await insertDomain(app.deps.db, owner.account.id, 'invite-me.com', clock.now());
      const r = await call('grants-invite', { 'auth-sid': owner.sid, domain: 'Invite-Me.com', email: 'Helper@Example.net', role: '@tech', 'nick-name': 'our DNS person' });
      assert.equal(r.code, 0, r.raw);
      assert.equal(r.body, 'ok');
      assert.match(r.get('Proc-ID')!, /^\d+$/);
      const [g] = await grantsOf(t(), 'invite-me.com');
      assert.equal(g!.state, 'pending');
      assert.equal(g!.role, '@tech');
      assert.equal(g!.email, 'Helper@Example.net');
      assert.equal(g!.nickname, 'our DNS person');
      assert.equal(g!.invitee_account_id, null);
      assert.equal(g!.expires_at, clock.now() + 30 * DAY);
      const [mail] = await listMail(app.deps.db, { to: 'Helper@Example.net' });
      const key = /^Invitation key: ([0-9a-f]{32})$/m.exec(mail!.body)![1]!;
      // Only the key's hash is stored.
      assert.equal(g!.invite_key, keyHash(key));
      assert.equal(mail!.kind, 'grant-invitation');
      assert.equal(mail!.subject, 'Invitation: @tech on invite-me.com');
      assert.ok(mail!.body.includes('gi-owner invites you to take the role @tech on the domain invite-me.com.'), mail!.body);
      assert.ok(mail!.body.includes(`  http://dmapi.example.test:8080/answer/grant/${key}\n`), mail!.body);

      const result = await call('result-retrieve', { 'auth-sid': owner.sid, 'proc-id': r.get('Proc-ID')! });
      assert.match(result.body, /Completion-Status: ack/);
      assert.match(result.body, /Object-Name: invite-me\.com/);
    });

    it('applies the role at once when client-uid matches the e-mail, and tells the grantee', async () => {
      const { app, call, clock } = t();
      const owner = await t().reseller('gi-owner2');
      const helper = await t().reseller('gi-helper');
      await insertDomain(app.deps.db, owner.account.id, 'silent.com', clock.now());
      await assert.rejects(accessDomain(app.deps.db, helper.account.id, 'silent.com', 'dns'));
      const r = await call('grants-invite', { 'auth-sid': owner.sid, domain: 'silent.com', email: 'GI-HELPER@example.com', role: 'tech', 'client-uid': helper.account.id });
      assert.equal(r.code, 0, r.raw);
      const [g] = await grantsOf(t(), 'silent.com');
      assert.equal(g!.state, 'active');
      assert.equal(g!.invitee_account_id, helper.account.id);
      assert.equal(g!.invite_key, null);
      assert.equal(g!.nickname, 'GI-HELPER@example.com');
      assert.deepEqual((await accessDomain(app.deps.db, helper.account.id, 'silent.com', 'dns')).roles, ['@tech']);
      const [mail] = await listMail(app.deps.db, { to: 'gi-helper@example.com' });
      assert.equal(mail!.kind, 'grant-granted');
      assert.equal(mail!.subject, 'Role granted: @tech on silent.com');

      const dup = await call('grants-invite', { 'auth-sid': owner.sid, domain: 'silent.com', email: 'gi-helper@example.com', role: '@tech', 'client-uid': helper.account.id });
      assert.equal(dup.code, 2302);
      assert.equal(dup.get('Error'), `account ${helper.account.id} holds @tech on silent.com already (scope ${g!.id})`);
    });

    it('falls back to an invitation when client-uid does not match the e-mail (telling nothing)', async () => {
      const { app, call, clock } = t();
      const owner = await t().reseller('gi-owner3');
      const helper = await t().reseller('gi-helper3');
      await insertDomain(app.deps.db, owner.account.id, 'mismatch.com', clock.now());
      const r = await call('grants-invite', { 'auth-sid': owner.sid, domain: 'mismatch.com', email: 'someone-else@example.net', role: '@admin', 'client-uid': helper.account.id });
      assert.equal(r.code, 0);
      const [g] = await grantsOf(t(), 'mismatch.com');
      assert.equal(g!.state, 'pending');
      assert.equal(g!.invitee_account_id, null);
      const again = await call('grants-invite', { 'auth-sid': owner.sid, domain: 'mismatch.com', email: 'SOMEONE-ELSE@example.net', role: '@admin' });
      assert.equal(again.code, 2302);
      assert.match(again.get('Error')!, /an invitation of SOMEONE-ELSE@example\.net for @admin on mismatch\.com is pending already/);
      // Another role for the same address is a separate invitation.
      assert.equal((await call('grants-invite', { 'auth-sid': owner.sid, domain: 'mismatch.com', email: 'someone-else@example.net', role: '@billing' })).code, 0);
    });

    it('never moves a domain with @creator at once: the named account gets an offer with the terms that only it can accept', async () => {
      const { app, call, clock } = t();
      const owner = await t().reseller('gi-seller');
      const buyer = await t().reseller('gi-buyer');
      const sameAddress = await t().reseller('gi-namesake', { email: buyer.account.email });
      const third = await t().reseller('gi-third');
      const id = await insertDomain(app.deps.db, owner.account.id, 'sold.com', clock.now());
      await app.deps.db.updateTable('domains').set({ autorenew: 1 }).where('id', '=', id).execute();
      assert.equal((await call('grants-invite', { 'auth-sid': owner.sid, domain: 'sold.com', email: third.account.email, role: '@tech', 'client-uid': third.account.id })).code, 0);

      const r = await call('grants-invite', { 'auth-sid': owner.sid, domain: 'sold.com', email: buyer.account.email, role: '@creator', 'client-uid': buyer.account.id });
      assert.equal(r.code, 0, r.raw);
      const d = await app.deps.db.selectFrom('domains').selectAll().where('name', '=', 'sold.com').executeTakeFirstOrThrow();
      assert.equal(d.account_id, owner.account.id, 'still the seller\'s until the buyer accepts');
      const creator = (await grantsOf(t(), 'sold.com')).find((g) => g.role === '@creator')!;
      assert.equal(creator.state, 'pending');
      assert.equal(creator.invitee_account_id, buyer.account.id);
      const [mail] = await listMail(app.deps.db, { to: buyer.account.email, kind: 'grant-invitation' });
      assert.match(mail!.body, /What you take on by accepting/);
      assert.match(mail!.body, /sold\.com expires on \d{4}-\d\d-\d\d\./);
      assert.match(mail!.body, /Autorenew is on: after the move the domain is renewed for a year a day before it expires, charged to the receiving account at its own prices\./);

      // A year on, nobody was charged for a domain that was never accepted.
      clock.advance(366 * DAY);
      await app.worker.runTasks();
      await t().work();
      const orders = await app.deps.db.selectFrom('orders').select('account_id').where('account_id', '=', buyer.account.id).execute();
      assert.deepEqual(orders, []);
      // Another account with the same address cannot take the offer made to the buyer.
      const key = /Invitation key: (\S+)/.exec(mail!.body)![1]!;
      const namesakeSid = await sameAddress.session('full');
      assert.equal((await call('grants-accept', { 'auth-sid': namesakeSid, key })).code, 2303);
    });

    it('needs a full-scope session to offer @creator: a modify-only key cannot give a domain away', async () => {
      const { app, call, clock } = t();
      const owner = await t().reseller('gi-giver');
      const buyer = await t().reseller('gi-taker');
      await insertDomain(app.deps.db, owner.account.id, 'kept.com', clock.now());
      const mo = await owner.session('modify-only');
      const denied = await call('grants-invite', { 'auth-sid': mo, domain: 'kept.com', email: buyer.account.email, role: '@creator', 'client-uid': buyer.account.id });
      assert.equal(denied.code, 2201);
      assert.equal(denied.get('Error'), 'this session uses a modify-only API key, which cannot run requests that cause costs (grants-invite role=@creator gives the domain away)');
      assert.deepEqual(await grantsOf(t(), 'kept.com'), []);
      assert.deepEqual(await listMail(app.deps.db, { to: buyer.account.email }), []);
    });

    it('refuses what cannot be', async () => {
      const { app, call, clock } = t();
      const owner = await t().reseller('gi-owner4');
      const other = await t().reseller('gi-other4');
      await insertDomain(app.deps.db, owner.account.id, 'strict.com', clock.now());
      await insertDomain(app.deps.db, other.account.id, 'not-mine.com', clock.now());
      const cases: Array<[Record<string, string | number>, number, RegExp]> = [
        [{ domain: 'strict.com', email: owner.account.email, role: '@admin', 'client-uid': owner.account.id }, 2306, new RegExp(`^invalid 'client-uid' \\(strict\\.com belongs to account ${owner.account.id} already\\)$`)],
        [{ domain: 'not-mine.com', email: 'x@example.net', role: '@admin' }, 2303, /^domain not-mine\.com not found$/],
        [{ domain: 'nowhere.com', email: 'x@example.net', role: '@admin' }, 2303, /^domain nowhere\.com not found$/],
        [{ domain: 'strict.com', email: 'not an address', role: '@admin' }, 2005, /^invalid 'email' \(not an e-mail address\)$/],
        [{ domain: 'strict.com', email: 'x@example.net', role: '@owner' }, 2005, /^invalid 'role' \(must be one of @admin, @billing, @tech, @creator\)$/],
        [{ domain: 'strict.com', email: 'x@example.net' }, 2003, /^missing parameter 'role'$/],
        [{ domain: 'strict.com', email: 'x@example.net', role: '@tech', 'client-uid': 'abc' }, 2005, /^invalid 'client-uid' \(must be a whole number\)$/],
      ];
      for (const [params, code, error] of cases) {
        const r = await call('grants-invite', { 'auth-sid': owner.sid, ...params });
        assert.equal(r.code, code, `${JSON.stringify(params)}: ${r.raw}`);
        assert.match(r.get('Error')!, error);
        assert.equal(r.get('Proc-ID'), undefined);
      }
      assert.deepEqual(await grantsOf(t(), 'strict.com'), []);
    });

    it('lets only the holder invite: a grantee, even @admin, is told its role does not permit it', async () => {
      const { app, call, clock } = t();
      const owner = await t().reseller('gi-owner5');
      const admin = await t().reseller('gi-admin5');
      await insertDomain(app.deps.db, owner.account.id, 'delegated.com', clock.now());
      await call('grants-invite', { 'auth-sid': owner.sid, domain: 'delegated.com', email: admin.account.email, role: '@admin', 'client-uid': admin.account.id });
      const r = await call('grants-invite', { 'auth-sid': admin.sid, domain: 'delegated.com', email: 'friend@example.net', role: '@tech' });
      assert.equal(r.code, 2201);
      assert.equal(r.get('Error'), 'your role @admin on delegated.com does not permit granting or revoking roles on it');
    });

    it('runs with a modify-only key but not with a read-only key', async () => {
      const { app, call, clock } = t();
      const owner = await t().reseller('gi-owner6');
      await insertDomain(app.deps.db, owner.account.id, 'scoped.com', clock.now());
      const ro = await owner.session('read-only');
      const denied = await call('grants-invite', { 'auth-sid': ro, domain: 'scoped.com', email: 'x@example.net', role: '@tech' });
      assert.equal(denied.code, 2201);
      assert.match(denied.get('Error')!, /read-only API key/);
      const mo = await owner.session('modify-only');
      assert.equal((await call('grants-invite', { 'auth-sid': mo, domain: 'scoped.com', email: 'x@example.net', role: '@tech', nickname: 'via nickname' })).code, 0);
      assert.equal((await grantsOf(t(), 'scoped.com'))[0]!.nickname, 'via nickname');
    });
  },
  { publicUrl: 'http://dmapi.example.test:8080' },
);
