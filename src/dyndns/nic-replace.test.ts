import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { addDomain, notifyJobs } from '../../test/helpers/zones.ts';
import { createZoneSource } from '../zone/zone-source.ts';
import { replaceTxt } from './nic-replace.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Sends /nic/replace as lego does (POST form), or as GET with the parameters in the query (repeats kept). */
async function replace(t: TestApp, params: Array<[string, string]>, o: { method?: 'GET' | 'POST'; auth?: string; ip?: string } = {}) {
  const qs = new URLSearchParams(params).toString();
  const post = (o.method ?? 'POST') === 'POST';
  const res = await t.app.http.inject({
    method: post ? 'POST' : 'GET',
    url: post ? '/nic/replace' : `/nic/replace?${qs}`,
    headers: { host: 'svc.joker.com', ...(o.auth ? { authorization: o.auth } : {}), ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(post ? { payload: qs } : {}),
    remoteAddress: o.ip ?? '127.0.0.1',
  });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}

forEachDatabase('SVC TXT API /nic/replace', (t) => {
  let n = 0;
  /** A reseller with a hosted zone whose DynDNS is on (user `svc<n>`, password `pw-<n>`). */
  async function setup(zone: string, enabled = true) {
    n++;
    const r = await t().reseller(`svc-${n}`);
    const domain = `svc${n}.com`;
    await addDomain(t(), r.account.id, domain);
    const put = await t().call('dns-zone-put', { 'auth-sid': r.sid, domain, zone: `$dyndns=${enabled ? 'yes' : 'no'}:svc${n}:pw-${n}\n${zone}` });
    assert.equal(put.code, 0, put.raw);
    const creds: Array<[string, string]> = [['username', `svc${n}`], ['password', `pw-${n}`]];
    return { r, domain, creds, user: `svc${n}`, password: `pw-${n}` };
  }
  const zoneLines = async (sid: string, domain: string) => (await t().call('dns-zone-get', { 'auth-sid': sid, domain })).body.trimEnd().split('\n').slice(2);
  const served = async (name: string) => {
    const snap = (await createZoneSource(t().app.deps).findZone(name))!;
    return snap.records.filter((x) => x.name === name && x.data.type === 'TXT').map((x) => (x.data as { type: 'TXT'; strings: string[] }).strings.join(''));
  };

  it('replaces every TXT record at the label with the given values, at once over DNS, leaving the rest', async () => {
    const s = await setup('www A 0 192.0.2.1 300\n_acme-challenge TXT 0 "old-1" 300\n@ TXT 0 "v=spf1 -all" 3600\n_acme-challenge TXT 0 "old-2" 300');
    const jobs = (await notifyJobs(t())).length;
    const res = await replace(t(), [...s.creds, ['zone', s.domain], ['label', '_acme-challenge'], ['type', 'TXT'], ['value', 'token-a'], ['value', 'token-b']]);
    assert.equal(res.status, 200);
    assert.match(res.body, /^OK/);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.deepEqual(await zoneLines(s.r.sid, s.domain), ['www A 0 192.0.2.1 300', '_acme-challenge TXT 0  "token-a " 60', '_acme-challenge TXT 0  "token-b " 60', '@ TXT 0  "v=spf1 -all " 3600']);
    assert.deepEqual((await served(`_acme-challenge.${s.domain}`)).sort(), ['token-a', 'token-b']);
    assert.equal((await notifyJobs(t())).length, jobs + 1, 'one serial bump and NOTIFY');

    // One value, as lego sends it (no ttl given: 60; ttl=…: that).
    assert.match((await replace(t(), [...s.creds, ['zone', s.domain], ['label', '_acme-challenge'], ['type', 'TXT'], ['value', 'token-c'], ['ttl', '120']])).body, /^OK/);
    assert.deepEqual(await served(`_acme-challenge.${s.domain}`), ['token-c']);
    assert.ok((await zoneLines(s.r.sid, s.domain)).includes('_acme-challenge TXT 0  "token-c " 120'));

    // Empty value (lego's CleanUp): the records go; the same again changes nothing and is still OK.
    assert.match((await replace(t(), [...s.creds, ['zone', s.domain], ['label', '_acme-challenge'], ['type', 'TXT'], ['value', '']])).body, /^OK/);
    assert.deepEqual(await zoneLines(s.r.sid, s.domain), ['www A 0 192.0.2.1 300', '@ TXT 0  "v=spf1 -all " 3600']);
    const quiet = (await notifyJobs(t())).length;
    assert.equal((await replace(t(), [...s.creds, ['zone', s.domain], ['label', '_acme-challenge'], ['value', '']], { method: 'GET' })).status, 200);
    assert.equal((await notifyJobs(t())).length, quiet, 'no change, no serial bump');
  });

  it('takes GET with repeated values, basic auth, the apex (`@` or no label) and a zone written with a trailing dot', async () => {
    const s = await setup('@ TXT 0 "keep-me-not" 300');
    assert.equal((await replace(t(), [['zone', `${s.domain}.`], ['value', 'x1'], ['value', 'x2'], ['value', 'x1']], { method: 'GET', auth: basic(s.user, s.password) })).status, 200);
    assert.deepEqual(await zoneLines(s.r.sid, s.domain), ['@ TXT 0  "x1 " 60', '@ TXT 0  "x2 " 60']);
    assert.equal((await replace(t(), [...s.creds, ['zone', s.domain.toUpperCase()], ['label', '@'], ['value', 'y']])).status, 200);
    assert.deepEqual(await served(s.domain), ['y']);
  });

  it('answers 401 badauth for wrong or missing credentials and DynDNS off, 404 for a zone not hosted, never OK; acme.sh’s parent probing finds the zone', async () => {
    const s = await setup('www A 0 192.0.2.1 300');
    const off = await setup('www A 0 192.0.2.1 300', false);
    const ip = '198.51.100.40';
    const probe = (zone: string, creds = s.creds) => replace(t(), [...creds, ['zone', zone], ['label', 'jokerTXTUpdateTest'], ['type', 'TXT'], ['value', '']], { ip });
    const wrong = await replace(t(), [['username', s.user], ['password', 'nope'], ['zone', s.domain], ['label', 'x'], ['value', 'v']], { ip });
    assert.deepEqual([wrong.status, wrong.body], [401, 'badauth']);
    assert.equal(wrong.headers['www-authenticate'], 'Basic realm="dmapid DynDNS"');
    assert.deepEqual([(await replace(t(), [['zone', s.domain], ['value', 'v']], { ip })).status], [401]);
    assert.deepEqual([(await probe(off.domain, off.creds)).status], [401], 'DynDNS off: the credentials open nothing');
    assert.deepEqual([(await probe(off.domain)).status], [401], "another zone's credentials open nothing");
    // acme.sh: _acme-challenge.www.<zone> → tries www.<zone>, then <zone>, until a reply starts with OK.
    const parent = await probe(`www.${s.domain}`);
    assert.deepEqual([parent.status, parent.body], [404, 'nozone']);
    assert.doesNotMatch(parent.body, /^OK/);
    assert.match((await probe(s.domain)).body, /^OK/);
    assert.deepEqual(await zoneLines(s.r.sid, s.domain), ['www A 0 192.0.2.1 300'], 'the probe with an empty value wrote nothing');
    // The three wrong credentials were counted against the address; none given and a missing zone were not.
    const failures = await t().app.deps.db.selectFrom('login_failures').select('key').where('key', 'like', 'dyndns:%').execute();
    assert.equal(failures.filter((f) => f.key === `dyndns:${ip}`).length, 3);
  });

  it('refuses what the zone cannot take with 400 and a reason, changing nothing', async () => {
    const s = await setup('alias CNAME 0 www.example.net 300\nwww A 0 192.0.2.1 300');
    const before = await zoneLines(s.r.sid, s.domain);
    const bad = async (extra: Array<[string, string]>, reason: RegExp) => {
      const res = await replace(t(), [...s.creds, ['zone', s.domain], ...extra]);
      assert.equal(res.status, 400, res.body);
      assert.match(res.body, reason);
    };
    await bad([['label', 'alias'], ['value', 'v']], /a CNAME cannot share its name/);
    await bad([['label', 'x'], ['type', 'A'], ['value', '192.0.2.9']], /^type A is not supported \(only TXT\)$/);
    await bad([['label', 'x'], ['value', 'v'], ['ttl', '5']], /^ttl must be a whole number from 60/);
    await bad([['label', 'x'], ['value', 'v'], ['ttl', 'soon']], /^ttl must be/);
    await bad([['label', 'bad label!'], ['value', 'v']], /line \d+/);
    await bad([['label', 'x'], ['value', 'a'.repeat(4001)]], /longer than 4000/);
    await bad([['label', 'x'], ...Array.from({ length: 21 }, (_, i): [string, string] => ['value', `v${i}`])], /^at most 20 values$/);
    const missing = await replace(t(), [...s.creds, ['label', 'x'], ['value', 'v']]);
    assert.deepEqual([missing.status, missing.body], [400, 'missing parameter zone (the hosted domain)']);
    assert.deepEqual(await zoneLines(s.r.sid, s.domain), before);
  });

  it('answers 429 abuse to an address after too many wrong credentials, until the window passes', async () => {
    const s = await setup('www A 0 192.0.2.1 300');
    const ip = '198.51.100.77';
    const ok = () => replace(t(), [...s.creds, ['zone', s.domain], ['label', 'l'], ['value', 'v']], { ip });
    for (let i = 0; i < 10; i++) assert.equal((await replace(t(), [['username', s.user], ['password', `bad-${i}`], ['zone', s.domain], ['value', 'v']], { ip })).status, 401);
    assert.deepEqual(await ok().then((r) => [r.status, r.body]), [429, 'abuse']);
    t().clock.advance(15 * 60_000 + 1);
    assert.equal((await ok()).status, 200);
  });
});

it('replaceTxt keeps the other records and their order, puts the new set where the old one was, and drops duplicates', () => {
  const base = { ttl: 300, validFrom: 0, validTo: 0 };
  const records = [
    { ...base, label: 'a', type: 'A' as const, address: '192.0.2.1' },
    { ...base, label: '_ACME-challenge', type: 'TXT' as const, text: 'old' },
    { ...base, label: 'b', type: 'A' as const, address: '192.0.2.2' },
  ];
  const out = replaceTxt(records, 'example.com', '_acme-challenge', ['n1', 'n2', 'n1'], 60, []);
  assert.ok(!('error' in out));
  assert.deepEqual(out.records.map((r) => `${r.label} ${r.type} ${'text' in r ? r.text : ''}`), ['a A ', '_acme-challenge TXT n1', '_acme-challenge TXT n2', 'b A ']);
  assert.equal(out.changed, true);
  const same = replaceTxt(records, 'example.com', '_ACME-challenge', ['old'], 300, []);
  assert.ok(!('error' in same) && !same.changed);
});
