import { it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { forEachDatabase, toTestReply, type TestApp } from '../../test/helpers/harness.ts';
import { domainReseller, performed, registered, type DomainReseller } from '../../test/helpers/domain-fixtures.ts';
import { johnDoe } from '../../test/helpers/registry-fixtures.ts';
import { commands } from './commands/index.ts';
import { buildCommandTable } from './command-table.ts';
import { defineCommand, type Command } from './command.ts';
import { createDispatcher } from './dispatch.ts';
import { DmapiError } from './errors.ts';
import { createDmapiHttp } from './http.ts';
import { registerSideRoutes } from './side-routes.ts';
import { jobHandlers } from '../jobs/handlers.ts';
import { Worker } from '../jobs/worker.ts';

/** Joker's WHMCS/ClientExec parser: key = the text before the first space, minus ": ". */
const whmcsValues = (body: string) => new Map(body.split('\n').filter(Boolean).map((l) => [l.split(' ')[0]!.replace(/[: ]+$/, ''), l.split(' ').slice(1).join(' ')]));

async function side(t: TestApp, method: 'GET' | 'POST', url: string, params: Record<string, string | number>, http = t.app.http) {
  const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await http.inject({
    method,
    url: method === 'GET' ? `${url}?${form}` : url,
    ...(method === 'POST' ? { payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
    remoteAddress: '127.0.0.1',
  });
  return toTestReply(res.body, res.statusCode, res.headers['set-cookie']);
}

/** The test app's services behind a listener whose contact-create is `contactCreate` (a stand-in that fails or never runs). */
async function withContactCreate(t: TestApp, contactCreate: Command, o: { stoppedWorker?: boolean; waitMs?: number } = {}) {
  const table = buildCommandTable([...commands.filter((c) => c.name !== 'contact-create'), contactCreate]);
  const deps = t.app.deps;
  const dispatcher = createDispatcher(deps, table);
  const worker = new Worker(deps, jobHandlers(table.commands));
  if (o.stoppedWorker) await worker.stop();
  const http = await createDmapiHttp(dispatcher, { serverHeader: 'DMAPI/1.2.53 (test)', publicUrl: deps.config.publicUrl, limits: deps.config, log: deps.log, routes: (scope, kit) => registerSideRoutes(scope, kit, { deps, dispatcher, worker, ...(o.waitMs !== undefined ? { contactWaitMs: o.waitMs } : {}) }) });
  return http;
}

forEachDatabase('v2 and side routes of Joker\'s WHMCS and ClientExec modules', (t) => {
  let alice: DomainReseller;

  it('setup', async () => {
    alice = await domainReseller(t(), 'side-alice');
  });

  it('/v2/query-price-list answers query-price-list: TAB-separated with Columns, currency in the first row, n/a where no price exists', async () => {
    const v2 = await side(t(), 'GET', '/v2/query-price-list', { 'auth-sid': alice.sid });
    const v1 = await t().call('query-price-list', { 'auth-sid': alice.sid });
    assert.equal(v2.code, 0, v2.raw);
    assert.equal(v2.httpStatus, 200);
    assert.equal(v2.body, v1.body);
    assert.equal(v2.get('Columns'), v1.get('Columns'));
    // WHMCS's GetTldPricing: columns by name, `currency` of the first row, rgp's n/a → null.
    const columns = v2.get('Columns')!.split(',');
    const rows = v2.body.split('\n').filter(Boolean).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [columns[i]!, v])));
    assert.equal(rows[0]!['currency'], 'USD');
    const com = rows.filter((r) => r['tld'] === 'com' && r['type'] === 'domain');
    assert.deepEqual(com.map((r) => r['operation']).slice(0, 4), ['create', 'renew', 'transfer', 'rgp']);
    assert.equal(com.find((r) => r['operation'] === 'rgp')!['price-2y'], 'n/a');
    assert.equal((await side(t(), 'GET', '/v2/query-price-list', {})).httpStatus, 401);
  });

  it("/v2/contact/create creates the contact at once and answers its handle, as the modules read it (no fax)", async () => {
    const { fax: _fax, ...noFax } = { ...johnDoe, fax: undefined };
    const r = await side(t(), 'POST', '/v2/contact/create', { 'auth-sid': alice.sid, ...noFax, tld: 'com' });
    assert.equal(r.code, 0, r.raw);
    assert.match(r.get('Proc-ID')!, /^\d+$/);
    const handle = whmcsValues(r.body).get('handle')!;
    assert.match(handle, /^CCOM-\d+$/);
    assert.equal(r.body, `handle: ${handle}\n`);
    const row = await t().app.deps.db.selectFrom('contacts').select(['handle', 'account_id', 'email']).where('handle', '=', handle).executeTakeFirstOrThrow();
    assert.deepEqual(row, { handle, account_id: alice.id, email: johnDoe.email });
    const list = await t().call('result-list', { 'auth-sid': alice.sid, procid: r.get('Proc-ID')! });
    assert.match(list.body, new RegExp(` contact-create ${handle} ack -\n$`));
    // The handle is usable at once: the module registers with it right after.
    await registered(t(), { ...alice, contact: handle }, 'v2-contact-owner.com');
  });

  it('/v2/contact/create refuses what contact-create refuses, with the same errors and nothing created', async () => {
    const before = await t().app.deps.db.selectFrom('contacts').select('id').execute();
    const r = await side(t(), 'POST', '/v2/contact/create', { 'auth-sid': alice.sid, ...johnDoe, email: '' });
    const v1 = await t().call('contact-create', { 'auth-sid': alice.sid, ...johnDoe, email: '' });
    assert.equal(r.code, v1.code);
    assert.notEqual(r.code, 0);
    assert.deepEqual(r.all('Error'), v1.all('Error'));
    assert.equal(r.get('Proc-ID'), undefined);
    assert.equal((await side(t(), 'POST', '/v2/contact/create', { ...johnDoe })).httpStatus, 401);
    assert.equal((await side(t(), 'POST', '/v2/contact/create', { 'auth-sid': await alice.session('read-only'), ...johnDoe })).code, 2201);
    assert.equal((await t().app.deps.db.selectFrom('contacts').select('id').execute()).length, before.length);
  });

  it('/v2/contact/create answers 2400 with the reasons when the contact is refused, and the Proc-ID with a Warning when it takes too long', async () => {
    const base = { summary: 'test stand-in for contact-create', access: 'modify', session: 'required', execution: 'async', params: z.object({}).passthrough(), errors: [] } as const;
    const failing = defineCommand({
      ...base,
      name: 'contact-create',
      async accept() {
        return { object: '', job: {} };
      },
      async perform(): Promise<never> {
        throw new DmapiError('PARAM_POLICY', ['the registry refused the contact', 'second reason']);
      },
    });
    const failingHttp = await withContactCreate(t(), failing);
    try {
      const r = await side(t(), 'POST', '/v2/contact/create', { 'auth-sid': alice.sid, tld: 'com' }, failingHttp);
      assert.equal(r.code, 2400, r.raw);
      assert.deepEqual(r.all('Error'), ['the registry refused the contact', 'second reason']);
    } finally {
      await failingHttp.close();
    }
    const slowHttp = await withContactCreate(t(), { ...failing, perform: async () => ({ status: 'ack' as const, object: 'CCOM-1', text: '' }) }, { stoppedWorker: true, waitMs: 60 });
    try {
      const r = await side(t(), 'POST', '/v2/contact/create', { 'auth-sid': alice.sid, tld: 'com' }, slowHttp);
      assert.equal(r.code, 0, r.raw);
      const proc = r.get('Proc-ID')!;
      assert.equal(r.get('Warning'), `the contact is still being created; result-retrieve Proc-ID ${proc} names its handle`);
      assert.equal(r.body, '');
    } finally {
      await slowHttp.close();
    }
  });

  it('GET /whois shows the account’s domain with `DNSSEC: unsigned`, then `signedDelegation` once DS records are set', async () => {
    await registered(t(), alice, 'side-whois.com');
    const w = await side(t(), 'GET', '/whois', { 'auth-sid': alice.sid, domain: 'side-whois.com', disclaimer: 0 });
    assert.equal(w.code, 0, w.raw);
    assert.equal(whmcsValues(w.body).get('DNSSEC'), 'unsigned');
    assert.match(w.body, /^Domain Name: side-whois\.com\n/);
    assert.match(w.body, /\nRegistry Expiry Date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/);
    assert.match(w.body, /\nName Server: a\.ns\.joker\.com\nName Server: b\.ns\.joker\.com\n/);
    const digest = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
    assert.equal((await performed(t(), alice.sid, 'domain-modify', { domain: 'side-whois.com', dnssec: 1, 'ds-1': `12345:13:2:${digest}` })).status, 'ack');
    const signed = await side(t(), 'GET', '/whois', { 'auth-sid': alice.sid, domain: 'side-whois.com', disclaimer: 0 });
    assert.equal(whmcsValues(signed.body).get('DNSSEC'), 'signedDelegation');
  });

  it("GET /whois answers another account's domain like a missing one, and needs a session", async () => {
    const bob = await domainReseller(t(), 'side-bob');
    const theirs = await side(t(), 'GET', '/whois', { 'auth-sid': bob.sid, domain: 'side-whois.com' });
    const none = await side(t(), 'GET', '/whois', { 'auth-sid': bob.sid, domain: 'no-such-side.com' });
    assert.equal(theirs.code, 2303);
    assert.equal(theirs.get('Error'), 'domain side-whois.com not found');
    assert.equal(none.get('Error'), 'domain no-such-side.com not found');
    assert.equal((await side(t(), 'GET', '/whois', { domain: 'side-whois.com' })).httpStatus, 401);
    assert.equal((await side(t(), 'GET', '/whois', { 'auth-sid': bob.sid })).code, 2003);
  });
});
