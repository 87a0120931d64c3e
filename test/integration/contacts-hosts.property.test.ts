import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { forEachDatabase, type TestApp } from '../helpers/harness.ts';
import { giveDomain, johnDoe } from '../helpers/registry-fixtures.ts';
import { parseReply } from '../../src/dmapi/reply.ts';
import { contactFields } from '../../src/core/contact.ts';
import { OWN_REGISTRAR } from '../../src/registry/index.ts';

/**
 * Random field values into contact-create and ns-create: every answer must be a well-formed
 * DMAPI reply, a refusal must leave no row behind, and after the worker ran the registrar's
 * tables and the registry's must agree with the acked results exactly.
 */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '!@!', '\u0000', 'a\nb', 'x\ty', '-', '+', '[SE]', 'ünïcödé', '𝔘𝔫𝔦', '"quoted"', "o'neil", '<b>', '%00', 'x'.repeat(300)),
);
const plausible: Record<string, fc.Arbitrary<string>> = {
  tld: fc.constantFrom('com', 'net', 'eu', 'us', 'uk', 'co.uk', 'se', 'nu', 'fi', 'de', 'app', 'xn--5tzm5g', 'zz', ''),
  email: fc.oneof(fc.emailAddress(), fc.constant('johnd@someisp.com')),
  phone: fc.constantFrom('+1.4155552671', '+49.301234567', '+358.401234567', '+1.422', '0049 30 123'),
  country: fc.constantFrom('US', 'DE', 'se', 'FI', 'GB', 'UK', 'XX'),
  lang: fc.constantFrom('EN', 'de', 'HR', 'RU'),
  'nexus-category': fc.constantFrom('C11', 'C31', 'C99'),
  'app-purpose': fc.constantFrom('P1', 'P5', 'P6'),
  'account-type': fc.constantFrom('IND', 'LTD', 'CORP'),
  orgid: fc.constantFrom('[SE]811218-9876', '[SE]556036-0793', '[NO]123', 'bad'),
  'x-ficora-is-finnish': fc.constantFrom('yes', 'no', 'maybe'),
  'x-ficora-type': fc.constantFrom('privateperson', 'company', 'club'),
  'x-ficora-identity': fc.constantFrom('131052-308T', '131052-308U'),
};
const contactParams = fc
  .tuple(
    fc.boolean(),
    fc.dictionary(
      fc.constantFrom(...contactFields, 'tld', 'language', 'org-id'),
      fc.constant(null),
      { maxKeys: 8 },
    ),
    fc.dictionary(fc.constantFrom(...Object.keys(plausible)), fc.constant(null), { maxKeys: 6 }),
    fc.array(nasty, { minLength: 8, maxLength: 8 }),
    fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 6, maxLength: 6 }),
  )
  .chain(([withBase, randomKeys, plausibleKeys, values]) =>
    fc.tuple(...Object.keys(plausibleKeys).map((k) => plausible[k]!.map((v) => [k, v] as const))).map((pairs) => {
      const out: Record<string, string> = withBase ? { ...johnDoe } : {};
      Object.keys(randomKeys).forEach((k, i) => (out[k] = values[i % values.length]!));
      for (const [k, v] of pairs) out[k] = v;
      return out;
    }),
  );

const goodV4 = fc.constantFrom('45.76.10.10', '45.76.10.10,45.76.10.11', '185.12.64.1', '192.0.0.9');
const goodV6 = fc.constantFrom('2a05:d014::53', '2A05:D014:0:0::54,2a05:d014::55', '2001:4:112::1');
const hostParams = fc.record(
  {
    host: fc.oneof(
      { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,12}[a-z0-9])?$/).map((l) => `${l}.prop-owned.com`) },
      { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{1,8}$/).map((l) => `${l}.ext-dns.ch`) },
      {
        weight: 2,
        arbitrary: fc.constantFrom('NS3.Prop-Owned.com.', 'ns1.not-owned.com', 'ns.ext.zz', 'prop-owned.com', 'ns_1.prop-owned.com', 'ns1.brandguard.com', 'ns1.bücher-prop.de', 'a.ns.budgetnames.example'),
      },
      { weight: 1, arbitrary: fc.domain() },
      { weight: 1, arbitrary: nasty },
    ),
    ip: fc.oneof({ weight: 3, arbitrary: goodV4 }, { weight: 1, arbitrary: fc.ipV4() }, { weight: 1, arbitrary: fc.constantFrom('10.0.0.1', '1.2.3', '-', '', '2a05:d014::53') }, { weight: 1, arbitrary: nasty }),
    ipv6: fc.oneof({ weight: 3, arbitrary: goodV6 }, { weight: 1, arbitrary: fc.ipV6() }, { weight: 1, arbitrary: fc.constantFrom('fe80::1', '2001:db8::1', '45.76.10.10') }, { weight: 1, arbitrary: nasty }),
  },
  { requiredKeys: ['host'] },
);

