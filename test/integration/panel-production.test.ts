import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../helpers/harness.ts';
import { csrfToken } from '../../src/web/panel/panel-routes.ts';

/** With DMAPID_SANDBOX=off the integrators' pages do not exist, and the navigation does not offer them. */
forEachDatabase(
  'web console without the sandbox',
  (t) => {
    it('answers 404 for the sandbox pages and leaves them out of the navigation', async () => {
      const r = await t().reseller('prod-alice');
      const login = await t().app.http.inject({ method: 'POST', url: '/panel/login', payload: 'username=prod-alice&password=secret-pw', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(login.statusCode, 303);
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      const sid = cookie.split('=')[1]!;
      for (const url of ['/panel/sandbox/registry', '/panel/sandbox/mail', '/panel/sandbox/mail/1', '/panel/sandbox/clock']) {
        assert.equal((await t().app.http.inject({ url, headers: { cookie } })).statusCode, 404, url);
      }
      const planted = await t().app.http.inject({ method: 'POST', url: '/panel/sandbox/registry/domains', payload: `csrf=${csrfToken(sid)}&name=prod-x.com&registrar=sim-budgetnames`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(planted.statusCode, 404);
      const home = await t().app.http.inject({ url: '/panel/', headers: { cookie } });
      assert.equal(home.statusCode, 200);
      assert.doesNotMatch(home.body, /Sandbox/);
      assert.match(home.body, /href="\/panel\/contacts"/, 'the reseller pages are there');
      assert.ok(r.account.id > 0);
    });
  },
  { sandbox: false },
);
