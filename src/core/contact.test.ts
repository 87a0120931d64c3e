import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkFinnishIdentity, checkSwedishOrgId, contactFields, euEligible, luhnValid, ukOwnerReady, validateContact, type ContactFields, type ContactRules } from './contact.ts';
import { eeaMembers } from './country.ts';

const generic: ContactRules = { profile: 'generic', faxRequired: false };
const base: ContactFields = { name: 'John Doe', email: 'john@example.com', 'address-1': 'Smartroad 1', city: 'Smalltown', 'postal-code': '40122', country: 'us', phone: '+1 415 555 2671' };

const ok = (f: ContactFields, rules = generic) => {
  const r = validateContact(f, rules);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  return r;
};
const issues = (f: ContactFields, rules = generic) => {
  const r = validateContact(f, rules);
  assert.ok(!r.ok, 'expected a refusal');
  return r.issues;
};

describe('generic contact rules', () => {
  it('normalises country, phone and e-mail', () => {
    const r = ok(base);
    assert.equal(r.fields.country, 'US');
    assert.equal(r.fields.phone, '+1.4155552671');
  });

  it('builds the name from fname and lname when it is empty', () => {
    const { name: _n, ...rest } = base;
    assert.equal(ok({ ...rest, fname: 'Jane', lname: 'Roe' }).fields.name, 'Jane Roe');
    assert.deepEqual(issues({ ...rest, fname: 'Jane' }).map((i) => [i.field, i.kind]), [['name', 'missing']]);
  });

  it('reports every missing mandatory field at once', () => {
    const got = issues({}).map((i) => i.field);
    assert.deepEqual(got, ['name', 'email', 'address-1', 'city', 'postal-code', 'country', 'phone']);
  });

  it('needs an organization when individual is No, and takes only Y/Yes/N/No', () => {
    assert.deepEqual(issues({ ...base, individual: 'no' }).map((i) => i.field), ['organization']);
    assert.equal(ok({ ...base, individual: 'Yes' }).fields.individual, 'Y');
    assert.equal(issues({ ...base, individual: 'maybe' })[0]!.field, 'individual');
  });

  it('refuses control characters, bad postal codes, extensions and lengths', () => {
    assert.equal(issues({ ...base, city: 'Small\ntown' })[0]!.kind, 'syntax');
    assert.equal(issues({ ...base, 'postal-code': '40122!' })[0]!.field, 'postal-code');
    assert.equal(issues({ ...base, 'postal-code': '1234567890ABCDEFG' })[0]!.kind, 'range');
    assert.equal(issues({ ...base, extension: '12a' })[0]!.field, 'extension');
    assert.equal(issues({ ...base, organization: 'x'.repeat(256) })[0]!.kind, 'range');
  });

  it('drops fields of other TLDs\' rule sets', () => {
    const r = ok({ ...base, lang: 'DE', orgid: '[SE]556036-0793', 'nexus-category': 'C11' });
    assert.equal(r.fields.lang, undefined);
    assert.equal(r.fields.orgid, undefined);
    assert.equal(r.fields['nexus-category'], undefined);
  });

  it('.de profile facts: the fax is required', () => {
    assert.deepEqual(issues(base, { profile: 'generic', faxRequired: true }).map((i) => [i.field, i.kind]), [['fax', 'missing']]);
    ok({ ...base, fax: '+49.301234567' }, { profile: 'generic', faxRequired: true });
  });
});

