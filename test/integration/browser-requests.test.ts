import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, toTestReply } from '../helpers/harness.ts';

const CROSS_SITE = 'a request from another site cannot change anything with the session cookie alone (pass auth-sid)';

forEachDatabase('browsers and the session cookie', (t) => {
  let sid = '';
  before(async () => {
    sid = (await t().reseller('br-alice')).sid;
  });

  /** A request as a browser holding the dmapi-auth cookie sends it; `headers` are what the browser adds. */
  const browser = async (url: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET') => {
    const res = await t().app.http.inject({ method, url, headers: { host: 'dmapi.test', cookie: `dmapi-auth=${sid}`, ...headers }, remoteAddress: '127.0.0.1' });
    return toTestReply(res.body, res.statusCode, res.headers['set-cookie']);
  };

  it('sets the cookie HttpOnly and SameSite=Strict after the recorded `dmapi-auth=<id>; path=/`, without Secure on http', async () => {
    const login = await t().call('login', { username: 'br-alice', password: 'secret-pw' });
    assert.equal(login.setCookie, `dmapi-auth=${login.get('Auth-Sid')}; path=/; HttpOnly; SameSite=Strict`);
  });

  it('refuses a change vouched for by the cookie alone when the browser says it comes from another site, and only then', async () => {
    const refusals: Array<[string, Record<string, string>]> = [
      ['/request/dns-zone-put', { 'sec-fetch-site': 'cross-site' }],
      ['/request/dns-zone-put', { 'sec-fetch-site': 'same-site' }],
      ['/request/dns-zone-put', { origin: 'https://attacker.example' }],
      ['/request/dns-zone-put', { origin: 'null' }],
      ['/request/dns-zone-put', { origin: 'http://dmapi.test.attacker.example', 'sec-fetch-site': 'same-origin' }],
      ['/request/domain-register?domain=x.com', { 'sec-fetch-site': 'cross-site' }],
      ['/request/contact-delete', { 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [url, headers] of refusals) {
      for (const method of ['GET', 'POST'] as const) {
        const r = await browser(url, headers, method);
        assert.equal(r.code, 2201, `${method} ${url} ${JSON.stringify(headers)}`);
        assert.deepEqual(r.all('Error'), [CROSS_SITE]);
      }
    }
    // From this site, with auth-sid, without browser headers, or only reading: let through. Past
    // the check, dns-zone-put without parameters fails on its parameters (2003), not with 2201.
    const through: Array<[string, Record<string, string>]> = [
      ['/request/dns-zone-put', { 'sec-fetch-site': 'same-origin' }],
      ['/request/dns-zone-put', { 'sec-fetch-site': 'none' }],
      ['/request/dns-zone-put', { origin: 'http://dmapi.test' }],
      ['/request/dns-zone-put', { origin: 'http://127.0.0.1:8080', host: '10.0.0.5:8080' }], // the public URL, behind a proxy
      ['/request/dns-zone-put', {}],
      [`/request/dns-zone-put?auth-sid=${sid}`, { 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [url, headers] of through) {
      const r = await browser(url, headers);
      assert.equal(r.code, 2003, `${url} ${JSON.stringify(headers)}: ${r.raw}`);
    }
    const read = await browser('/request/query-profile', { 'sec-fetch-site': 'cross-site', origin: 'https://attacker.example' });
    assert.equal(read.code, 0);
    // A read request's changing action is a change too (domain-transfer-control cancel); its listing is not.
    const cancel = await browser('/request/domain-transfer-control?action=cancel&domain=x.com', { 'sec-fetch-site': 'cross-site' });
    assert.deepEqual([cancel.code, cancel.all('Error')], [2201, [CROSS_SITE]]);
    assert.equal((await browser('/request/domain-transfer-control?action=list', { 'sec-fetch-site': 'cross-site' })).code, 0);
  });

  it('does not count an api-key parameter next to the cookie: the cookie is what authenticates then', async () => {
    const r = await browser('/request/dns-zone-put?api-key=guess', { 'sec-fetch-site': 'cross-site' });
    assert.equal(r.code, 2201);
    assert.deepEqual(r.all('Error'), [CROSS_SITE]);
  });
});

forEachDatabase(
  'the session cookie behind https',
  (t) => {
    it('is Secure when the public URL is https', async () => {
      await t().reseller('br-bob');
      const login = await t().call('login', { username: 'br-bob', password: 'secret-pw' });
      assert.equal(login.setCookie, `dmapi-auth=${login.get('Auth-Sid')}; path=/; HttpOnly; SameSite=Strict; Secure`);
    });
  },
  { publicUrl: 'https://dmapi.example.test' },
);
