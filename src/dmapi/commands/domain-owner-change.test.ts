import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mailedKey } from '../../../test/helpers/mailed-keys.ts';
import { keyHash } from '../../services/answer-keys.ts';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { newContact, retrieve } from '../../../test/helpers/registry-fixtures.ts';
import { atRegistry, domainReseller, domainRow, later, ordersOf, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { answerPage, LOSING, mailsAbout, ownDomain, tick, DAY } from '../../../test/helpers/transfer-fixtures.ts';
import { requestTransferOut } from '../../services/transfer-out.ts';
import { isoDate } from '../../core/dates.ts';

/** The seeds' example owner, with a real-length phone number. */
const newOwner = { fname: 'John', lname: 'Doe', email: 'johnd@someisp.com', 'address-1': 'Smartroad 1', city: 'Smalltown', 'postal-code': '40122', country: 'US', phone: '+1.4155552671' };

forEachDatabase('domain-owner-change', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;

  const change = (r: DomainReseller, domain: string, extra: Record<string, string | number> = {}, sid = r.sid) => t().call('domain-owner-change', { 'auth-sid': sid, domain, ...newOwner, ...extra });
  const resultOf = async (r: DomainReseller, procId: string | number) => {
    const { reply, keys } = await retrieve(t(), r.sid, String(procId));
    const text = reply.body.includes('\n\n') ? reply.body.slice(reply.body.indexOf('\n\n') + 2) : '';
    return { status: keys.get('Completion-Status'), text };
  };
  const corKey = (domain: string) => mailedKey(t().app.deps.db, { kind: 'cor-confirmation', object: domain });
  const changeRow = (domain: string) => t().app.deps.db.selectFrom('owner_changes').selectAll().where('domain', '=', domain).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const transferOut = (domain: string, code: string) =>
    requestTransferOut({ db: t().app.deps.db, now: t().clock.now(), deps: t().app.deps }, { domain, gaining: LOSING, authCode: code });

  it('setup', async () => {
    alice = await domainReseller(t(), 'oc-alice');
    bob = await domainReseller(t(), 'oc-bob');
  });

  it('asks the current registrant, makes the change once confirmed, and locks the domain against transfers for 60 days', async () => {
    const own = await ownDomain(t(), alice, 'new-owner.com');
    const r = await change(alice, own.name);
    assert.equal(r.code, 0, r.raw);
    const procId = r.get('Proc-ID')!;
    const mail = (await mailsAbout(t(), own.name, 'cor-confirmation'))[0]!;
    assert.equal(mail.to_address, 'oc-alice-owner@example.org');
    const row = await changeRow(own.name);
    assert.equal(row.state, 'pending');
    const key = await corKey(own.name);
    assert.ok(mail.body.includes(`/answer/cor/${key}`));
    assert.equal(row.confirm_key, keyHash(key), 'only the hash is stored');
    assert.match(mail.body, /current registrant: Jane Owner\n {2}new registrant: {5}John Doe, johnd@someisp\.com/);
    assert.match(mail.body, /cannot be transferred to another registrar for 60 days/);
    await t().work();
    assert.equal((await resultOf(alice, procId)).status, '?', 'waits for the confirmation');
    assert.equal((await domainRow(t(), own.name))!.owner_c, alice.contact);

    const page = await t().app.http.inject({ method: 'GET', url: `/answer/cor/${key}` });
    assert.match(page.body, /from Jane Owner to John Doe, johnd@someisp\.com/);
    const answered = await answerPage(t(), 'cor', key, 'yes');
    assert.equal(answered.status, 200);
    assert.match(answered.body, /Change confirmed/);
    await t().work();
    const applied = await changeRow(own.name);
    assert.equal(applied.state, 'applied');
    const handle = applied.new_owner!;
    assert.match(handle, /^CCOM-\d+$/);
    assert.equal(applied.lock_until, t().clock.now() + 60 * DAY);
    const res = await resultOf(alice, procId);
    assert.equal(res.status, 'ack');
    assert.match(res.text, new RegExp(`^result_msg: the owner of new-owner\\.com is now ${handle} \\(John Doe\\)$`, 'm'));
    assert.match(res.text, new RegExp(`^previous_owner-c: ${alice.contact}$`, 'm'));
    assert.match(res.text, new RegExp(`^transfer_lock: until ${isoDate(applied.lock_until!)}$`, 'm'));
    assert.match(res.text, /^whois_verification: pending for johnd@someisp\.com until /m);
    assert.equal((await domainRow(t(), own.name))!.owner_c, handle);
    assert.equal((await atRegistry(t(), own.name))!.registrant, handle);
    const whois = await t().call('query-whois', { 'auth-sid': alice.sid, domain: own.name });
    assert.match(whois.body, /^domain\.name: John Doe$/m);
    assert.match(whois.body, new RegExp(`^domain\\.owner-c: ${handle}$`, 'm'));
    const notices = await mailsAbout(t(), own.name, 'cor-notice');
    assert.deepEqual(notices.map((n) => n.to_address).sort(), ['johnd@someisp.com', 'oc-alice-owner@example.org']);
    assert.deepEqual(await ordersOf(t(), alice.id, own.name), [{ type: 'cor', status: 'ok', amount_brutto: 0, refund_of: null }]);

    // IRTP-C: a transfer away is refused at once during the lock …
    const out = await transferOut(own.name, own.code);
    assert.equal(out.state, 'rejected');
    assert.match(out.state === 'rejected' ? out.reason : '', new RegExp(`locked against transfers until ${isoDate(applied.lock_until!)} \\(IRTP-C\\)`));
    assert.equal((await mailsAbout(t(), own.name, 'transfer-out-rejected')).length, 1);
    // … and possible after it.
    alice = await later(t(), alice, 60 * DAY);
    assert.equal((await transferOut(own.name, own.code)).state, 'pending');
  });

  it('applies no lock with lock-opt-out=yes', async () => {
    const own = await ownDomain(t(), alice, 'opt-out.com');
    const r = await change(alice, own.name, { 'lock-opt-out': 'yes', name: 'Mary Major', fname: '', lname: '' });
    assert.equal(r.code, 0, r.raw);
    const row = await changeRow(own.name);
    assert.equal(row.lock_opt_out, 1);
    assert.match((await mailsAbout(t(), own.name, 'cor-confirmation'))[0]!.body, /chose not to lock the domain/);
    await answerPage(t(), 'cor', await corKey(own.name), 'yes');
    await t().work();
    const res = await resultOf(alice, r.get('Proc-ID')!);
    assert.equal(res.status, 'ack');
    assert.match(res.text, /^transfer_lock: none \(lock-opt-out\)$/m);
    assert.equal((await changeRow(own.name)).lock_until, null);
    assert.equal((await transferOut(own.name, own.code)).state, 'pending');
  });

  it('makes a change of the address only at once: no confirmation, no lock', async () => {
    const own = await ownDomain(t(), alice, 'same-owner.com');
    const r = await change(alice, own.name, { name: 'Jane Owner', fname: '', lname: '', email: 'oc-alice-owner@example.org', 'address-1': 'New Street 2' });
    assert.equal(r.code, 0, r.raw);
    assert.equal((await mailsAbout(t(), own.name, 'cor-confirmation')).length, 0);
    await t().work();
    const res = await resultOf(alice, r.get('Proc-ID')!);
    assert.equal(res.status, 'ack', res.text);
    assert.match(res.text, /^transfer_lock: none \(not a material change\)$/m);
    const whois = await t().call('query-whois', { 'auth-sid': alice.sid, domain: own.name });
    assert.match(whois.body, /^domain\.address-1: New Street 2$/m);
  });

  it('ends as a nack when the registrant refuses, or does not answer within 14 days', async () => {
    const refused = await ownDomain(t(), alice, 'refused-cor.com');
    const r1 = await change(alice, refused.name);
    const key1 = await corKey(refused.name);
    const page = await answerPage(t(), 'cor', key1, 'no');
    assert.match(page.body, /Change refused/);
    const res1 = await resultOf(alice, r1.get('Proc-ID')!);
    assert.equal(res1.status, 'nack');
    assert.match(res1.text, /^result_msg: the current registrant refused the change of registrant of refused-cor\.com$/m);
    assert.equal((await domainRow(t(), refused.name))!.owner_c, alice.contact);
    assert.equal((await answerPage(t(), 'cor', key1, 'yes')).status, 409, 'answered already');

    const silent = await ownDomain(t(), alice, 'silent-cor.com');
    const r2 = await change(alice, silent.name);
    await t().work();
    alice = await later(t(), alice, 14 * DAY - 60_000);
    await tick(t());
    assert.equal((await changeRow(silent.name)).state, 'pending');
    alice = await later(t(), alice, 60_000);
    await tick(t());
    assert.equal((await changeRow(silent.name)).state, 'expired');
    const res2 = await resultOf(alice, r2.get('Proc-ID')!);
    assert.equal(res2.status, 'nack');
    assert.match(res2.text, /was not confirmed by \d{4}-\d{2}-\d{2}/);
    // A new change may be asked for now.
    assert.equal((await change(alice, silent.name)).code, 0);
  });

  it('checks the new owner like contact-create, one change at a time, tenancy and scope', async () => {
    const own = await ownDomain(t(), alice, 'checks-cor.com');
    const bad = async (params: Record<string, string | number>, code: number, error: RegExp, r = alice) => {
      const res = await t().call('domain-owner-change', { 'auth-sid': r.sid, ...params });
      assert.equal(res.code, code, res.raw);
      assert.ok(res.all('Error').some((e) => error.test(e)), JSON.stringify(res.all('Error')));
    };
    const { fname: _f, lname: _l, ...noName } = newOwner;
    await bad({ domain: own.name, ...noName }, 2003, /missing parameter 'name' \(required \(or both fname and lname\)\)/);
    const { email: _e, ...noEmail } = newOwner;
    await bad({ domain: own.name, ...noEmail }, 2003, /missing parameter 'email'/);
    await bad({ domain: own.name, ...newOwner, country: 'XX' }, 2005, /country/);
    await bad({ domain: own.name, ...newOwner, 'lock-opt-out': 'perhaps' }, 2005, /invalid 'lock-opt-out' \(must be 1 or 0/);
    await bad({ domain: 'not-mine.com', ...newOwner }, 2303, /domain not-mine\.com not found/);
    bob = await later(t(), bob, 0);
    await bad({ domain: own.name, ...newOwner }, 2303, /domain checks-cor\.com not found/, bob);
    assert.equal((await change(alice, own.name, {}, await alice.session('read-only'))).code, 2201);
    // modify-only keys may: a change of registrant costs nothing.
    const ok = await change(alice, own.name, {}, await alice.session('modify-only'));
    assert.equal(ok.code, 0, ok.raw);
    await bad({ domain: own.name, ...newOwner }, 2304, /a change of the owner of checks-cor\.com is already waiting \(for the registrant's confirmation\)/);
  });

  it('applies the TLD\'s contact rules (.eu needs lang)', async () => {
    const r = await t().reseller('oc-eu');
    const contact = await newContact(t(), r.sid, { tld: 'eu', name: 'Eu Owner', email: 'eu-owner@example.org', 'address-1': 'Rue 1', city: 'Bruxelles', 'postal-code': '1000', country: 'BE', phone: '+32.21234567', lang: 'FR' });
    const eu: DomainReseller = { id: r.account.id, sid: r.sid, contact, session: r.session };
    const own = await ownDomain(t(), eu, 'owner-change.eu');
    const res = await t().call('domain-owner-change', { 'auth-sid': eu.sid, domain: own.name, ...newOwner, country: 'BE' });
    assert.equal(res.code, 2003, res.raw);
    assert.match(res.get('Error')!, /^missing parameter 'lang'/);
    const ok = await t().call('domain-owner-change', { 'auth-sid': eu.sid, domain: own.name, ...newOwner, country: 'BE', lang: 'NL' });
    assert.equal(ok.code, 0, ok.raw);
  });
});