describe('TLD rules (registry-rules §2)', () => {
  const eu: ContactRules = { profile: 'eu', faxRequired: false };
  const us: ContactRules = { profile: 'us', faxRequired: false };
  const uk: ContactRules = { profile: 'uk', faxRequired: false };
  const se: ContactRules = { profile: 'se', faxRequired: false };
  const fi: ContactRules = { profile: 'fi', faxRequired: false };

  it('.eu lang: required, one of the 24 EU languages, warns for the 4 Joker lacks', () => {
    assert.equal(issues(base, eu)[0]!.field, 'lang');
    assert.equal(issues({ ...base, lang: 'RU' }, eu)[0]!.kind, 'range');
    assert.equal(ok({ ...base, lang: 'de' }, eu).fields.lang, 'DE');
    assert.match(ok({ ...base, lang: 'HR' }, eu).warnings[0]!, /HR/);
  });

  it('.eu length limits and citizenship', () => {
    assert.equal(issues({ ...base, lang: 'EN', name: 'n'.repeat(51) }, eu)[0]!.field, 'name');
    assert.equal(issues({ ...base, lang: 'EN', city: 'c'.repeat(81) }, eu)[0]!.field, 'city');
    assert.equal(issues({ ...base, lang: 'EN', 'x-eu-country-of-citizenship': 'NO' }, eu)[0]!.field, 'x-eu-country-of-citizenship');
    assert.ok(euEligible({ country: 'NO' }, eeaMembers));
    assert.ok(euEligible({ country: 'US', 'x-eu-country-of-citizenship': 'DE' }, eeaMembers));
    assert.ok(!euEligible({ country: 'GB' }, eeaMembers));
  });

  it('.us nexus-category: C11, C12, C21, C31, C32 only, anchored', () => {
    for (const c of ['C11', 'c12', 'C21']) assert.ok(validateContact({ ...base, 'nexus-category': c, 'app-purpose': 'P1' }, us).ok, c);
    for (const c of ['C13', 'C111', 'xC11']) assert.equal(issues({ ...base, 'nexus-category': c, 'app-purpose': 'P1' }, us)[0]!.field, 'nexus-category', c);
    assert.equal(issues({ ...base, 'app-purpose': 'P1' }, us)[0]!.kind, 'missing');
  });

  it('.us nexus-category-country: required for C31/C32, an ISO code', () => {
    assert.equal(issues({ ...base, 'nexus-category': 'C31', 'app-purpose': 'P1' }, us)[0]!.field, 'nexus-category-country');
    assert.equal(ok({ ...base, 'nexus-category': 'C32', 'nexus-category-country': 'ca', 'app-purpose': 'P1' }, us).fields['nexus-category-country'], 'CA');
    assert.equal(issues({ ...base, 'nexus-category': 'C32', 'nexus-category-country': 'XX', 'app-purpose': 'P1' }, us)[0]!.field, 'nexus-category-country');
  });

  it('.us app-purpose: P1-P5 only, anchored (Joker\'s unanchored check would take p12)', () => {
    for (const p of ['P1', 'p5']) ok({ ...base, 'nexus-category': 'C11', 'app-purpose': p }, us);
    for (const p of ['P6', 'p12', 'P']) assert.equal(issues({ ...base, 'nexus-category': 'C11', 'app-purpose': p }, us)[0]!.field, 'app-purpose', p);
  });

  it('.uk account-type: the 16 Nominet codes; CORP points to FCORP', () => {
    for (const t of ['IND', 'FIND', 'PTNR', 'STRA', 'GOV', 'CRC', 'STAT', 'OTHER', 'FCORP', 'FOTHER']) ok({ ...base, 'account-type': t.toLowerCase() }, uk);
    const corp = ok({ ...base, 'account-type': 'CORP' }, uk);
    assert.equal(corp.fields['account-type'], 'FCORP');
    assert.match(corp.warnings.join('\n'), /CORP is not a Nominet account type; stored as FCORP/);
    assert.equal(issues({ ...base, 'account-type': 'XYZ' }, uk)[0]!.kind, 'range');
    assert.ok(!ukOwnerReady(ok(base, uk).fields));
    assert.ok(ukOwnerReady(ok({ ...base, 'account-type': 'IND' }, uk).fields));
  });

  it('.uk company-number: required for LTD, PLC, LLP, IP, SCH, RCHAR; Companies House format for companies', () => {
    for (const t of ['LTD', 'PLC', 'LLP', 'IP', 'SCH', 'RCHAR']) assert.equal(issues({ ...base, 'account-type': t }, uk)[0]!.field, 'company-number', t);
    assert.equal(ok({ ...base, 'account-type': 'LTD', 'company-number': '1234567' }, uk).fields['company-number'], '01234567');
    assert.equal(ok({ ...base, 'account-type': 'LLP', 'company-number': 'oc 123456' }, uk).fields['company-number'], 'OC123456');
    assert.equal(issues({ ...base, 'account-type': 'PLC', 'company-number': 'ABC' }, uk)[0]!.kind, 'syntax');
    ok({ ...base, 'account-type': 'RCHAR', 'company-number': '1087654' }, uk);
  });

  it('.se/.nu orgid: required, [CC] prefix, Swedish numbers with check digit, personal number without organization', () => {
    assert.equal(issues(base, se)[0]!.field, 'orgid');
    assert.equal(ok({ ...base, orgid: '[SE]811218-9876' }, se).fields.orgid, '[SE]811218-9876');
    assert.equal(ok({ ...base, organization: 'Ericsson AB', orgid: '[se]556036-0793' }, se).fields.orgid, '[SE]556036-0793');
    assert.match(issues({ ...base, orgid: '[SE]556036-0793' }, se)[0]!.message, /personal number is required/);
    assert.match(issues({ ...base, orgid: '[SE]811218-9875' }, se)[0]!.message, /check digit/);
    assert.match(issues({ ...base, orgid: '[SE]8112189876' }, se)[0]!.message, /6 digits, a dash and 4 digits/);
    assert.match(issues({ ...base, orgid: '556036-0793' }, se)[0]!.message, /square brackets/);
    ok({ ...base, orgid: '[NO]any identifier 123' }, se);
    assert.match(issues({ ...base, orgid: `[NO]${'x'.repeat(124)}` }, se)[0]!.message, /123 characters/);
  });

  it('.se/.nu vatid: upper-case country code, optional space, 1-64 alphanumerics', () => {
    ok({ ...base, orgid: '[SE]811218-9876', vatid: 'SE 556036079301' }, se);
    for (const v of ['se556036079301', 'S556036', 'SE-5560', `SE${'1'.repeat(65)}`]) assert.equal(issues({ ...base, orgid: '[SE]811218-9876', vatid: v }, se)[0]!.field, 'vatid', v);
  });

  it('.fi names: fname and lname are required', () => {
    const { name: _n, ...rest } = base;
    const got = issues({ ...rest, 'x-ficora-is-finnish': 'yes', 'x-ficora-type': 'company', 'x-ficora-registernumber': '1234567-8' }, fi).map((i) => i.field);
    assert.deepEqual(got, ['name', 'fname', 'lname']);
  });

  it('.fi x-ficora-is-finnish and x-ficora-type: required, fixed values (legacy seed names accepted)', () => {
    const f = { ...base, fname: 'Matti', lname: 'Meikäläinen' };
    assert.deepEqual(issues(f, fi).map((i) => i.field), ['x-ficora-is-finnish', 'x-ficora-type']);
    assert.equal(issues({ ...f, 'x-ficora-is-finnish': 'ja', 'x-ficora-type': 'company', 'x-ficora-registernumber': '1' }, fi)[0]!.field, 'x-ficora-is-finnish');
    assert.equal(issues({ ...f, 'x-ficora-is-finnish': 'yes', 'x-ficora-type': 'club' }, fi)[0]!.field, 'x-ficora-type');
    for (const t of ['company', 'association', 'institution', 'politicalparty', 'municipality', 'government', 'publiccommunity', 'corporation', 'township']) {
      ok({ ...f, 'x-ficora-is-finnish': 'YES', 'x-ficora-type': t, 'x-ficora-registernumber': '1234567-8' }, fi);
    }
  });

  it('.fi x-ficora-identity: required for a Finnish private person, with a valid check character', () => {
    const f = { ...base, fname: 'Matti', lname: 'Meikäläinen', 'x-ficora-is-finnish': 'yes', 'x-ficora-type': 'privateperson' };
    assert.equal(issues(f, fi)[0]!.field, 'x-ficora-identity');
    assert.equal(ok({ ...f, 'x-ficora-identity': '131052-308t' }, fi).fields['x-ficora-identity'], '131052-308T');
    assert.match(issues({ ...f, 'x-ficora-identity': '131052-308U' }, fi)[0]!.message, /check character/);
    assert.match(issues({ ...f, 'x-ficora-identity': '310252-308T' }, fi)[0]!.message, /real date/);
  });

  it('.fi x-ficora-birthdate: required for a non-Finnish private person, YYYY-MM-DD', () => {
    const f = { ...base, fname: 'John', lname: 'Doe', 'x-ficora-is-finnish': 'no', 'x-ficora-type': 'privateperson' };
    assert.equal(issues(f, fi)[0]!.field, 'x-ficora-birthdate');
    ok({ ...f, 'x-ficora-birthdate': '1980-02-29' }, fi);
    assert.equal(issues({ ...f, 'x-ficora-birthdate': '1981-02-29' }, fi)[0]!.kind, 'syntax');
  });

  it('.fi x-ficora-registernumber: required for organisations; legalemail checked when given', () => {
    const f = { ...base, fname: 'Matti', lname: 'Virtanen', 'x-ficora-is-finnish': 'yes', 'x-ficora-type': 'association' };
    assert.equal(issues(f, fi)[0]!.field, 'x-ficora-registernumber');
    ok({ ...f, 'x-ficora-registernumber': '123.456', 'x-ficora-legalemail': 'legal@example.fi' }, fi);
    assert.equal(issues({ ...f, 'x-ficora-registernumber': '123', 'x-ficora-legalemail': 'nope' }, fi)[0]!.field, 'x-ficora-legalemail');
  });
});

