import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forEachDatabase } from '../../../../test/helpers/harness.ts';
import { assertValidEpp } from '../../../../test/helpers/epp-xsd.ts';
import { TestEppClient } from '../../../../test/helpers/epp-client.ts';
import { simulatorOf } from '../../index.ts';
import { DAY } from '../../../core/clock.ts';
import { NS } from '../xml.ts';
import { eppCertificate, type TlsPair } from './certificate.ts';
import { EppServer } from './server.ts';
import { setEppPassword } from './logins.ts';
import type { Command, Response } from '../types.ts';

const dir = mkdtempSync(join(tmpdir(), 'epp-cert-'));
let pair: TlsPair;
before(() => {
  pair = eppCertificate({ dir });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const code = (r: Response) => r.results[0]!.code;
const login = (clID: string, pw: string): Command => ({ cmd: 'login', clID, pw, objURIs: [NS.domain, NS.host, NS.contact], extURIs: [NS.rgp, NS.secDNS, NS.fee], clTRID: 'LOGIN-1' });
const contactData = { postalInfo: [{ type: 'loc' as const, name: 'Jane Roe', street: ['1 Main St'], city: 'Springfield', pc: '12345', cc: 'US' }], voice: '+1.4155552671', email: 'jane@example.net' };

forEachDatabase('EPP listener of the simulated registry', (t) => {
  let server: EppServer;
  const clients: TestEppClient[] = [];
  before(async () => {
    const deps = t().app.deps;
    server = new EppServer({ db: deps.db, sim: simulatorOf(deps), now: () => t().clock.now(), log: deps.log }, { host: '127.0.0.1', port: 0, tls: pair, idleMs: 5000, maxConnections: 8, maxPerAddress: 8 });
    await server.listen();
    await setEppPassword(deps.db, 'dmapid', 'own-pass-1');
    await setEppPassword(deps.db, 'sim-budgetnames', 'other-pass');
  });
  after(async () => {
    for (const c of clients) {
      assertValidEpp(c.frames);
      c.close();
    }
    await server.close();
  });
  const connect = async () => {
    const x = await TestEppClient.connect(server.address().port);
    clients.push(x.client);
    return x;
  };

  it('greets, refuses commands before login and bad passwords, logs in and out', async () => {
    const { client, greeting } = await connect();
    assert.deepEqual(greeting.versions, ['1.0']);
    assert.ok(greeting.objURIs.includes(NS.domain) && greeting.extURIs.includes(NS.secDNS) && greeting.extURIs.includes(NS.rgp));
    assert.equal(greeting.svDate, t().clock.now(), 'svDate is the sandbox clock');
    assert.equal(code(await client.send({ cmd: 'domain:check', names: ['x.com'] })), 2002);
    assert.equal(code(await client.send(login('dmapid', 'wrong-pw'))), 2200);
    assert.equal(code(await client.send(login('nobody', 'wrong-pw'))), 2200);
    assert.equal((await client.hello()).svID, greeting.svID);
    const ok = await client.send(login('dmapid', 'own-pass-1'));
    assert.equal(code(ok), 1000);
    assert.equal(ok.clTRID, 'LOGIN-1');
    assert.match(ok.svTRID, /^SIM-/);
    assert.equal(code(await client.send(login('dmapid', 'own-pass-1'))), 2002);
    const bye = await client.send({ cmd: 'logout' });
    assert.equal(code(bye), 1500);
    assert.equal(await client.next(), '');
    assert.ok(client.closed);
  });

  it('ends the session after three failed logins (2501)', async () => {
    const { client } = await connect();
    assert.equal(code(await client.send(login('dmapid', 'wrong-1x'))), 2200);
    assert.equal(code(await client.send(login('dmapid', 'wrong-2x'))), 2200);
    assert.equal(code(await client.send(login('dmapid', 'wrong-3x'))), 2501);
    assert.equal(await client.next(), '');
  });

  it('answers a malformed command 2001 and an unknown object 2001, keeping the session', async () => {
    const { client } = await connect();
    await client.send(login('dmapid', 'own-pass-1'));
    const bad = await client.raw(`<?xml version="1.0"?><epp xmlns="${NS.epp}"><command><check><x:check xmlns:x="urn:x"/></check></command></epp>`, false);
    assert.match(bad, /code="2001"/);
    assert.match(await client.raw('not xml at all', false), /code="2001"/);
    assert.equal(code(await client.send({ cmd: 'contact:transfer', op: 'query', id: 'X-1' })), 2101);
    assert.equal(code(await client.send({ cmd: 'domain:check', names: ['fresh-epp-1.com'] })), 1000);
  });

  it('registers, updates, renews and deletes over EPP with the simulator rules', async () => {
    const { client } = await connect();
    await client.send(login('dmapid', 'own-pass-1'));
    assert.equal(code(await client.send({ cmd: 'contact:create', id: 'EPP-REG1', data: contactData, authInfo: '', fields: { lang: 'en' } })), 1000);
    assert.equal(code(await client.send({ cmd: 'contact:create', id: 'EPP-REG1', data: contactData, authInfo: '' })), 2302);
    assert.equal(code(await client.send({ cmd: 'host:create', name: 'ns1.epp-ext.example', addrs: [] })), 1000);
    const chk = await client.send({ cmd: 'domain:check', names: ['epp-one.com', 'example.com'] });
    assert.deepEqual(JSON.parse(JSON.stringify(chk.resData)), { type: 'domain:chkData', cds: [{ id: 'epp-one.com', avail: true }, { id: 'example.com', avail: false, reason: 'In use' }] });
    const cre = await client.send({ cmd: 'domain:create', name: 'epp-one.com', period: { value: 1, unit: 'y' }, ns: ['ns1.epp-ext.example'], registrant: 'EPP-REG1', contacts: [{ type: 'admin', id: 'EPP-REG1' }, { type: 'tech', id: 'EPP-REG1' }, { type: 'billing', id: 'EPP-REG1' }], authInfo: '' });
    assert.equal(code(cre), 1000, JSON.stringify(cre.results));
    assert.equal(cre.resData?.type, 'domain:creData');
    assert.equal(code(await client.send({ cmd: 'host:create', name: 'ns1.epp-one.com', addrs: [{ ip: 'v4', addr: '8.8.4.4' }] })), 1000);
    const up = await client.send({ cmd: 'domain:update', name: 'epp-one.com', add: { ns: ['ns1.epp-one.com'], statuses: ['clientTransferProhibited'] }, secDNS: { add: { kind: 'ds', records: [{ keyTag: 1, algorithm: 13, digestType: 2, digest: 'A'.repeat(64) }] } } });
    assert.equal(code(up), 1000, JSON.stringify(up.results));
    const info = await client.send({ cmd: 'domain:info', name: 'epp-one.com' });
    assert.equal(info.resData?.type, 'domain:infData');
    const d = (info.resData as { data: { ns: string[]; statuses: string[]; hosts: string[] } }).data;
    assert.deepEqual(d.ns, ['ns1.epp-ext.example', 'ns1.epp-one.com']);
    assert.deepEqual(d.statuses, ['clientTransferProhibited']);
    assert.deepEqual(d.hosts, ['ns1.epp-one.com']);
    assert.deepEqual(info.ext?.rgp, { kind: 'infData', statuses: ['addPeriod'] });
    assert.equal(info.ext?.secDNS?.records.length, 1);
    const exp = (cre.resData as { exDate: number }).exDate;
    const ren = await client.send({ cmd: 'domain:renew', name: 'epp-one.com', curExpDate: new Date(exp).toISOString().slice(0, 10), period: { value: 1, unit: 'y' } });
    assert.equal(code(ren), 1000);
    assert.equal(code(await client.send({ cmd: 'domain:renew', name: 'epp-one.com', curExpDate: '2001-01-01' })), 2004);
    assert.equal(code(await client.send({ cmd: 'domain:delete', name: 'epp-one.com' })), 2305, 'subordinate host');
    assert.equal(code(await client.send({ cmd: 'domain:update', name: 'epp-one.com', rem: { ns: ['ns1.epp-one.com'] } })), 1000);
    assert.equal(code(await client.send({ cmd: 'host:delete', name: 'ns1.epp-one.com' })), 1000);
    assert.equal(code(await client.send({ cmd: 'domain:delete', name: 'epp-one.com' })), 1000, 'purged inside the add grace period');
    assert.equal(code(await client.send({ cmd: 'domain:info', name: 'epp-one.com' })), 2303);
  });

  it('moves a name between two registrar logins: request, query, approve, poll and ack; restore after delete', async () => {
    const { client: own } = await connect();
    const { client: other } = await connect();
    await own.send(login('dmapid', 'own-pass-1'));
    assert.equal(code(await other.send(login('sim-budgetnames', 'other-pass'))), 1000);
    const drain = async (c: TestEppClient) => {
      let n = 0;
      for (let m = await c.send({ cmd: 'poll', op: 'req' }); code(m) === 1301; m = await c.send({ cmd: 'poll', op: 'req' })) {
        assert.equal(code(await c.send({ cmd: 'poll', op: 'ack', msgID: m.msgQ!.id })), 1000);
        n++;
      }
      return n;
    };
    await drain(own);
    await own.send({ cmd: 'contact:create', id: 'EPP-REG2', data: contactData, authInfo: '' });
    await own.send({ cmd: 'domain:create', name: 'epp-two.com', registrant: 'EPP-REG2', contacts: [{ type: 'admin', id: 'EPP-REG2' }, { type: 'tech', id: 'EPP-REG2' }, { type: 'billing', id: 'EPP-REG2' }], authInfo: '' });
    t().clock.advance(70 * DAY);
    assert.equal(code(await own.send({ cmd: 'domain:update', name: 'epp-two.com', chg: { authInfo: 'Tr4nsfer-Code!' } })), 1000);
    const foreign = await other.send({ cmd: 'domain:info', name: 'epp-two.com' });
    assert.equal((foreign.resData as { data: { registrant?: string } }).data.registrant, undefined, 'no registrant for a non-sponsor');
    assert.equal(code(await other.send({ cmd: 'domain:transfer', op: 'request', name: 'epp-two.com', authInfo: 'wrong' })), 2202);
    const req = await other.send({ cmd: 'domain:transfer', op: 'request', name: 'epp-two.com', authInfo: 'Tr4nsfer-Code!' });
    assert.equal(code(req), 1001);
    assert.equal((req.resData as { data: { trStatus: string } }).data.trStatus, 'pending');
    const q = await own.send({ cmd: 'domain:transfer', op: 'query', name: 'epp-two.com' });
    assert.equal((q.resData as { data: { reID: string } }).data.reID, 'sim-budgetnames');
    const poll = await own.send({ cmd: 'poll', op: 'req' });
    assert.equal(code(poll), 1301);
    assert.equal(poll.ext?.poll?.kind, 'transfer-requested');
    assert.equal(poll.resData?.type, 'domain:trnData');
    assert.equal(code(await own.send({ cmd: 'poll', op: 'ack', msgID: poll.msgQ!.id })), 1000);
    assert.equal(code(await own.send({ cmd: 'poll', op: 'ack', msgID: poll.msgQ!.id })), 2303);
    assert.equal(code(await other.send({ cmd: 'domain:transfer', op: 'approve', name: 'epp-two.com' })), 2201, 'only the losing registrar approves');
    const ok = await own.send({ cmd: 'domain:transfer', op: 'approve', name: 'epp-two.com' });
    assert.equal((ok.resData as { data: { trStatus: string } }).data.trStatus, 'clientApproved');
    const now = await other.send({ cmd: 'domain:info', name: 'epp-two.com' });
    assert.equal((now.resData as { data: { clID: string } }).data.clID, 'sim-budgetnames');
    // The new sponsor deletes (outside add grace: redemption) and restores.
    assert.equal(code(await other.send({ cmd: 'domain:delete', name: 'epp-two.com' })), 1001);
    const red = await other.send({ cmd: 'domain:info', name: 'epp-two.com' });
    assert.deepEqual(red.ext?.rgp?.statuses, ['redemptionPeriod']);
    assert.equal(code(await other.send({ cmd: 'domain:update', name: 'epp-two.com', restore: { op: 'request' } })), 1000);
    const back = await other.send({ cmd: 'domain:info', name: 'epp-two.com' });
    assert.equal(back.ext?.rgp, undefined);
    assert.ok((await drain(own)) >= 1, 'the approval reached the losing registrar too');
  });

  it('closes a connection that sends a frame over the size limit', async () => {
    const { client } = await connect();
    const head = Buffer.alloc(4);
    head.writeUInt32BE(64 * 1024 * 1024);
    client.writeRaw(head);
    assert.equal(await client.next(), '');
    client.frames.length = 0;
  });
});
