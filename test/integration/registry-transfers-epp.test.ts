import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabaseOverEpp } from '../helpers/epp-registry.ts';
import { domainReseller, domainRow, money, registered, type DomainReseller } from '../helpers/domain-fixtures.ts';
import { LOSING, mailsAbout, outRow, requested, tick, transferRow, DAY } from '../helpers/transfer-fixtures.ts';
import { mailedKey } from '../helpers/mailed-keys.ts';
import { answerPage } from '../helpers/transfer-fixtures.ts';
import { OWN_REGISTRAR, registryOf, simulatorOf } from '../../src/registry/index.ts';
import { setTransferPolicy, type TransferAnswer } from '../../src/services/transfer-policy.ts';
import { handleRegistryMessages } from '../../src/services/registry-messages.ts';
import { keyHash } from '../../src/services/answer-keys.ts';

/** .com transfer price for a reseller without rebate: 11.25 USD. */
const PRICE = 1125;

/**
 * Transfers in and away, changes of registrant and registry-side deletions with DMAPID_REGISTRY=epp:
 * the client dmapid reaches another dmapid's simulated registry over EPP, where foreign registrars
 * answer by their policies and the poll queue tells the client what happened to its names.
 */
forEachDatabaseOverEpp('transfers, owner changes and registry messages', (p) => {
  let bob: DomainReseller;
  const client = () => p().client;
  const registry = () => p().registry;
  const atB = (name: string) => simulatorOf(registry().app.deps).openAs(OWN_REGISTRAR, registry().app.deps.db, registry().clock.now()).infoDomain(name);
  const policy = (answer: TransferAnswer, delayMs = 0) => setTransferPolicy(registry().app.deps.db, registry().clock.now(), { registrar: LOSING, answer, delayMs });
  const plantForeign = async (name: string) => {
    const code = `Code-${name}`;
    await simulatorOf(registry().app.deps).plantDomain(registry().app.deps.db, registry().clock.now(), { name, sponsor: LOSING, authCode: code });
    return code;
  };
  /** A new session: the clock moves past the session timeout between steps. */
  const fresh = async () => {
    bob = { ...bob, sid: await bob.session('full') };
  };
  const state = async (name: string) => (await transferRow(client(), name)).state;
  /** The registry-sweep task of the client: its poll queue read, then the messages acted on. */
  const sweep = async () => {
    const c = client();
    await registryOf(c.app.deps).sweep(c.app.deps.db, c.clock.now());
    return handleRegistryMessages(c.app.deps, c.clock.now());
  };

  it('setup', async () => {
    bob = await domainReseller(client(), 'epp-tr-bob', { balance: 1_000_000 });
    assert.equal(registryOf(client().app.deps).kind, 'epp');
  });

  it('transfers in: no FOA (the registry shows no contacts; the auth code authorises), approved, rejected and silent losing registrars', async () => {
    const start = await money(client(), bob.id);
    await policy('approve', 6 * 3_600_000);
    const code = await plantForeign('epp-in-yes.com');
    await requested(client(), bob, 'epp-in-yes.com', code);
    assert.equal(await state('epp-in-yes.com'), 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    const history = await client().app.deps.db.selectFrom('transfer_events').select(['state', 'note']).where('transfer_id', '=', (await transferRow(client(), 'epp-in-yes.com')).id).orderBy('id').execute();
    assert.ok(history.some((h) => h.state === 'FOA_ACK' && /auth code authorises/.test(h.note)), JSON.stringify(history));
    assert.deepEqual(await mailsAbout(client(), 'epp-in-yes.com', 'transfer-foa'), [], 'no FOA mail');
    p().advance(3_600_000);
    await tick(client());
    assert.equal(await state('epp-in-yes.com'), 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING', 'the losing registrar answers after six hours');
    p().advance(6 * 3_600_000);
    await tick(client());
    assert.equal(await state('epp-in-yes.com'), 'TRANSFER_PROCESSED_SUCCESSFULLY');
    const arrived = (await atB('epp-in-yes.com'))!;
    assert.equal(arrived.sponsor, OWN_REGISTRAR);
    assert.equal(arrived.registrant, bob.contact, 'the requested owner was set at the registry over EPP');
    assert.equal((await domainRow(client(), 'epp-in-yes.com'))!.account_id, bob.id);

    await policy('reject');
    await fresh();
    const no = await plantForeign('epp-in-no.com');
    await requested(client(), bob, 'epp-in-no.com', no);
    await tick(client());
    assert.equal(await state('epp-in-no.com'), 'TRANSFER_FAILED');
    assert.equal((await atB('epp-in-no.com'))!.sponsor, LOSING);

    await policy('silent');
    await fresh();
    const silent = await plantForeign('epp-in-silent.com');
    await requested(client(), bob, 'epp-in-silent.com', silent);
    p().advance(4 * DAY);
    await tick(client());
    assert.equal(await state('epp-in-silent.com'), 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    p().advance(DAY + 1000);
    await tick(client());
    assert.equal(await state('epp-in-silent.com'), 'TRANSFER_PROCESSED_SUCCESSFULLY');

    await fresh();
    const wrong = await plantForeign('epp-in-wrong.com');
    const bad = await client().call('domain-transfer-in-reseller', { 'auth-sid': bob.sid, domain: 'epp-in-wrong.com', 'transfer-auth-id': `${wrong}-x`, 'owner-c': bob.contact });
    assert.equal(bad.code, 0, bad.raw);
    await client().work();
    assert.equal(await state('epp-in-wrong.com'), 'TRANSFER_FAILED', 'a wrong code is refused before anything is sent');

    assert.deepEqual(await money(client(), bob.id), { balance: start.balance - 2 * PRICE, reserved: 0 }, 'two transfers paid, the failed ones released');
  });

  /** The gaining registrar asks for a name with the auth code its owner gave it (set at the registry just before). */
  const requestAway = async (name: string) => {
    const code = `Away-${name}`;
    await simulatorOf(registry().app.deps).openAs(OWN_REGISTRAR, registry().app.deps.db, registry().clock.now()).setAuthCode(name, code);
    return simulatorOf(registry().app.deps).openAs(LOSING, registry().app.deps.db, registry().clock.now()).requestTransfer(name, code);
  };
  const names = ['epp-away-yes.com', 'epp-away-no.com', 'epp-away-silent.com', 'epp-new-owner.com'];
  const control = (r: DomainReseller, action: string, domain: string) => client().call('domain-transfer-control', { 'auth-sid': r.sid, action, domain });

  it('transfers away: the poll queue tells of the request; the reseller approves, rejects, or the registry approves after five days', async () => {
    await fresh();
    // Registered here and held past the 60 days after a registration in which names may not move.
    for (const name of names) await registered(client(), bob, name);
    p().advance(61 * DAY);
    await fresh();
    for (const name of names.slice(0, 3)) await requestAway(name);
    const handled = await sweep();
    for (const name of ['epp-away-yes.com', 'epp-away-no.com', 'epp-away-silent.com']) {
      assert.ok(handled.some((h) => h.object === name && /^transfer away to sim-budgetnames recorded/.test(h.outcome)), JSON.stringify(handled));
      assert.equal((await outRow(client(), name)).state, 'pending');
      assert.equal((await mailsAbout(client(), name, 'transfer-out-request')).length, 1, 'the reseller is asked once');
    }
    // The same messages again (a second sweep, or a repeat from the registry) record nothing twice.
    assert.deepEqual(await sweep(), []);

    assert.equal((await control(bob, 'approve-out', 'epp-away-yes.com')).code, 0);
    const key = await mailedKey(client().app.deps.db, { object: 'epp-away-no.com', kind: 'transfer-out-request' });
    assert.equal((await outRow(client(), 'epp-away-no.com')).answer_key, keyHash(key));
    assert.equal((await answerPage(client(), 'transfer-out', key, 'no')).status, 200);
    await client().work();
    assert.equal((await outRow(client(), 'epp-away-yes.com')).state, 'transferred');
    assert.equal(await domainRow(client(), 'epp-away-yes.com'), undefined, 'the domain left the account');
    assert.equal((await atB('epp-away-yes.com'))!.sponsor, LOSING);
    assert.equal((await outRow(client(), 'epp-away-no.com')).state, 'rejected');
    assert.equal((await atB('epp-away-no.com'))!.sponsor, OWN_REGISTRAR);

    p().advance(5 * DAY + 1000);
    await tick(client());
    assert.equal((await outRow(client(), 'epp-away-silent.com')).state, 'transferred');
    assert.equal((await atB('epp-away-silent.com'))!.sponsor, LOSING);
    const outcomes = await client().app.deps.db.selectFrom('registry_poll_messages').select(['object', 'kind', 'outcome']).where('handled_at', 'is', null).execute();
    assert.deepEqual(outcomes, [], 'every message read is handled');
  });

  it('a change of registrant reaches the registry, and a transfer away is then refused under the IRTP-C lock', async () => {
    await fresh();
    const r = await client().call('domain-owner-change', { 'auth-sid': bob.sid, domain: 'epp-new-owner.com', fname: 'John', lname: 'Doe', email: 'johnd@someisp.com', 'address-1': 'Smartroad 1', city: 'Smalltown', 'postal-code': '40122', country: 'US', phone: '+1.4155552671' });
    assert.equal(r.code, 0, r.raw);
    const key = await mailedKey(client().app.deps.db, { kind: 'cor-confirmation', object: 'epp-new-owner.com' });
    assert.equal((await answerPage(client(), 'cor', key, 'yes')).status, 200);
    await client().work();
    const change = await client().app.deps.db.selectFrom('owner_changes').selectAll().where('domain', '=', 'epp-new-owner.com').executeTakeFirstOrThrow();
    assert.equal(change.state, 'applied');
    const atRegistry = (await atB('epp-new-owner.com'))!;
    assert.equal(atRegistry.registrant, change.new_owner, 'the new registrant contact was created and set over EPP');
    const contact = await simulatorOf(registry().app.deps).openAs(OWN_REGISTRAR, registry().app.deps.db, registry().clock.now()).infoContact(change.new_owner!);
    assert.equal(contact!.postal.name, 'John Doe');

    await requestAway('epp-new-owner.com');
    const handled = await sweep();
    assert.match(handled.find((h) => h.object === 'epp-new-owner.com')!.outcome, /rejected: the registrant changed recently/);
    const q = await simulatorOf(registry().app.deps).openAs(LOSING, registry().app.deps.db, registry().clock.now()).queryTransfer('epp-new-owner.com');
    assert.equal(q!.status, 'clientRejected', 'rejected at the registry over EPP');
    assert.equal((await outRow(client(), 'epp-new-owner.com')).state, 'rejected');
  });

  it('a name the registry deletes on its own leaves the account, with a result row; messages about others are noted', async () => {
    await fresh();
    await registered(client(), bob, 'epp-gone.com');
    // The registry's operator removes it (inside the add grace period: purged at once).
    await simulatorOf(registry().app.deps).openAs(OWN_REGISTRAR, registry().app.deps.db, registry().clock.now()).deleteDomain('epp-gone.com');
    const handled = await sweep();
    assert.match(handled.find((h) => h.object === 'epp-gone.com')!.outcome, /^removed from account/);
    assert.equal(await domainRow(client(), 'epp-gone.com'), undefined);
    const result = await client().app.deps.db.selectFrom('results').select(['status', 'request_type']).where('account_id', '=', bob.id).where('object_name', '=', 'epp-gone.com').where('request_type', '=', 'domain-registry-delete').executeTakeFirstOrThrow();
    assert.equal(result.status, 'ack');
    const rows = await client().app.deps.db.selectFrom('registry_poll_messages').select(['kind', 'outcome']).where('object', '=', 'epp-gone.com').execute();
    assert.deepEqual(rows.map((x) => x.kind), ['purged']);
    const all = await client().app.deps.db.selectFrom('registry_poll_messages').select(['kind', 'object', 'outcome']).execute();
    assert.ok(all.every((m) => m.outcome !== null), 'every message read is handled');
    const approvedIn = all.find((m) => m.object === 'epp-in-yes.com' && m.kind === 'transfer-approved');
    assert.match(approvedIn?.outcome ?? '', /^noted: the transfer steps follow the transfer \(clientApproved\)/, 'a transfer in is followed by its own steps');
  });
});