describe('identity numbers', () => {
  it('Luhn', () => {
    assert.ok(luhnValid('5560360793'));
    assert.ok(!luhnValid('5560360794'));
  });

  it('Finnish identity codes of every century sign, 2023 additions included', () => {
    for (const s of ['131052-308T', '131052Y308T', '131052U308T', '010594Y9021', '020502E902X', '020502A902X']) assert.ok(checkFinnishIdentity(s).ok, s);
    assert.ok(!checkFinnishIdentity('131052G308T').ok);
  });

  it('Swedish orgid of another country keeps its text', () => {
    assert.deepEqual(checkSwedishOrgId('[dk]12345678', true), { ok: true, value: '[DK]12345678' });
    assert.equal(checkSwedishOrgId('[ZZ]1', true).ok, false);
  });
});

describe('validateContact on arbitrary input (property)', () => {
  const profiles = ['generic', 'eu', 'us', 'uk', 'se', 'fi'] as const;
  it('never throws; an accepted contact has the mandatory fields and validates again to itself', () => {
    const field = fc.constantFrom(...contactFields);
    fc.assert(
      fc.property(fc.dictionary(field, fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('C11', 'P1', 'EN', 'LTD', 'yes', 'no', 'company', '[SE]811218-9876'))), fc.constantFrom(...profiles), fc.boolean(), (extra, profile, keepBase) => {
        const input = keepBase ? { ...base, ...extra } : extra;
        const r = validateContact(input, { profile, faxRequired: false });
        if (!r.ok) return r.issues.length > 0 && r.issues.every((i) => i.message.length > 0);
        for (const f of ['name', 'email', 'address-1', 'city', 'postal-code', 'country', 'phone'] as const) if (!r.fields[f]) return false;
        const again = validateContact(r.fields, { profile, faxRequired: false });
        return again.ok && JSON.stringify(again.fields) === JSON.stringify(r.fields);
      }),
      { numRuns: 300 },
    );
  });
});
