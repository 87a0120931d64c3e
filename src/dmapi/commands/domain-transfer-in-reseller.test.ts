import { it } from 'node:test';
import { keyHash } from '../../services/answer-keys.ts';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { newContact, retrieve } from '../../../test/helpers/registry-fixtures.ts';
import { atRegistry, domainReseller, domainRow, later, money, ordersOf, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { answerFoa, foaKey, foreignDomain, LOSING, mailsAbout, requested, states, tick, transferParams, transferRow, DAY } from '../../../test/helpers/transfer-fixtures.ts';
import { simulatorOf, OWN_REGISTRAR } from '../../registry/index.ts';
import { setTransferPolicy } from '../../services/transfer-policy.ts';
import { isoDate } from '../../core/dates.ts';
import { addMonths } from '../../core/period.ts';

/** .com transfer price for a reseller without rebate: 11.25 USD. */
const PRICE = 1125;

forEachDatabase('domain-transfer-in-reseller', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;

  const policy = (answer: 'approve' | 'reject' | 'silent', delayMs = 0) => setTransferPolicy(t().app.deps.db, t().clock.now(), { registrar: LOSING, answer, delayMs });
  const result = async (r: DomainReseller, procId: string) => {
    const { reply, keys } = await retrieve(t(), r.sid, procId);
    const text = reply.body.includes('\n\n') ? reply.body.slice(reply.body.indexOf('\n\n') + 2) : '';
    return { status: keys.get('Completion-Status'), text };
  };

  it('setup', async () => {
    alice = await domainReseller(t(), 'tin-alice');
    bob = await domainReseller(t(), 'tin-bob');
  });

  it('accepts a contact role the TLD does not use and ignores it with a Warning (clients sending all four roles)', async () => {
    const { name, code } = await foreignDomain(t(), 'four-roles.de');
    const de = await newContact(t(), alice.sid, { tld: 'de', name: 'Max Muster', email: 'max@example.org', 'address-1': 'Weg 1', city: 'Berlin', 'postal-code': '10115', country: 'DE', phone: '+49.3012345678' });
    const reply = await t().call('domain-transfer-in-reseller', { ...transferParams(alice, name, code), 'owner-c': de, 'admin-c': de, 'tech-c': de, 'billing-c': de });
    assert.equal(reply.code, 0, reply.raw);
    assert.deepEqual(reply.all('Warning'), ['billing-c ignored: .de domains have no billing contact']);
    assert.equal((await transferRow(t(), name)).billing_c, null);
  });

  it('walks the whole way with a silent losing registrar: FOA, confirmation, 5 days, the registry approves, the domain arrives', async () => {
    await policy('silent');
    const { name, code } = await foreignDomain(t(), 'silent-in.com');
    const before = await money(t(), alice.id);
    const reply = await t().call('domain-transfer-in-reseller', transferParams(alice, name, code));
    assert.equal(reply.code, 0, reply.raw);
    const procId = reply.get('Proc-ID')!;
    assert.ok(procId);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: before.reserved + PRICE }, 'the price is held at once');
    assert.equal((await transferRow(t(), name)).state, 'PAYMENT_ACQUIRED');

    await t().work();
    const row = await transferRow(t(), name);
    assert.equal(row.state, 'FOA_BEEN_SENT');
    assert.equal(row.losing_registrar, LOSING);
    assert.equal(row.foa_owner_email, `hostmaster@${name}`);
    assert.equal(row.foa_deadline_at, t().clock.now() + 5 * DAY);
    const foa = await mailsAbout(t(), name, 'transfer-foa');
    assert.equal(foa.length, 1, 'owner and admin share the address: one mail');
    assert.equal(foa[0]!.to_address, `hostmaster@${name}`);
    const key = await foaKey(t(), name);
    assert.match(foa[0]!.body, new RegExp(`/answer/transfer/${key}\\n`));
    assert.equal(row.foa_key, keyHash(key), 'only the hash is stored');
    assert.match(foa[0]!.body, new RegExp(`currently held by the registrar ${LOSING}`));
    // Pending in result-list until the transfer ends.
    const pending = await t().call('result-list', { 'auth-sid': alice.sid, procid: procId, pending: 1 });
    assert.match(pending.body, new RegExp(`^\\d{14} [0-9a-f]{32} ${procId} domain-transfer-in-reseller ${name} \\? -$`, 'm'));
    assert.equal((await result(alice, procId)).status, '?');

    const page = await answerFoa(t(), name, 'yes');
    assert.equal(page.status, 200);
    assert.match(page.body, /Transfer confirmed/);
    const waiting = await transferRow(t(), name);
    assert.equal(waiting.state, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    assert.equal(waiting.auth_code, null, 'the auth code is not kept after the registry request');
    const reg = (await atRegistry(t(), name))!;
    assert.equal(reg.pendingTransfer?.gaining, OWN_REGISTRAR);
    assert.equal(waiting.registry_act_by, reg.pendingTransfer!.actBy);

    // Four days later the losing registrar has still said nothing: still waiting.
    alice = await later(t(), alice, 4 * DAY);
    await tick(t());
    assert.equal((await transferRow(t(), name)).state, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    alice = await later(t(), alice, DAY);
    await tick(t());
    const done = await transferRow(t(), name);
    assert.equal(done.state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.equal(done.outcome, 'done');
    assert.deepEqual(await states(t(), name), [
      'IN_DB',
      'PAYMENT_PREPARED',
      'PAYMENT_ACQUIRED',
      'FOA_BEEN_SENT',
      'FOA_ACK',
      'REGISTRY_REQUEST_SENT',
      'REGISTRY_REQUEST_RECEIVED_NOW_WAITING',
      'DOMAIN_WITH_JOKER_PENDING_COMPLETE',
      'PAYMENT_COMMITTED',
      'TRANSFER_PROCESSED_SUCCESSFULLY',
    ]);
    const info = (await atRegistry(t(), name))!;
    assert.equal(info.sponsor, OWN_REGISTRAR);
    assert.equal(info.registrant, alice.contact);
    assert.deepEqual([info.admin, info.tech, info.billing], [alice.contact, alice.contact, alice.contact], 'roles not given go to the owner');
    const d = (await domainRow(t(), name))!;
    assert.equal(d.account_id, alice.id);
    assert.equal(d.autorenew, 1, 'autorenew defaults to 1');
    assert.equal(d.expires_at, info.expiresAt);
    assert.equal(d.owner_c, alice.contact);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - PRICE, reserved: before.reserved });
    assert.deepEqual(await ordersOf(t(), alice.id, name), [{ type: 'transfer', status: 'ok', amount_brutto: PRICE, refund_of: null }]);
    const list = await t().call('query-domain-list', { 'auth-sid': alice.sid, pattern: name, showstatus: 1 });
    assert.equal(list.body, `${name} ${isoDate(info.expiresAt)} production,autorenew`);
    const r = await result(alice, procId);
    assert.equal(r.status, 'ack');
    assert.match(r.text, new RegExp(`^result_msg: ${name} transferred from ${LOSING}; expires ${isoDate(info.expiresAt)}$`, 'm'));
    assert.match(r.text, /^whois_verification: pending for tin-alice-owner@example.org until /m);
    assert.match(r.text, new RegExp(`^registry_roid: ${info.roid}$`, 'm'));
    // Ended transfers leave the list; show keeps the last one.
    assert.equal((await t().call('domain-transfer-control', { 'auth-sid': alice.sid, action: 'list' })).body, '');
    const show = await t().call('domain-transfer-control', { 'auth-sid': alice.sid, action: 'show', domain: name });
    assert.equal(show.body, `domain: ${name}\nstatus: TRANSFER_PROCESSED_SUCCESSFULLY\nowner_email: hostmaster@${name}\nadmin_email: hostmaster@${name}\ntransfer-id: ${procId}\n`);
  });

  it('completes at once when the losing registrar approves, setting the lock, name servers and contacts asked for', async () => {
    await policy('approve');
    const { name, code } = await foreignDomain(t(), 'approve-in.com');
    const tech = await newContact(t(), alice.sid, { tld: 'com', name: 'Tech Person', email: 'tech@example.org', 'address-1': 'A 1', city: 'B', 'postal-code': '1', country: 'US', phone: '+1.4155552671' });
    const { procId } = await requested(t(), alice, name, code, { status: 'lock,production', autorenew: 0, 'tech-c': tech, 'ns-list': 'ns1.elsewhere.example:ns2.elsewhere.example' });
    await answerFoa(t(), name, 'yes');
    await tick(t());
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
    const info = (await atRegistry(t(), name))!;
    assert.ok(info.statuses.includes('clientTransferProhibited'));
    assert.deepEqual(info.nameservers, ['ns1.elsewhere.example', 'ns2.elsewhere.example']);
    assert.equal(info.tech, tech);
    assert.equal(info.admin, alice.contact);
    const d = (await domainRow(t(), name))!;
    assert.deepEqual([d.locked, d.autorenew, d.tech_c], [1, 0, tech]);
    const ns = await t().app.deps.db.selectFrom('domain_nameservers').select('host').where('domain_id', '=', d.id).orderBy('position').execute();
    assert.deepEqual(ns.map((n) => n.host), ['ns1.elsewhere.example', 'ns2.elsewhere.example']);
    assert.equal((await result(alice, procId)).status, 'ack');
    // The registry's record says who approved.
    const events = await t().app.deps.db.selectFrom('transfer_events').select(['state', 'note']).where('transfer_id', '=', (await transferRow(t(), name)).id).execute();
    assert.ok(events.some((e) => e.state === 'DOMAIN_WITH_JOKER_PENDING_COMPLETE' && e.note === `approved by ${LOSING}`));
  });

  it('waits for a delayed approval', async () => {
    await policy('approve', 2 * DAY);
    const { name, code } = await foreignDomain(t(), 'delayed-in.com');
    await requested(t(), alice, name, code);
    await answerFoa(t(), name, 'yes');
    alice = await later(t(), alice, DAY);
    await tick(t());
    assert.equal((await transferRow(t(), name)).state, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    alice = await later(t(), alice, DAY);
    await tick(t());
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
  });

  it('ends failed when the losing registrar rejects: nack, money released', async () => {
    await policy('reject');
    const { name, code } = await foreignDomain(t(), 'reject-in.com');
    const before = await money(t(), alice.id);
    const { procId } = await requested(t(), alice, name, code);
    await answerFoa(t(), name, 'yes');
    await tick(t());
    const row = await transferRow(t(), name);
    assert.deepEqual([row.state, row.outcome], ['TRANSFER_FAILED', 'failed']);
    assert.deepEqual(await money(t(), alice.id), before);
    const r = await result(alice, procId);
    assert.equal(r.status, 'nack');
    assert.match(r.text, new RegExp(`^result_msg: the transfer of ${name} was rejected by the losing registrar ${LOSING}$`, 'm'));
    assert.equal((await atRegistry(t(), name))!.sponsor, LOSING);
    assert.equal(await domainRow(t(), name), undefined);
    assert.deepEqual(await ordersOf(t(), alice.id, name), [{ type: 'transfer', status: 'error', amount_brutto: PRICE, refund_of: null }]);
    await policy('silent');
  });

  it('ends in FOA_NACK when the owner answers no, or does not answer within 5 days', async () => {
    const before = await money(t(), alice.id);
    const no = await foreignDomain(t(), 'foa-no.com');
    const first = await requested(t(), alice, no.name, no.code);
    const page = await answerFoa(t(), no.name, 'no');
    assert.match(page.body, /Transfer stopped/);
    assert.deepEqual([(await transferRow(t(), no.name)).state, (await transferRow(t(), no.name)).outcome], ['FOA_NACK', 'failed']);
    assert.match((await result(alice, first.procId)).text, /^result_msg: the transfer of foa-no\.com was refused in answer to the FOA$/m);
    assert.equal((await atRegistry(t(), no.name))!.pendingTransfer, null, 'the registry was never asked');

    const silent = await foreignDomain(t(), 'foa-silent.com');
    const second = await requested(t(), alice, silent.name, silent.code);
    const key = await foaKey(t(), silent.name);
    alice = await later(t(), alice, 5 * DAY - 60_000);
    await tick(t());
    assert.equal((await transferRow(t(), silent.name)).state, 'FOA_BEEN_SENT');
    alice = await later(t(), alice, 60_000);
    await tick(t());
    assert.equal((await transferRow(t(), silent.name)).state, 'FOA_NACK');
    assert.match((await result(alice, second.procId)).text, /^result_msg: the FOA for foa-silent\.com was not confirmed within 5 days/m);
    assert.deepEqual(await money(t(), alice.id), before);
    // The link now says the question is closed.
    const late = await t().app.http.inject({ method: 'GET', url: `/answer/transfer/${key}` });
    assert.match(late.body, /answered already or has ended \(FOA_NACK\)/);
    assert.ok(!late.body.includes('<button class="yes"'));
  });

  it('refuses in the worker what the registry would refuse, before any FOA: nack, money back', async () => {
    const young = await foreignDomain(t(), 'young-in.com', { createdAt: t().clock.now() - 30 * DAY });
    const locked = await foreignDomain(t(), 'locked-in.com', { statuses: ['clientTransferProhibited'] });
    const registryLocked = await foreignDomain(t(), 'reglock-in.com', { statuses: ['serverTransferProhibited'] });
    const wrong = await foreignDomain(t(), 'wrongcode-in.com');
    const cases: Array<[string, string, RegExp, string]> = [
      [young.name, young.code, /^result_msg: young-in\.com was registered on \d{4}-\d{2}-\d{2}, less than 60 days ago; it can be transferred from \d{4}-\d{2}-\d{2}$/m, 'POLICY'],
      [locked.name, locked.code, /^result_msg: locked-in\.com is locked by its current registrar \(clientTransferProhibited\)/m, 'LOCK'],
      [registryLocked.name, registryLocked.code, /^result_msg: reglock-in\.com has a registry lock \(serverTransferProhibited\)/m, 'REGLOCK'],
      [wrong.name, 'Not-The-Code', /^result_msg: the transfer-auth-id \(AUTH-ID\) is not valid for wrongcode-in\.com/m, 'CODE'],
      ['never-registered-in.com', 'x', /^result_msg: never-registered-in\.com is not registered, so it cannot be transferred/m, 'MISSING'],
    ];
    for (const [name, code, why] of cases) {
      const before = await money(t(), alice.id);
      const { procId } = await requested(t(), alice, name, code);
      const r = await result(alice, procId);
      assert.equal(r.status, 'nack', name);
      assert.match(r.text, why);
      const row = await transferRow(t(), name);
      assert.deepEqual([row.state, row.outcome], ['TRANSFER_FAILED', 'failed'], name);
      assert.deepEqual(await money(t(), alice.id), before, name);
      assert.deepEqual(await mailsAbout(t(), name, 'transfer-foa'), [], `no FOA for ${name}`);
    }
  });

  it('refuses a domain already in the account at once (2302); another reseller\'s domain is asked for like one elsewhere; one of this registrar in no account is refused in the worker', async () => {
    bob = await later(t(), bob, 0);
    const r = await t().call('domain-transfer-in-reseller', transferParams(alice, 'approve-in.com', 'x'));
    assert.equal(r.code, 2302);
    assert.equal(r.get('Error'), 'approve-in.com is already in your account');
    // alice's domain: accepted as a name at another registrar or none would be (src/services/internal-transfer.ts), then refused as such a name would be.
    const other = await t().call('domain-transfer-in-reseller', transferParams(bob, 'approve-in.com', 'x'));
    const nowhere = await t().call('domain-transfer-in-reseller', transferParams(bob, 'nowhere-in.com', 'x'));
    assert.equal(other.code, 0, other.raw);
    // Per-request values (ids, the balance after the hold) aside, the replies read the same.
    const shape = (reply: typeof other) => reply.headers.map(([k, v]) => (['Proc-ID', 'Tracking-Id', 'SvTrId', 'Account-Balance'].includes(k) ? k : `${k}: ${v}`));
    assert.deepEqual(shape(other), shape(nowhere));
    await t().work();
    assert.match((await result(bob, other.get('Proc-ID')!)).text, /^result_msg: approve-in\.com is locked by its current registrar \(clientTransferProhibited\); it must be unlocked there first$/m);
    assert.equal((await domainRow(t(), 'approve-in.com'))!.account_id, alice.id);
    // Held at the registry by this platform but in no account (an operator's planting).
    await simulatorOf(t().app.deps).plantDomain(t().app.deps.db, t().clock.now(), { name: 'ours-already.com', sponsor: OWN_REGISTRAR });
    const { procId } = await requested(t(), alice, 'ours-already.com', 'x');
    assert.match((await result(alice, procId)).text, /^result_msg: ours-already\.com is already with this registrar$/m);
  });

  it('takes .eu without an auth code, and checks its request parameters before holding money', async () => {
    const eu = await newContact(t(), alice.sid, { tld: 'eu', name: 'Eu Owner', email: 'eu@example.org', 'address-1': 'Rue 1', city: 'Bruxelles', 'postal-code': '1000', country: 'BE', phone: '+32.21234567', lang: 'FR' });
    await foreignDomain(t(), 'no-code.eu');
    const euReply = await t().call('domain-transfer-in-reseller', { 'auth-sid': alice.sid, domain: 'no-code.eu', 'owner-c': eu });
    assert.equal(euReply.code, 0, euReply.raw);
    await t().work();
    assert.equal((await transferRow(t(), 'no-code.eu')).state, 'FOA_BEEN_SENT');

    const before = await money(t(), alice.id);
    const bad = async (params: Record<string, string | number>, code: number, error: RegExp) => {
      const res = await t().call('domain-transfer-in-reseller', params);
      assert.equal(res.code, code, res.raw);
      assert.ok(res.all('Error').some((e) => error.test(e)), JSON.stringify(res.all('Error')));
      assert.equal(res.get('Proc-ID'), undefined);
    };
    const { name, code } = await foreignDomain(t(), 'params-in.com');
    const { 'transfer-auth-id': _c, ...noCode } = transferParams(alice, name, code);
    await bad(noCode, 2003, /missing parameter 'transfer-auth-id' \(.com transfers need the AUTH-ID from the current registrar\)/);
    const { 'owner-c': _o, ...noOwner } = transferParams(alice, name, code);
    await bad(noOwner, 2003, /missing parameter 'owner-c'/);
    await bad(transferParams(alice, name, code, { 'owner-c': 'CCOM-999999' }), 2303, /contact CCOM-999999 not found \(owner-c\)/);
    await bad(transferParams(alice, name, code, { 'owner-c': bob.contact }), 2303, new RegExp(`contact ${bob.contact} not found \\(owner-c\\)`));
    await bad(transferParams(alice, name, code, { status: 'frozen' }), 2005, /invalid 'status' \(frozen is not a domain status a transfer can set/);
    await bad(transferParams(alice, name, code, { 'ns-list': 'only-one.example' }), 2306, /invalid 'ns-list' \(.com domains need at least 2 name servers/);
    await bad(transferParams(alice, name, code, { privacy: 'secret' }), 2005, /invalid 'privacy' \(must be one of basic, pro, none/);
    await bad(transferParams(alice, 'x.invalid-tld', code), 2306, /not a Domain with extension supported by Joker.com/);
    await bad({ ...transferParams(alice, 'no-code.eu', ''), 'owner-c': eu }, 2304, /a transfer of no-code.eu is already in progress \(state FOA_BEEN_SENT\)/);
    assert.deepEqual(await money(t(), alice.id), before, 'no money held by a refused request');

    const poor = await domainReseller(t(), 'tin-poor', { balance: 500 });
    await bad(transferParams(poor, name, code), 2104, /insufficient funds/);
  });

  it('orders privacy with the transfer and notes an unused period', async () => {
    const { name, code } = await foreignDomain(t(), 'private-in.com');
    const before = await money(t(), alice.id);
    const reply = await t().call('domain-transfer-in-reseller', transferParams(alice, name, code, { privacy: 'pro', period: 12 }));
    assert.equal(reply.code, 0, reply.raw);
    assert.equal(reply.get('Warning'), 'period is not used by transfers: the registry adds the TLD\'s transfer period');
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: before.reserved + PRICE + 600 });
    await t().work();
    await policy('approve');
    await answerFoa(t(), name, 'yes');
    await tick(t());
    const d = (await domainRow(t(), name))!;
    assert.deepEqual([d.privacy, d.privacy_origin, d.privacy_expires_at], ['pro', 'pro', addMonths(t().clock.now(), 12)]);
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance - PRICE - 600, reserved: before.reserved });
    await policy('silent');
  });

  it('waits in PENDING_FOA_SENDING while no FOA address is known, and gives up after 5 days', async () => {
    const { name, code } = await foreignDomain(t(), 'hidden-in.com');
    const registrant = (await atRegistry(t(), name))!.registrant!;
    const hide = async (email: string) => {
      const c = await t().app.deps.db.selectFrom('registry_contacts').select(['data']).where('handle', '=', registrant).executeTakeFirstOrThrow();
      await t().app.deps.db.updateTable('registry_contacts').set({ data: JSON.stringify({ ...JSON.parse(c.data), email }) }).where('handle', '=', registrant).execute();
    };
    // As a registry hiding the contact data would (RDAP redaction).
    await hide('');
    await requested(t(), alice, name, code);
    assert.equal((await transferRow(t(), name)).state, 'PENDING_FOA_SENDING');
    assert.match((await t().call('domain-transfer-control', { 'auth-sid': alice.sid, action: 'list' })).body, new RegExp(`^${name}\\tPENDING_FOA_SENDING\\t-\\t-$`, 'm'));
    await hide(`owner@${name}`);
    await tick(t());
    const sent = await transferRow(t(), name);
    assert.equal(sent.state, 'FOA_BEEN_SENT');
    assert.equal(sent.foa_owner_email, `owner@${name}`);

    const other = await foreignDomain(t(), 'hidden-long.com');
    const handle = (await atRegistry(t(), other.name))!.registrant!;
    const c = await t().app.deps.db.selectFrom('registry_contacts').select(['data']).where('handle', '=', handle).executeTakeFirstOrThrow();
    await t().app.deps.db.updateTable('registry_contacts').set({ data: JSON.stringify({ ...JSON.parse(c.data), email: '' }) }).where('handle', '=', handle).execute();
    const { procId } = await requested(t(), alice, other.name, other.code);
    alice = await later(t(), alice, 5 * DAY);
    await tick(t());
    assert.equal((await transferRow(t(), other.name)).state, 'TRANSFER_FAILED');
    assert.match((await result(alice, procId)).text, /no e-mail address for the FOA of hidden-long\.com was found within 5 days/);
  });

  it('needs a full key: the transfer costs money', async () => {
    const { name, code } = await foreignDomain(t(), 'scope-in.com');
    for (const scope of ['modify-only', 'read-only'] as const) {
      const sid = await alice.session(scope);
      const r = await t().call('domain-transfer-in-reseller', { ...transferParams(alice, name, code), 'auth-sid': sid });
      assert.equal(r.code, 2201, r.raw);
    }
  });
});
