import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../../test/helpers/harness.ts';
import { johnDoe, newContact, retrieve, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { OWN_REGISTRAR, simulatorOf } from '../../registry/index.ts';

type Params = Record<string, string>;

forEachDatabase('contact-create', (t) => {
  let sid = '';
  const rejected = async (params: Params, code: number, ...errors: RegExp[]) => {
    const before = await counts(t());
    const r = await t().call('contact-create', { 'auth-sid': sid, ...params });
    assert.equal(r.code, code, r.raw);
    assert.equal(r.get('Proc-ID'), undefined);
    const lines = r.all('Error');
    for (const e of errors) assert.ok(lines.some((l) => e.test(l)), `no Error line matches ${e}: ${JSON.stringify(lines)}`);
    assert.deepEqual(await counts(t()), before, 'a rejected request leaves no rows');
    return lines;
  };
  const accepted = async (params: Params) => {
    const r = await runAsync(t(), sid, 'contact-create', params);
    assert.equal(r.status, 'ack', r.body);
    return r;
  };

  it('setup', async () => {
    sid = (await t().reseller('alice')).sid;
  });

  it('answers a Proc-ID at once; result-list shows "-" until the worker names the handle', async () => {
    const r = await t().call('contact-create', { 'auth-sid': sid, ...johnDoe });
    assert.equal(r.code, 0, r.raw);
    assert.equal(r.get('Status-Text'), 'Command completed successfully');
    const proc = r.get('Proc-ID')!;
    assert.match(proc, /^\d+$/);
    const pending = await t().call('result-list', { 'auth-sid': sid, pending: 1 });
    assert.match(pending.body, new RegExp(`^\\d{14} [0-9a-f]{32} ${proc} contact-create - \\? -$`, 'm'));
    assert.deepEqual((await retrieve(t(), sid, proc)).keys.get('Completion-Status'), '?');

    assert.equal(await t().work(), 1);
    const { reply, keys } = await retrieve(t(), sid, proc);
    assert.equal(keys.get('Completion-Status'), 'ack');
    const handle = keys.get('Object-Name')!;
    assert.match(handle, /^CCOM-\d{4,}$/);
    assert.match(reply.body, new RegExp(`\n\nresult_msg: contact ${handle} created\nregistry_roid: ${handle}\n$`));
    const done = await t().call('result-list', { 'auth-sid': sid });
    assert.match(done.body, new RegExp(`^\\d{14} [0-9a-f]{32} ${proc} contact-create ${handle} ack -$`, 'm'));

    const row = await t().app.deps.db.selectFrom('contacts').selectAll().where('handle', '=', handle).executeTakeFirstOrThrow();
    assert.deepEqual([row.name, row.email, row.tld], ['John Doe', 'johnd@someisp.com', 'com']);
    assert.deepEqual(JSON.parse(row.fields).phone, '+1.4155552671');
    const reg = await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).infoContact(handle);
    assert.equal(reg!.sponsor, OWN_REGISTRAR);
    assert.deepEqual(reg!.postal.street, ['Smartroad 1']);
  });

  it('numbers handles across the platform with the TLD\'s prefix, skipping numbers the registry already knows', async () => {
    const a = await newContact(t(), sid);
    const n = Number(a.split('-')[1]);
    await simulatorOf(t().app.deps).openAs('sim-brandguard', t().app.deps.db, t().clock.now()).createContact(`CNET-${n + 1}`, { name: 'x', organization: '', street: [], city: 'x', state: '', postalCode: '', country: 'US', voice: '', voiceExt: '', fax: '', email: 'x@example.com', extensions: {} });
    const b = await newContact(t(), sid, { ...johnDoe, tld: 'net' });
    assert.equal(b, `CNET-${n + 2}`);
    const other = await t().reseller('bob');
    assert.equal(await newContact(t(), other.sid, { ...johnDoe, tld: '.ORG' }), `CORG-${n + 3}`);
  });

  it('builds name from fname and lname, and keeps the optional fields', async () => {
    const { name: _n, ...rest } = johnDoe;
    const r = await accepted({ ...rest, fname: 'Jane', lname: 'Roe', title: 'Dr.', individual: 'Yes', 'address-2': 'Floor 2', 'address-3': 'Box 7', state: 'CA', extension: '42', fax: '+1 415 555 2672' });
    const f = JSON.parse((await t().app.deps.db.selectFrom('contacts').select('fields').where('handle', '=', r.object).executeTakeFirstOrThrow()).fields);
    assert.deepEqual(f, { name: 'Jane Roe', fname: 'Jane', lname: 'Roe', title: 'Dr.', individual: 'Y', email: 'johnd@someisp.com', 'address-1': 'Smartroad 1', 'address-2': 'Floor 2', 'address-3': 'Box 7', city: 'Smalltown', state: 'CA', 'postal-code': '40122', country: 'US', phone: '+1.4155552671', extension: '42', fax: '+1.4155552672' });
  });

  it('names every missing field, each on its own Error line', async () => {
    await rejected({}, 2003, /missing parameter 'tld'/);
    const lines = await rejected({ tld: 'com' }, 2003, /missing parameter 'name'/, /missing parameter 'email'/, /missing parameter 'address-1'/, /missing parameter 'city'/, /missing parameter 'postal-code'/, /missing parameter 'country'/, /missing parameter 'phone'/);
    assert.equal(lines.length, 7);
    await rejected({ ...johnDoe, individual: 'N' }, 2003, /missing parameter 'organization' \(required when individual is No\)/);
  });

  it('names the field of every malformed value', async () => {
    await rejected({ ...johnDoe, tld: 'zz' }, 2004, /^invalid 'tld' \(zz is not a TLD this platform offers/);
    await rejected({ ...johnDoe, email: 'john.example.com' }, 2005, /^invalid 'email' \(.*not an e-mail address/);
    await rejected({ ...johnDoe, phone: '4155552671' }, 2005, /^invalid 'phone' \(.*must start with \+/);
    await rejected({ ...johnDoe, phone: '+1.422.8001' }, 2005, /^invalid 'phone' \(.*too short/);
    await rejected({ ...johnDoe, fax: '+999.1' }, 2005, /^invalid 'fax' \(/);
    await rejected({ ...johnDoe, country: 'UK' }, 2005, /^invalid 'country' \(UK is not an ISO 3166 code; the United Kingdom is GB/);
    await rejected({ ...johnDoe, 'postal-code': '40122; DROP' }, 2005, /^invalid 'postal-code' \(/);
    await rejected({ ...johnDoe, individual: 'perhaps' }, 2005, /^invalid 'individual' \(must be Y, Yes, N or No/);
    await rejected({ ...johnDoe, extension: 'x12' }, 2005, /^invalid 'extension' \(/);
    await rejected({ ...johnDoe, city: 'Small\ttown' }, 2005, /^invalid 'city' \(must not contain control characters/);
    await rejected({ ...johnDoe, organization: 'o'.repeat(300) }, 2004, /^invalid 'organization' \(at most 255 characters/);
    const many = await rejected({ ...johnDoe, email: 'x', phone: 'y', country: 'zz' }, 2005, /^invalid 'email' \(/, /^invalid 'phone' \(/, /^invalid 'country' \(/);
    assert.equal(many.length, 3);
  });

  it('.de: no fax number needed (Joker\'s WHMCS module never sends one), one given is checked', async () => {
    assert.match((await accepted({ ...johnDoe, tld: 'de' })).object, /^CODE-/);
    await rejected({ ...johnDoe, tld: 'de', fax: 'none' }, 2005, /^invalid 'fax' \(/);
    assert.match((await accepted({ ...johnDoe, tld: 'de', fax: '+49.301234567' })).object, /^CODE-/);
  });

  it('.eu: lang is required and one of the EU languages (alias language)', async () => {
    await rejected({ ...johnDoe, tld: 'eu', country: 'DE' }, 2003, /missing parameter 'lang'/);
    await rejected({ ...johnDoe, tld: 'eu', country: 'DE', lang: 'RU' }, 2004, /^invalid 'lang' \(RU is not one of BG, CS/);
    const ok = await accepted({ ...johnDoe, tld: 'eu', country: 'DE', language: 'de' });
    assert.match(ok.object, /^COEU-/);
    const f = JSON.parse((await t().app.deps.db.selectFrom('contacts').select('fields').where('handle', '=', ok.object).executeTakeFirstOrThrow()).fields);
    assert.equal(f.lang, 'DE');
  });

  it('.eu: the four EU languages Joker lacks are accepted with a Warning', async () => {
    const r = await t().call('contact-create', { 'auth-sid': sid, ...johnDoe, tld: 'eu', lang: 'HR' });
    assert.equal(r.code, 0);
    assert.match(r.get('Warning')!, /^lang: HR /);
    assert.equal(r.all('Error').length, 0);
  });

  it('.eu: EURid\'s length limits and an EU citizenship', async () => {
    await rejected({ ...johnDoe, tld: 'eu', lang: 'EN', name: 'N'.repeat(51) }, 2004, /^invalid 'name' \(at most 50 characters/);
    await rejected({ ...johnDoe, tld: 'eu', lang: 'EN', 'x-eu-country-of-citizenship': 'US' }, 2004, /^invalid 'x-eu-country-of-citizenship' \(US is not an EU member state/);
  });

  it('.us: nexus-category is required and one of C11, C12, C21, C31, C32', async () => {
    await rejected({ ...johnDoe, tld: 'us', 'app-purpose': 'P1' }, 2003, /missing parameter 'nexus-category'/);
    await rejected({ ...johnDoe, tld: 'us', 'app-purpose': 'P1', 'nexus-category': 'C111' }, 2004, /^invalid 'nexus-category' \(C111 is not one of C11, C12, C21, C31, C32/);
    assert.match((await accepted({ ...johnDoe, tld: 'us', 'app-purpose': 'p3', 'nexus-category': 'c11' })).object, /^CNUS-/);
  });

  it('.us: nexus-category-country is required for C31 and C32', async () => {
    await rejected({ ...johnDoe, tld: 'us', 'app-purpose': 'P1', 'nexus-category': 'C31' }, 2003, /missing parameter 'nexus-category-country' \(required for nexus-category C31\)/);
    await rejected({ ...johnDoe, tld: 'us', 'app-purpose': 'P1', 'nexus-category': 'C32', 'nexus-category-country': 'XX' }, 2005, /^invalid 'nexus-category-country' \(/);
    await accepted({ ...johnDoe, tld: 'us', 'app-purpose': 'P1', 'nexus-category': 'C32', 'nexus-category-country': 'CA' });
  });

  it('.us: app-purpose is required and one of P1-P5', async () => {
    await rejected({ ...johnDoe, tld: 'us', 'nexus-category': 'C11' }, 2003, /missing parameter 'app-purpose'/);
    await rejected({ ...johnDoe, tld: 'us', 'nexus-category': 'C11', 'app-purpose': 'P12' }, 2004, /^invalid 'app-purpose' \(P12 is not one of P1, P2, P3, P4, P5/);
  });

  it('.uk: account-type is one of the 16 Nominet codes (CORP is FCORP)', async () => {
    // What Joker's WHMCS module sends for "Foreign Organization".
    const corp = await accepted({ ...johnDoe, tld: 'co.uk', country: 'GB', 'account-type': 'CORP' });
    assert.deepEqual(corp.accepted.all('Warning'), ['account-type: CORP is not a Nominet account type; stored as FCORP (non-UK corporation)']);
    await rejected({ ...johnDoe, tld: 'uk', country: 'GB', 'account-type': 'SOLE' }, 2004, /^invalid 'account-type' \(SOLE is not one of IND, FIND/);
    assert.match((await accepted({ ...johnDoe, tld: 'co.uk', country: 'GB', 'account-type': 'ind' })).object, /^CNOM-/);
  });

  it('.uk: company-number is required for LTD, PLC, LLP, IP, SCH, RCHAR', async () => {
    for (const type of ['LTD', 'PLC', 'LLP', 'IP', 'SCH', 'RCHAR']) {
      await rejected({ ...johnDoe, tld: 'uk', country: 'GB', 'account-type': type }, 2003, new RegExp(`missing parameter 'company-number' \\(required for account-type ${type}\\)`));
    }
    await rejected({ ...johnDoe, tld: 'uk', country: 'GB', 'account-type': 'LTD', 'company-number': 'ABC' }, 2005, /^invalid 'company-number' \(ABC is not a Companies House number/);
    await accepted({ ...johnDoe, tld: 'uk', country: 'GB', 'account-type': 'LTD', 'company-number': 'SC123456' });
  });

  it('.se/.nu: orgid is required, [CC]-prefixed, a checked Swedish number for [SE] (alias org-id)', async () => {
    await rejected({ ...johnDoe, tld: 'se', country: 'SE' }, 2003, /missing parameter 'orgid' \(required for \.se and \.nu contacts\)/);
    await rejected({ ...johnDoe, tld: 'nu', orgid: '556036-0793' }, 2005, /^invalid 'orgid' \(must start with a two-letter ISO country code in square brackets/);
    await rejected({ ...johnDoe, tld: 'se', orgid: '[SE]811218-9875' }, 2005, /^invalid 'orgid' \(811218-9875 fails the Swedish check digit/);
    await rejected({ ...johnDoe, tld: 'se', orgid: '[SE]556036-0793' }, 2005, /^invalid 'orgid' \(.*without an organization a personal number is required/);
    assert.match((await accepted({ ...johnDoe, tld: 'se', organization: 'Ericsson AB', 'org-id': '[SE]556036-0793' })).object, /^CIIS-/);
    assert.match((await accepted({ ...johnDoe, tld: 'nu', orgid: '[US]EIN 12-3456789' })).object, /^CINU-/);
  });

  it('.se/.nu: vatid is optional, country code plus up to 64 letters or digits (alias vat-id)', async () => {
    await rejected({ ...johnDoe, tld: 'se', orgid: '[SE]811218-9876', vatid: 'se556036079301' }, 2005, /^invalid 'vatid' \(must be an upper-case two-letter country code/);
    await accepted({ ...johnDoe, tld: 'se', orgid: '[SE]811218-9876', 'vat-id': 'SE 556036079301' });
  });

  it('.fi: fname and lname are required', async () => {
    const { name: _n, ...rest } = johnDoe;
    await rejected({ ...rest, tld: 'fi', fname: 'Matti', 'x-ficora-is-finnish': 'yes', 'x-ficora-type': 'company', 'x-ficora-registernumber': '1234567-8' }, 2003, /missing parameter 'lname' \(required for \.fi contacts\)/);
  });

  it('.fi: x-ficora-is-finnish (yes/no) and x-ficora-type are required', async () => {
    const fi = { ...johnDoe, tld: 'fi', fname: 'Matti', lname: 'Virtanen', country: 'FI' };
    await rejected(fi, 2003, /missing parameter 'x-ficora-is-finnish'/, /missing parameter 'x-ficora-type'/);
    await rejected({ ...fi, 'x-ficora-is-finnish': 'kyllä', 'x-ficora-type': 'company', 'x-ficora-registernumber': '1' }, 2004, /^invalid 'x-ficora-is-finnish' \(must be yes or no/);
    await rejected({ ...fi, 'x-ficora-is-finnish': 'yes', 'x-ficora-type': 'club' }, 2004, /^invalid 'x-ficora-type' \(club is not one of privateperson, company/);
  });

  it('.fi: a Finnish private person needs a valid x-ficora-identity', async () => {
    const fi = { ...johnDoe, tld: 'fi', fname: 'Matti', lname: 'Virtanen', country: 'FI', 'x-ficora-is-finnish': 'yes', 'x-ficora-type': 'privateperson' };
    await rejected(fi, 2003, /missing parameter 'x-ficora-identity' \(required for a Finnish private person\)/);
    await rejected({ ...fi, 'x-ficora-identity': '131052-308U' }, 2005, /^invalid 'x-ficora-identity' \(.*wrong check character \(expected T\)/);
    assert.match((await accepted({ ...fi, 'x-ficora-identity': '131052-308T' })).object, /^CFIC-/);
  });

  it('.fi: a non-Finnish private person needs x-ficora-birthdate, others x-ficora-registernumber', async () => {
    const fi = { ...johnDoe, tld: 'fi', fname: 'John', lname: 'Doe', 'x-ficora-is-finnish': 'no', 'x-ficora-type': 'privateperson' };
    await rejected(fi, 2003, /missing parameter 'x-ficora-birthdate'/);
    await rejected({ ...fi, 'x-ficora-birthdate': '13.10.1952' }, 2005, /^invalid 'x-ficora-birthdate' \(13\.10\.1952 is not a date YYYY-MM-DD/);
    await accepted({ ...fi, 'x-ficora-birthdate': '1952-10-13' });
    await rejected({ ...fi, 'x-ficora-type': 'government' }, 2003, /missing parameter 'x-ficora-registernumber' \(required for x-ficora-type government\)/);
    await rejected({ ...fi, 'x-ficora-type': 'government', 'x-ficora-registernumber': '0245437-2', 'x-ficora-legalemail': 'legal' }, 2005, /^invalid 'x-ficora-legalemail' \(/);
  });

  it('a read-only key cannot create; a modify-only key can (no costs)', async () => {
    const r = await t().reseller('carol');
    const ro = await r.session('read-only');
    const denied = await t().call('contact-create', { 'auth-sid': ro, ...johnDoe });
    assert.equal(denied.code, 2201);
    assert.match(denied.get('Error')!, /read-only/);
    const mo = await r.session('modify-only');
    assert.match(await newContact(t(), mo), /^CCOM-/);
  });
});

/** Rows a contact-create could leave behind. */
async function counts(t: TestApp) {
  const db = t.app.deps.db;
  const n = async (table: 'contacts' | 'registry_contacts' | 'results' | 'jobs') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { contacts: await n('contacts'), registry: await n('registry_contacts'), results: await n('results'), jobs: await n('jobs') };
}