forEachDatabase('contact-create and ns-create under random input', (t) => {
  it('always answer a well-formed DMAPI reply and keep registrar and registry consistent', async () => {
    const r = await t().reseller('prop');
    await giveDomain(t(), r.account.id, 'prop-owned.com');
    await giveDomain(t(), r.account.id, 'xn--bcher-prop-9db.de');
    const planted = await snapshot(t());
    const accepted = { contacts: 0, hosts: 0 };

    const check = async (name: 'contact-create' | 'ns-create', params: Record<string, string>) => {
      const before = await rowCounts(t());
      const res = await t().call(name, { 'auth-sid': r.sid, ...params });
      // parseReply throws on any header line without ": ".
      const reparsed = parseReply(res.raw);
      assert.equal(res.httpStatus, 200);
      assert.match(reparsed.get('Status-Code') ?? '', /^-?\d+$/);
      assert.ok(reparsed.get('Status-Text'));
      assert.match(reparsed.get('Tracking-Id') ?? '', /^[0-9a-f]{32}$/);
      assert.ok(!res.raw.includes('\r'));
      if (res.code === 0) {
        assert.equal(res.all('Error').length, 0);
        assert.match(res.get('Proc-ID') ?? '', /^\d+$/);
        accepted[name === 'contact-create' ? 'contacts' : 'hosts']++;
      } else {
        assert.ok(res.all('Error').length > 0, res.raw);
        assert.equal(res.get('Proc-ID'), undefined);
        assert.notEqual(res.code, 2400, `an internal error: ${res.raw}`);
        assert.deepEqual(await rowCounts(t()), before, `a refusal left rows behind: ${res.raw}`);
      }
    };

    await fc.assert(fc.asyncProperty(contactParams, (p) => check('contact-create', p)), { numRuns: 150 });
    await fc.assert(fc.asyncProperty(hostParams, (p) => check('ns-create', p)), { numRuns: 150 });
    await t().work();
    // The generators lean towards valid input, so both paths (accept and refuse) are exercised.
    assert.ok(accepted.contacts > 0 && accepted.hosts > 0, JSON.stringify(accepted));

    const db = t().app.deps.db;
    const results = await db.selectFrom('results').select(['request_type', 'status', 'object_name']).where('account_id', '=', r.account.id).execute();
    assert.ok(results.every((x) => x.status === 'ack' || x.status === 'nack'), 'every accepted request completed');
    assert.equal(results.filter((x) => x.request_type === 'contact-create').length, accepted.contacts);
    assert.equal(results.filter((x) => x.request_type === 'ns-create').length, accepted.hosts);
    const acked = (type: string) => results.filter((x) => x.request_type === type && x.status === 'ack').map((x) => x.object_name).sort();
    const contacts = (await db.selectFrom('contacts').select('handle').where('account_id', '=', r.account.id).execute()).map((c) => c.handle).sort();
    const hosts = (await db.selectFrom('hosts').select('name').where('account_id', '=', r.account.id).execute()).map((h) => h.name).sort();
    assert.deepEqual(contacts, acked('contact-create'));
    assert.deepEqual(hosts, acked('ns-create'));
    // The registry holds exactly those objects for this platform, besides what the fixtures planted.
    const now = await snapshot(t());
    assert.deepEqual(now.contacts.filter((c) => !planted.contacts.includes(c)), contacts);
    assert.deepEqual(now.hosts.filter((h) => !planted.hosts.includes(h)), hosts);
    const open = await db.selectFrom('jobs').select('id').where('status', 'in', ['queued', 'running']).execute();
    assert.equal(open.length, 0);
  });
});

async function rowCounts(t: TestApp) {
  const db = t.app.deps.db;
  const n = async (table: 'contacts' | 'hosts' | 'registry_contacts' | 'registry_hosts' | 'results' | 'jobs') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { contacts: await n('contacts'), hosts: await n('hosts'), rc: await n('registry_contacts'), rh: await n('registry_hosts'), results: await n('results'), jobs: await n('jobs') };
}

async function snapshot(t: TestApp) {
  const db = t.app.deps.db;
  const contacts = (await db.selectFrom('registry_contacts').select('handle').where('sponsor', '=', OWN_REGISTRAR).execute()).map((c) => c.handle).sort();
  const hosts = (await db.selectFrom('registry_hosts').select('name').where('sponsor', '=', OWN_REGISTRAR).execute()).map((h) => h.name).sort();
  return { contacts, hosts };
}
