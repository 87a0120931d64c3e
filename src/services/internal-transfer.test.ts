import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mailedKey } from '../../test/helpers/mailed-keys.ts';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { retrieve } from '../../test/helpers/registry-fixtures.ts';
import { addGrant } from '../../test/helpers/zones.ts';
import { atRegistry, domainReseller, domainRow, later, money, ordersOf, registered, type DomainReseller } from '../../test/helpers/domain-fixtures.ts';
import { answerFoa, answerPage, authCodeOf, transferOutKey, foreignDomain, mailsAbout, outRow, ownDomain, requested, states, tick, transferParams, transferRow, DAY } from '../../test/helpers/transfer-fixtures.ts';
import { simulatorOf, OWN_REGISTRAR } from '../registry/index.ts';
import { requestTransferOut } from './transfer-out.ts';
import { isoDate } from '../core/dates.ts';
import { addMonths } from '../core/period.ts';

/** .com transfer price for a reseller without rebate: 11.25 USD. */
const PRICE = 1125;

forEachDatabase('transfers between resellers of the platform', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;
  let carol: DomainReseller;

  const result = async (r: DomainReseller, procId: string | number) => {
    const { reply, keys } = await retrieve(t(), r.sid, String(procId));
    const text = reply.body.includes('\n\n') ? reply.body.slice(reply.body.indexOf('\n\n') + 2) : '';
    return { status: keys.get('Completion-Status'), text };
  };
  const control = (r: DomainReseller, action: string, domain?: string) => t().call('domain-transfer-control', { 'auth-sid': r.sid, action, ...(domain ? { domain } : {}) });
  const names = async (r: DomainReseller) => (await t().call('query-domain-list', { 'auth-sid': r.sid })).body.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
  const verify = (name: string, code: string) => simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).verifyAuthCode(name, code);
  /** A domain alice has held for long, with the auth code she got for it. */
  const aliceDomain = async (name: string) => {
    await ownDomain(t(), alice, name);
    return { name, code: await authCodeOf(t(), alice, name) };
  };
  const fresh = async () => {
    alice = await later(t(), alice, 0);
    bob = await later(t(), bob, 0);
    carol = await later(t(), carol, 0);
  };

  it('setup', async () => {
    alice = await domainReseller(t(), 'it-alice');
    bob = await domainReseller(t(), 'it-bob');
    carol = await domainReseller(t(), 'it-carol');
  });

  it('moves a domain from another reseller with its auth code: FOA, 5 days of silence, the price booked, a year added, the domain in the gaining account', async () => {
    const { name, code } = await aliceDomain('move-me.com');
    const [a, b] = t().app.deps.config.dnsNameservers;
    assert.equal((await t().call('domain-modify', { 'auth-sid': alice.sid, domain: name, 'ns-list': `${a}:${b}` })).code, 0);
    await t().work();
    const put = await t().call('dns-zone-put', { 'auth-sid': alice.sid, domain: name, zone: 'www A 0 192.0.2.7 3600' });
    assert.equal(put.code, 0, put.raw);
    await t().work();
    const d0 = (await domainRow(t(), name))!;
    await addGrant(t(), d0.id, alice.id, carol.id, '@admin');
    const expiry = (await atRegistry(t(), name))!.expiresAt;
    const before = { alice: await money(t(), alice.id), bob: await money(t(), bob.id) };

    const reply = await t().call('domain-transfer-in-reseller', transferParams(bob, name, code));
    assert.equal(reply.code, 0, reply.raw);
    const procId = reply.get('Proc-ID')!;
    assert.deepEqual(await money(t(), bob.id), { balance: before.bob.balance, reserved: before.bob.reserved + PRICE }, 'the price is held at once');
    await t().work();
    const row = await transferRow(t(), name);
    assert.equal(row.state, 'FOA_BEEN_SENT');
    assert.deepEqual([row.losing_registrar, row.losing_account_id], [OWN_REGISTRAR, alice.id]);
    // The FOA goes to the registrant this registrar knows; the gaining reseller does not see the address.
    const foa = await mailsAbout(t(), name, 'transfer-foa');
    assert.deepEqual(foa.map((m) => m.to_address), ['it-alice-owner@example.org']);
    assert.match(foa[0]!.body, new RegExp(`currently held by the registrar ${OWN_REGISTRAR}`));
    assert.equal((await control(bob, 'list')).body, `${name}\tFOA_BEEN_SENT\tREDACTED FOR PRIVACY\tREDACTED FOR PRIVACY\n`);
    assert.match((await control(bob, 'resend-foa', name)).body, /^FOA for move-me\.com re-sent to the owner and admin contacts of the domain; answer by /);
    assert.equal((await control(alice, 'list-out')).body, '', 'the holder is asked once the FOA is confirmed');

    await answerFoa(t(), name, 'yes');
    const waiting = await transferRow(t(), name);
    assert.equal(waiting.state, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    assert.equal(waiting.auth_code, null);
    const out = await outRow(t(), name);
    assert.deepEqual([out.account_id, out.transfer_in_id, out.state, out.gaining], [alice.id, row.id, 'pending', OWN_REGISTRAR]);
    assert.equal(out.act_by, waiting.registry_act_by);
    assert.equal(out.act_by, t().clock.now() + 5 * DAY);
    assert.equal((await control(alice, 'list-out')).body, `${name}\tpending\t${OWN_REGISTRAR}\t${isoDate(out.act_by)}\n`);
    const ask = (await mailsAbout(t(), name, 'transfer-out-request'))[0]!;
    assert.equal(ask.to_address, 'it-alice@example.com');
    assert.match(ask.body, /Another account of this registrar has asked to take over the domain move-me\.com from your account\./);
    assert.ok(!ask.body.includes('it-bob'), 'the gaining reseller is not named');
    assert.equal((await result(alice, out.result_id!)).status, '?');
    const page = await t().app.http.inject({ method: 'GET', url: `/answer/transfer-out/${await transferOutKey(t(), name)}` });
    assert.match(page.body, /Another account of this registrar has asked to take over move-me\.com/);
    const reg = (await atRegistry(t(), name))!;
    assert.equal(reg.pendingTransfer, null, 'no registry transfer: the sponsor does not change');

    bob = await later(t(), bob, 4 * DAY);
    await tick(t());
    assert.equal((await transferRow(t(), name)).state, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    bob = await later(t(), bob, DAY);
    await fresh();
    await tick(t());
    const done = await transferRow(t(), name);
    assert.deepEqual([done.state, done.outcome], ['TRANSFER_PROCESSED_SUCCESSFULLY', 'done']);
    assert.deepEqual(await states(t(), name), [
      'IN_DB',
      'PAYMENT_PREPARED',
      'PAYMENT_ACQUIRED',
      'FOA_BEEN_SENT',
      'FOA_BEEN_SENT', // re-sent
      'FOA_ACK',
      'REGISTRY_REQUEST_SENT',
      'REGISTRY_REQUEST_RECEIVED_NOW_WAITING',
      'DOMAIN_WITH_JOKER_PENDING_COMPLETE',
      'PAYMENT_COMMITTED',
      'TRANSFER_PROCESSED_SUCCESSFULLY',
    ]);
    // At the registry: the same sponsor, the gaining request's contacts, a year more, a code nobody knows.
    const info = (await atRegistry(t(), name))!;
    assert.equal(info.sponsor, OWN_REGISTRAR);
    assert.equal(info.expiresAt, addMonths(expiry, 12));
    assert.deepEqual([info.registrant, info.admin, info.tech, info.billing], [bob.contact, bob.contact, bob.contact, bob.contact]);
    assert.equal(await verify(name, code), false, 'the code alice handed out no longer works');
    // Here: the row is bob's, with the registry's expiry; alice's zone, grants and listing are gone.
    const d = (await domainRow(t(), name))!;
    assert.deepEqual([d.id, d.account_id, d.expires_at, d.owner_c, d.autorenew], [d0.id, bob.id, info.expiresAt, bob.contact, 1]);
    assert.ok((await names(bob)).includes(name));
    assert.ok(!(await names(alice)).includes(name));
    const grant = await t().app.deps.db.selectFrom('grants').select('state').where('domain_id', '=', d.id).executeTakeFirstOrThrow();
    assert.equal(grant.state, 'revoked');
    assert.equal((await t().call('dns-zone-get', { 'auth-sid': bob.sid, domain: name })).body, '$dnssec=no\n$dyndns=no::\n', 'a fresh zone, not alice\'s records');
    assert.equal((await t().call('dns-zone-get', { 'auth-sid': alice.sid, domain: name })).code, 2303);
    // Money: bob paid the transfer, alice nothing.
    assert.deepEqual(await money(t(), bob.id), { balance: before.bob.balance - PRICE, reserved: before.bob.reserved });
    assert.deepEqual(await money(t(), alice.id), before.alice);
    assert.deepEqual(await ordersOf(t(), bob.id, name), [{ type: 'transfer', status: 'ok', amount_brutto: PRICE, refund_of: null }]);
    // The gaining result, and the losing reseller's record of the transfer away.
    const r = await result(bob, procId);
    assert.equal(r.status, 'ack');
    assert.match(r.text, new RegExp(`^result_msg: ${name} transferred from ${OWN_REGISTRAR}; expires ${isoDate(info.expiresAt)}$`, 'm'));
    assert.match(r.text, /^zone: hosted zone move-me\.com created$/m);
    assert.match(r.text, /^whois_verification: pending for it-bob-owner@example.org until /m);
    assert.match(r.text, new RegExp(`^registry_roid: ${info.roid}$`, 'm'));
    const gone = await outRow(t(), name);
    assert.equal(gone.state, 'transferred');
    const lost = await result(alice, gone.result_id!);
    assert.equal(lost.status, 'ack');
    assert.match(lost.text, new RegExp(`^result_msg: ${name} was transferred to another account of this registrar \\(no answer by ${isoDate(out.act_by)}, so it was approved\\)$`, 'm'));
    assert.match((await mailsAbout(t(), name, 'transfer-out-transferred'))[0]!.body, /has been transferred to another account of this registrar and has left your account/);
    assert.equal((await control(alice, 'list-out')).body, '');
    assert.equal((await control(bob, 'list')).body, '');
  });

  it('completes at once when the holder lets it go, and keeps the lock and name servers the gaining request asked for', async () => {
    await fresh();
    const { name, code } = await aliceDomain('let-it-go.com');
    await requested(t(), bob, name, code, { status: 'lock', 'ns-list': 'ns1.elsewhere.example:ns2.elsewhere.example', autorenew: 0 });
    await answerFoa(t(), name, 'yes');
    const r = await control(alice, 'approve-out', name);
    assert.equal(r.code, 0, r.raw);
    assert.equal(r.body, `${name} is released to another account of this registrar\n`);
    await t().work();
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
    const events = await t().app.deps.db.selectFrom('transfer_events').select(['state', 'note']).where('transfer_id', '=', (await transferRow(t(), name)).id).execute();
    assert.ok(events.some((e) => e.state === 'DOMAIN_WITH_JOKER_PENDING_COMPLETE' && e.note === 'approved by the current holder'));
    const info = (await atRegistry(t(), name))!;
    assert.ok(info.statuses.includes('clientTransferProhibited'));
    assert.deepEqual(info.nameservers, ['ns1.elsewhere.example', 'ns2.elsewhere.example']);
    const d = (await domainRow(t(), name))!;
    assert.deepEqual([d.account_id, d.locked, d.autorenew], [bob.id, 1, 0]);
    assert.match((await result(alice, (await outRow(t(), name)).result_id!)).text, /^result_msg: let-it-go\.com was transferred to another account of this registrar \(approved\)$/m);
  });

  it('takes the DS of the old holder\'s signed zone off the registry before the zone goes with the move', async () => {
    await fresh();
    const { name, code } = await aliceDomain('signed-move.com');
    const [a, b] = t().app.deps.config.dnsNameservers;
    assert.equal((await t().call('domain-modify', { 'auth-sid': alice.sid, domain: name, 'ns-list': `${a}:${b}` })).code, 0);
    await t().work();
    const put = await t().call('dns-zone-put', { 'auth-sid': alice.sid, domain: name, zone: '$dnssec=yes\nwww A 0 192.0.2.7 3600' });
    assert.equal(put.code, 0, put.raw);
    await t().work();
    assert.equal((await atRegistry(t(), name))!.dnssec?.kind, 'ds', 'signed, with its DS at the parent');
    await requested(t(), bob, name, code);
    await answerFoa(t(), name, 'yes');
    assert.equal((await control(alice, 'approve-out', name)).code, 0);
    await t().work();
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.equal((await atRegistry(t(), name))!.dnssec, null, 'no DS left for a zone that is no longer signed');
    const keys = await t().app.deps.db.selectFrom('dnssec_keys').innerJoin('zones', 'zones.id', 'dnssec_keys.zone_id').select('dnssec_keys.id').where('zones.name', '=', name).execute();
    assert.deepEqual(keys, [], 'the old holder\'s keys went with its zone');
    const done = await t().app.deps.db.selectFrom('results').select('content').where('account_id', '=', bob.id).where('object_name', '=', name).where('request_type', '=', 'domain-transfer-in-reseller').executeTakeFirstOrThrow();
    assert.match(done.content ?? '', /^dnssec: the DS of the previous holder's signed zone was removed at the registry/m);
  });

  it('ends failed when the holder rejects: nack, money released, the domain stays', async () => {
    await fresh();
    const { name, code } = await aliceDomain('keep-it.com');
    const before = await money(t(), bob.id);
    const { procId } = await requested(t(), bob, name, code);
    await answerFoa(t(), name, 'yes');
    const key = await transferOutKey(t(), name);
    const page = await answerPage(t(), 'transfer-out', key, 'no');
    assert.match(page.body, /The transfer of keep-it\.com to another account of this registrar is rejected; the domain stays in your account\./);
    await t().work();
    const row = await transferRow(t(), name);
    assert.deepEqual([row.state, row.outcome], ['TRANSFER_FAILED', 'failed']);
    assert.deepEqual(await money(t(), bob.id), before);
    assert.deepEqual(await ordersOf(t(), bob.id, name), [{ type: 'transfer', status: 'error', amount_brutto: PRICE, refund_of: null }]);
    const r = await result(bob, procId);
    assert.equal(r.status, 'nack');
    assert.match(r.text, new RegExp(`^result_msg: the transfer of ${name} was rejected by the losing registrar ${OWN_REGISTRAR}$`, 'm'));
    const out = await outRow(t(), name);
    assert.equal(out.state, 'rejected');
    assert.match((await result(alice, out.result_id!)).text, /^result_msg: rejected by the reseller$/m);
    assert.equal((await domainRow(t(), name))!.account_id, alice.id);
    assert.equal(await verify(name, code), true, 'the code stays valid until it moves');
  });

  it('refuses in the worker, before any FOA, what a transfer from another registrar is refused: wrong code, locks, young names, a recent move', async () => {
    await fresh();
    const wrong = await aliceDomain('wrong-code.com');
    const locked = await aliceDomain('locked-here.com');
    assert.equal((await t().call('domain-lock', { 'auth-sid': alice.sid, domain: locked.name })).code, 0);
    await t().work();
    await registered(t(), alice, 'young-here.com');
    const young = { name: 'young-here.com', code: await authCodeOf(t(), alice, 'young-here.com') };
    // let-it-go.com moved to bob today: carol may not take it on.
    const moved = { name: 'let-it-go.com', code: await authCodeOf(t(), bob, 'let-it-go.com') };
    assert.equal((await t().call('domain-unlock', { 'auth-sid': bob.sid, domain: moved.name })).code, 0);
    await t().work();
    const cases: Array<[DomainReseller, string, string, RegExp]> = [
      [bob, wrong.name, 'Not-The-Code', /^result_msg: the transfer-auth-id \(AUTH-ID\) is not valid for wrong-code\.com; ask the current registrar for a new one$/m],
      [bob, locked.name, locked.code, /^result_msg: locked-here\.com is locked by its current registrar \(clientTransferProhibited\); it must be unlocked there first$/m],
      [bob, young.name, young.code, /^result_msg: young-here\.com was registered on \d{4}-\d{2}-\d{2}, less than 60 days ago; it can be transferred from \d{4}-\d{2}-\d{2}$/m],
      [carol, moved.name, moved.code, /^result_msg: let-it-go\.com was transferred on \d{4}-\d{2}-\d{2}, less than 60 days ago; it can be transferred again from \d{4}-\d{2}-\d{2}$/m],
    ];
    for (const [r, name, code, why] of cases) {
      const before = await money(t(), r.id);
      const foas = (await mailsAbout(t(), name, 'transfer-foa')).length;
      const { procId } = await requested(t(), r, name, code);
      const res = await result(r, procId);
      assert.equal(res.status, 'nack', name);
      assert.match(res.text, why);
      assert.deepEqual([(await transferRow(t(), name)).state, (await transferRow(t(), name)).outcome], ['TRANSFER_FAILED', 'failed'], name);
      assert.deepEqual(await money(t(), r.id), before, name);
      assert.equal((await mailsAbout(t(), name, 'transfer-foa')).length, foas, `no FOA for ${name}`);
    }
    // A wrong code reads as for a domain at another registrar.
    const foreign = await foreignDomain(t(), 'wrong-code-elsewhere.com');
    const { procId } = await requested(t(), bob, foreign.name, 'Not-The-Code');
    assert.equal((await result(bob, procId)).text.replaceAll(foreign.name, 'X'), (await result(bob, (await transferRow(t(), wrong.name)).result_id)).text.replaceAll(wrong.name, 'X'));
  });

  it('refuses a domain under the IRTP-C lock of a change of registrant as the losing registrar, and one whose change is under way', async () => {
    await fresh();
    const { name, code } = await aliceDomain('new-owner-here.com');
    const owner = { fname: 'John', lname: 'Doe', email: 'johnd@someisp.com', 'address-1': 'Smartroad 1', city: 'Smalltown', 'postal-code': '40122', country: 'US', phone: '+1.4155552671' };
    const change = await t().call('domain-owner-change', { 'auth-sid': alice.sid, domain: name, ...owner });
    assert.equal(change.code, 0, change.raw);
    await t().work();
    const pending = await requested(t(), bob, name, code);
    assert.match((await result(bob, pending.procId)).text, /^result_msg: new-owner-here\.com has a change of registrant in progress at its current registrar$/m);

    const key = await mailedKey(t().app.deps.db, { kind: 'cor-confirmation', object: name });
    await answerPage(t(), 'cor', key, 'yes');
    await t().work();
    const { procId } = await requested(t(), bob, name, code);
    await answerFoa(t(), name, 'yes');
    const r = await result(bob, procId);
    assert.equal(r.status, 'nack');
    assert.match(r.text, new RegExp(`^result_msg: the transfer of ${name} was rejected by the losing registrar ${OWN_REGISTRAR} \\(the registrant changed recently; IRTP-C\\)$`, 'm'));
    const out = await outRow(t(), name);
    assert.equal(out.state, 'rejected');
    assert.match(out.reason!, /^the registrant changed recently: new-owner-here\.com is locked against transfers until \d{4}-\d{2}-\d{2} \(IRTP-C\)$/);
    assert.equal((await mailsAbout(t(), name, 'transfer-out-rejected')).length, 1);
    assert.equal((await domainRow(t(), name))!.account_id, alice.id);
  });

  it('lets the holder\'s requests on the domain land first: refused while one waits at the check, waited for at the move', async () => {
    await fresh();
    const { name, code } = await aliceDomain('busy-here.com');
    const modify = { 'auth-sid': alice.sid, domain: name, 'ns-list': 'ns1.busy.example:ns2.busy.example' };
    // The holder's domain-modify is still in the worker's queue when the transfer is checked.
    const first = await t().call('domain-transfer-in-reseller', transferParams(bob, name, code));
    assert.equal((await t().call('domain-modify', modify)).code, 0);
    await t().work();
    assert.match((await result(bob, first.get('Proc-ID')!)).text, /^result_msg: busy-here\.com has an operation pending at its current registrar; try again when it is done$/m);

    const { procId } = await requested(t(), bob, name, code);
    await answerFoa(t(), name, 'yes');
    assert.equal((await control(alice, 'approve-out', name)).code, 0);
    await t().app.worker.runOnce(1); // the answer: the completion is queued
    assert.equal((await transferRow(t(), name)).state, 'DOMAIN_WITH_JOKER_PENDING_COMPLETE');
    const late = await t().call('domain-modify', { ...modify, 'ns-list': 'ns3.busy.example:ns4.busy.example' });
    assert.equal(late.code, 0);
    await t().work();
    assert.equal((await transferRow(t(), name)).state, 'DOMAIN_WITH_JOKER_PENDING_COMPLETE', 'the move waits for the holder\'s request');
    assert.equal((await result(alice, late.get('Proc-ID')!)).status, 'ack');
    bob = await later(t(), bob, 60_000);
    await t().work();
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.equal((await result(bob, procId)).status, 'ack');
    assert.deepEqual((await atRegistry(t(), name))!.nameservers, ['ns3.busy.example', 'ns4.busy.example'], 'the holder\'s change landed before the move');
    assert.equal((await domainRow(t(), name))!.account_id, bob.id);
  });

  it('refuses at once, holding nothing, when the gaining reseller cannot pay', async () => {
    await fresh();
    const { name, code } = await aliceDomain('too-dear.com');
    const poor = await domainReseller(t(), 'it-poor', { balance: 500 });
    const r = await t().call('domain-transfer-in-reseller', transferParams(poor, name, code));
    assert.equal(r.code, 2104, r.raw);
    assert.match(r.get('Error')!, /insufficient funds/);
    assert.equal(r.get('Proc-ID'), undefined);
    assert.deepEqual(await money(t(), poor.id), { balance: 500, reserved: 0 });
    assert.equal(await t().app.deps.db.selectFrom('transfers_in').select('id').where('domain', '=', name).executeTakeFirst(), undefined);
  });

  it('lets the gaining reseller cancel while the holder decides: both sides end, the money comes back', async () => {
    await fresh();
    const { name, code } = await aliceDomain('cancel-me.com');
    const before = await money(t(), bob.id);
    const { procId } = await requested(t(), bob, name, code);
    await answerFoa(t(), name, 'yes');
    const c = await control(bob, 'cancel', name);
    assert.equal(c.body, `cancellation of the transfer of ${name} sent to the registry\n`);
    await t().work();
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_CANCELLED');
    assert.deepEqual(await money(t(), bob.id), before);
    assert.equal((await result(bob, procId)).status, 'nack');
    const out = await outRow(t(), name);
    assert.deepEqual([out.state, out.reason], ['cancelled', 'the request was withdrawn']);
    assert.equal((await result(alice, out.result_id!)).status, 'nack');
    assert.equal((await control(alice, 'list-out')).body, '');
    // A second reseller's transfer of the same name waits its turn: refused while the first is open.
    const again = await requested(t(), bob, name, code);
    await answerFoa(t(), name, 'yes');
    const third = await requested(t(), carol, name, code);
    assert.match((await result(carol, third.procId)).text, new RegExp(`^result_msg: ${name} is already pending transfer to ${OWN_REGISTRAR}$`, 'm'));
    // A foreign registrar asking meanwhile is turned down by this registrar at once.
    const foreign = await requestTransferOut({ db: t().app.deps.db, now: t().clock.now(), deps: t().app.deps }, { domain: name, gaining: 'sim-budgetnames', authCode: code });
    assert.deepEqual(foreign.state === 'rejected' && foreign.reason, `${name} is being transferred to another account of this registrar`);
    assert.equal((await atRegistry(t(), name))!.pendingTransfer, null);
    assert.equal((await result(bob, again.procId)).status, '?');
  });

  it('a late answer of the holder does not stop the transfer that its silence approved', async () => {
    await fresh();
    const { name, code } = await aliceDomain('too-late.com');
    await requested(t(), bob, name, code);
    await answerFoa(t(), name, 'yes');
    alice = await later(t(), alice, 5 * DAY);
    await fresh();
    // The window ended; the answer arrives before the periodic step ran.
    assert.equal((await control(alice, 'reject-out', name)).code, 0);
    await t().work();
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.equal((await domainRow(t(), name))!.account_id, bob.id);
  });
});
