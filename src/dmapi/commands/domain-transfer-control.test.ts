import { it } from 'node:test';
import { keyHash } from '../../services/answer-keys.ts';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { retrieve } from '../../../test/helpers/registry-fixtures.ts';
import { atRegistry, domainReseller, domainRow, later, money, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { answerFoa, answerPage, authCodeOf, foaKey, transferOutKey, foreignDomain, LOSING, mailsAbout, ownDomain, requested, states, tick, transferRow, DAY } from '../../../test/helpers/transfer-fixtures.ts';
import { simulatorOf, OWN_REGISTRAR, RegistryError } from '../../registry/index.ts';
import { requestTransferOut } from '../../services/transfer-out.ts';
import { isoDate } from '../../core/dates.ts';

forEachDatabase('domain-transfer-control', (t) => {
  let alice: DomainReseller;
  let bob: DomainReseller;

  const control = (r: DomainReseller, action: string, domain?: string, sid = r.sid) => t().call('domain-transfer-control', { 'auth-sid': sid, action, ...(domain ? { domain } : {}) });
  const resultOf = async (r: DomainReseller, procId: string | number) => {
    const { reply, keys } = await retrieve(t(), r.sid, String(procId));
    return { status: keys.get('Completion-Status'), body: reply.body };
  };
  const transferOut = (domain: string, code: string | undefined, gaining = LOSING) =>
    requestTransferOut({ db: t().app.deps.db, now: t().clock.now(), deps: t().app.deps }, { domain, gaining, authCode: code });
  const outRow = (domain: string) => t().app.deps.db.selectFrom('transfers_out').selectAll().where('domain', '=', domain).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();

  it('setup', async () => {
    alice = await domainReseller(t(), 'tc-alice');
    bob = await domainReseller(t(), 'tc-bob');
  });

  it('lists open transfers TAB-separated and shows one with its transfer-id', async () => {
    const a = await foreignDomain(t(), 'list-a.com');
    const b = await foreignDomain(t(), 'list-b.com');
    const { procId } = await requested(t(), alice, a.name, a.code);
    await requested(t(), alice, b.name, b.code);
    const list = await control(alice, 'list', 'ignored.com');
    assert.equal(list.code, 0, list.raw);
    assert.equal(list.body, `list-a.com\tFOA_BEEN_SENT\thostmaster@list-a.com\thostmaster@list-a.com\nlist-b.com\tFOA_BEEN_SENT\thostmaster@list-b.com\thostmaster@list-b.com\n`);
    const show = await control(alice, 'show', 'LIST-A.COM');
    assert.equal(show.body, `domain: list-a.com\nstatus: FOA_BEEN_SENT\nowner_email: hostmaster@list-a.com\nadmin_email: hostmaster@list-a.com\ntransfer-id: ${procId}\n`);
    assert.equal(show.get('Proc-ID'), undefined, 'list and show only read');
    // Read-only keys may look.
    assert.equal((await control(alice, 'list', undefined, await alice.session('read-only'))).code, 0);
    // Another reseller sees none of it.
    assert.equal((await control(bob, 'list')).body, '');
    const foreign = await control(bob, 'show', 'list-a.com');
    assert.equal(foreign.code, 2303);
    assert.equal(foreign.get('Error'), 'no transfer of list-a.com in this account');
    const missing = await control(alice, 'show');
    assert.equal(missing.code, 2003);
    assert.equal(missing.get('Error'), "missing parameter 'domain' (action=show needs it)");
    assert.equal((await control(alice, 'pause', 'list-a.com')).code, 2005);
  });

  it('re-sends the FOA with the same key only while it waits for an answer', async () => {
    const before = await foaKey(t(), 'list-a.com');
    const r = await control(alice, 'resend-foa', 'list-a.com');
    assert.equal(r.code, 0, r.raw);
    assert.match(r.body, /^FOA for list-a\.com re-sent to hostmaster@list-a\.com; answer by \d{4}-\d{2}-\d{2}\n$/);
    const again = await mailsAbout(t(), 'list-a.com', 'transfer-foa-resent');
    assert.equal(again.length, 1);
    assert.match(again[0]!.subject, /^Reminder: Transfer of list-a\.com/);
    assert.ok(again[0]!.body.includes(`/answer/transfer/${before}`));
    assert.equal((await control(alice, 'resend-foa', 'list-a.com', await alice.session('read-only'))).code, 2201);
    assert.equal((await control(bob, 'resend-foa', 'list-a.com')).code, 2303);
    await answerFoa(t(), 'list-a.com', 'yes');
    const late = await control(alice, 'resend-foa', 'list-a.com');
    assert.equal(late.code, 2304);
    assert.equal(late.get('Error'), 'the FOA of list-a.com can only be re-sent in state FOA_BEEN_SENT (the transfer is in REGISTRY_REQUEST_RECEIVED_NOW_WAITING)');
  });

  it('cancels before the registry request at once, and while waiting through the registry', async () => {
    const before = await money(t(), alice.id);
    // list-b.com waits for its FOA answer: cancelled at once, the FOA link is closed.
    const procB = (await transferRow(t(), 'list-b.com')).result_id;
    const key = await foaKey(t(), 'list-b.com');
    const c1 = await control(alice, 'cancel', 'list-b.com');
    assert.equal(c1.code, 0, c1.raw);
    assert.equal(c1.body, 'transfer of list-b.com cancelled; the held money was released\n');
    assert.equal((await transferRow(t(), 'list-b.com')).state, 'TRANSFER_CANCELLED');
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: before.reserved - 1125 });
    const r1 = await resultOf(alice, procB);
    assert.equal(r1.status, 'nack');
    assert.match(r1.body, /result_msg: the transfer of list-b\.com was cancelled by the reseller/);
    assert.equal((await answerPage(t(), 'transfer', key, 'yes')).status, 409);

    // list-a.com waits for the losing registrar: the registry is asked.
    assert.equal((await control(bob, 'cancel', 'list-a.com')).code, 2303, 'another reseller cannot cancel it');
    assert.equal((await control(alice, 'cancel', 'list-a.com', await alice.session('read-only'))).code, 2201);
    const c2 = await control(alice, 'cancel', 'list-a.com');
    assert.equal(c2.body, 'cancellation of the transfer of list-a.com sent to the registry\n');
    assert.equal((await transferRow(t(), 'list-a.com')).state, 'REGISTRY_CANCELATION_PENDING');
    assert.match((await control(alice, 'list')).body, /^list-a\.com\tREGISTRY_CANCELATION_PENDING\t/m);
    await t().work();
    assert.equal((await transferRow(t(), 'list-a.com')).state, 'TRANSFER_CANCELLED');
    const info = (await atRegistry(t(), 'list-a.com'))!;
    assert.equal(info.sponsor, LOSING);
    assert.equal(info.pendingTransfer, null);
    const query = await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).queryTransfer('list-a.com');
    assert.equal(query?.status, 'clientCancelled');
    assert.deepEqual(await money(t(), alice.id), { balance: before.balance, reserved: before.reserved - 2 * 1125 });
    assert.deepEqual((await states(t(), 'list-a.com')).slice(-3), ['REGISTRY_REQUEST_RECEIVED_NOW_WAITING', 'REGISTRY_CANCELATION_PENDING', 'TRANSFER_CANCELLED']);
    const gone = await control(alice, 'cancel', 'list-a.com');
    assert.equal(gone.code, 2303);
    assert.equal(gone.get('Error'), 'no transfer of list-a.com in progress in this account');
  });

  it('lets the registry\'s decision win over a late cancel', async () => {
    const { name, code } = await foreignDomain(t(), 'late-cancel.com');
    const { procId } = await requested(t(), alice, name, code);
    await answerFoa(t(), name, 'yes');
    // The losing registrar approves (the operator, through `dmapid registry approve-transfer`) before the cancel is performed.
    await simulatorOf(t().app.deps).openAs(LOSING, t().app.deps.db, t().clock.now()).approveTransfer(name);
    assert.equal((await control(alice, 'cancel', name)).code, 0);
    await t().work();
    assert.equal((await transferRow(t(), name)).state, 'TRANSFER_PROCESSED_SUCCESSFULLY');
    assert.equal((await resultOf(alice, procId)).status, 'ack');
    assert.equal((await domainRow(t(), name))!.account_id, alice.id);
    assert.equal((await control(alice, 'cancel', name)).code, 2303);
  });

  it('transfers away: the reseller is asked, rejects through DMAPI, and the domain stays', async () => {
    const own = await ownDomain(t(), alice, 'keep-me.com');
    const out = await transferOut(own.name, own.code);
    assert.equal(out.state, 'pending');
    const row = await outRow(own.name);
    const mail = (await mailsAbout(t(), own.name, 'transfer-out-request'))[0]!;
    assert.equal(mail.to_address, 'tc-alice@example.com');
    const key = await transferOutKey(t(), own.name);
    assert.ok(mail.body.includes(`/answer/transfer-out/${key}`));
    assert.equal(row.answer_key, keyHash(key), 'only the hash is stored');
    assert.match(mail.body, new RegExp(`transferred on ${isoDate(row.act_by)}`));
    const pending = await t().call('result-list', { 'auth-sid': alice.sid, rtype: 'domain-transfer-out', pending: 1 });
    assert.match(pending.body, new RegExp(`^\\d{14} [0-9a-f]{32} ${row.result_id} domain-transfer-out keep-me\\.com \\? -$`, 'm'));
    assert.equal((await control(alice, 'list-out')).body, `keep-me.com\tpending\t${LOSING}\t${isoDate(row.act_by)}\n`);
    assert.equal((await control(bob, 'reject-out', own.name)).code, 2303, 'tenancy');
    assert.equal((await control(alice, 'reject-out', own.name, await alice.session('read-only'))).code, 2201);
    const r = await control(alice, 'reject-out', own.name);
    assert.equal(r.code, 0, r.raw);
    assert.equal(r.body, `the transfer of keep-me.com to ${LOSING} is rejected\n`);
    await t().work();
    const done = await outRow(own.name);
    assert.equal(done.state, 'rejected');
    const query = await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).queryTransfer(own.name);
    assert.equal(query?.status, 'clientRejected');
    assert.equal((await atRegistry(t(), own.name))!.sponsor, OWN_REGISTRAR);
    assert.ok(await domainRow(t(), own.name));
    const res = await resultOf(alice, row.result_id!);
    assert.equal(res.status, 'nack');
    assert.match(res.body, /result_msg: rejected by the reseller/);
    const again = await control(alice, 'reject-out', own.name);
    assert.equal(again.code, 2304);
    assert.equal(again.get('Error'), 'the transfer of keep-me.com to another registrar is rejected already');
  });

  it('transfers away: approved through DMAPI, the domain leaves the account at once', async () => {
    const own = await ownDomain(t(), alice, 'let-go.com');
    await transferOut(own.name, own.code);
    const r = await control(alice, 'approve-out', own.name);
    assert.equal(r.body, `let-go.com is released to ${LOSING}\n`);
    await t().work();
    assert.equal((await outRow(own.name)).state, 'transferred');
    assert.equal((await atRegistry(t(), own.name))!.sponsor, LOSING);
    assert.equal(await domainRow(t(), own.name), undefined);
    assert.equal((await t().call('query-domain-list', { 'auth-sid': alice.sid, pattern: own.name })).body, '');
    assert.equal((await resultOf(alice, (await outRow(own.name)).result_id!)).status, 'ack');
  });

  it('transfers away: without an answer the domain goes after 5 days; the answer page can reject before that', async () => {
    const silent = await ownDomain(t(), alice, 'goes-away.com');
    const paged = await ownDomain(t(), alice, 'page-reject.com');
    await transferOut(silent.name, silent.code);
    await transferOut(paged.name, paged.code);
    const key = await transferOutKey(t(), paged.name);
    const page = await t().app.http.inject({ method: 'GET', url: `/answer/transfer-out/${key}` });
    assert.match(page.body, new RegExp(`The registrar ${LOSING} has asked to take over page-reject\\.com`));
    const answered = await answerPage(t(), 'transfer-out', key, 'no');
    assert.equal(answered.status, 200);
    assert.match(answered.body, /Transfer rejected/);
    await t().work();
    alice = await later(t(), alice, 5 * DAY - 60_000);
    await tick(t());
    assert.equal((await outRow(silent.name)).state, 'pending');
    alice = await later(t(), alice, 60_000);
    await tick(t());
    assert.equal((await outRow(silent.name)).state, 'transferred');
    assert.equal(await domainRow(t(), silent.name), undefined);
    assert.equal((await mailsAbout(t(), silent.name, 'transfer-out-transferred')).length, 1);
    assert.equal((await outRow(paged.name)).state, 'rejected');
    assert.ok(await domainRow(t(), paged.name));
  });

  it('transfers away: a locked domain or a wrong code is refused by the registry at once', async () => {
    const locked = await ownDomain(t(), alice, 'stay-locked.com');
    const lock = await t().call('domain-lock', { 'auth-sid': alice.sid, domain: locked.name });
    assert.equal(lock.code, 0, lock.raw);
    await t().work();
    await assert.rejects(transferOut(locked.name, locked.code), (err: unknown) => err instanceof RegistryError && err.code === 2304);
    await assert.rejects(transferOut('keep-me.com', 'wrong-code'), (err: unknown) => err instanceof RegistryError && err.code === 2202);
    assert.equal((await t().app.deps.db.selectFrom('transfers_out').select('id').where('domain', '=', locked.name).execute()).length, 0);
  });

  it('answers every action on another reseller\'s transfer or domain exactly as on one that does not exist', async () => {
    alice = await later(t(), alice, 0);
    bob = await later(t(), bob, 0);
    const carol = await domainReseller(t(), 'tc-carol');
    // alice: a transfer in waiting for its FOA, a domain a foreign registrar asks for, a domain bob asks for.
    const inbound = await foreignDomain(t(), 'x-in.com');
    await requested(t(), alice, inbound.name, inbound.code);
    const away = await ownDomain(t(), alice, 'x-away.com');
    await transferOut(away.name, away.code);
    await ownDomain(t(), alice, 'x-moving.com');
    await requested(t(), bob, 'x-moving.com', await authCodeOf(t(), alice, 'x-moving.com'));
    await answerFoa(t(), 'x-moving.com', 'yes');
    assert.equal((await outRow('x-moving.com')).state, 'pending');

    const missing = 'x-missing.com';
    const read = (reply: Awaited<ReturnType<typeof control>>, name: string) => ({
      code: reply.code,
      status: reply.get('Status-Text'),
      errors: reply.all('Error').map((e) => e.replaceAll(name, '<domain>')),
      body: reply.body.replaceAll(name, '<domain>'),
    });
    const likeMissing = async (r: DomainReseller, action: string, name: string) => {
      const seen = read(await control(r, action, name), name);
      const none = read(await control(r, action, missing), missing);
      assert.deepEqual(seen, none, `${action} ${name}`);
      if (!action.startsWith('list')) assert.equal(none.code, 2303, `${action} of a missing name is 2303`);
    };
    const actions = ['list', 'show', 'resend-foa', 'cancel', 'list-out', 'approve-out', 'reject-out'];
    for (const action of actions) for (const name of [inbound.name, away.name, 'x-moving.com']) await likeMissing(carol, action, name);
    // Each side of the move sees only its own half of it.
    for (const action of ['show', 'resend-foa', 'cancel']) await likeMissing(alice, action, 'x-moving.com');
    for (const action of ['approve-out', 'reject-out']) await likeMissing(bob, action, 'x-moving.com');
    assert.doesNotMatch((await control(bob, 'list-out')).body, /x-moving/);
    assert.doesNotMatch((await control(alice, 'list')).body, /x-moving/);
    // The results of the two halves stay with their accounts.
    const procOf = async (r: DomainReseller, id: number | string) => read(await t().call('result-retrieve', { 'auth-sid': r.sid, 'proc-id': String(id) }), String(id));
    const aliceOut = (await outRow('x-moving.com')).result_id!;
    const bobIn = (await transferRow(t(), 'x-moving.com')).result_id;
    assert.deepEqual(await procOf(bob, aliceOut), await procOf(bob, 999_999));
    assert.deepEqual(await procOf(alice, bobIn), await procOf(alice, 999_999));
    // Nothing moved while carol, alice and bob looked.
    assert.equal((await transferRow(t(), 'x-moving.com')).state, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING');
    assert.equal((await transferRow(t(), inbound.name)).state, 'FOA_BEEN_SENT');
    assert.equal((await outRow(away.name)).state, 'pending');
  });
});
