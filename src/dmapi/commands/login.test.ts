import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { createApiKey } from '../../services/accounts.ts';
import { trackingIdTime } from '../../core/ids.ts';

forEachDatabase('login', (t) => {
  it('logs in with username and password and answers the recorded headers in order', async () => {
    const { app, call, clock } = t();
    await t().reseller('alice');
    const r = await call('login', { username: 'alice', password: 'secret-pw' });
    assert.equal(r.code, 0);
    assert.equal(r.get('Status-Text'), 'OK');
    assert.equal(r.get('Version'), '1.2');
    assert.equal(r.all('Error').length, 0);
    const names = r.headers.map(([n]) => n);
    for (const h of ['SvTrId', 'Tracking-Id', 'Timing', 'UID', 'User-Login', 'Auth-Sid', 'Session-Timeout', 'User-Access', 'Account-currency', 'Account-balance', 'Account-pending_amount', 'Account-rebate', 'Account-contract_date', 'Stats-number-of-domains', 'Stats-last-login', 'Stats-last-ip', 'Stats-last-error', 'Stats-last-error-ip', 'Stats-number-of-autorenew']) {
      assert.ok(names.includes(h), `missing header ${h}`);
    }
    assert.equal(r.get('User-Login'), 'alice');
    assert.equal(r.get('User-Access'), '@full');
    assert.equal(r.get('Session-Timeout'), '3600');
    assert.equal(r.get('Account-balance'), '1000.00');
    assert.match(r.get('Auth-Sid')!, /^[0-9a-f]{32}$/);
    assert.match(r.get('Tracking-Id')!, /^[0-9a-f]{32}$/);
    assert.equal(r.get('SvTrId'), r.get('Tracking-Id'));
    assert.equal(trackingIdTime(r.get('Tracking-Id')!), clock.now());
    assert.equal(r.setCookie, `dmapi-auth=${r.get('Auth-Sid')}; path=/; HttpOnly; SameSite=Strict`);
    assert.ok(r.body.endsWith('\n'));
    assert.deepEqual(r.body.trim().split('\n'), app.deps.tlds.list().map((x) => x.tld));
    assert.ok(!r.raw.includes('\r'));
    // The empty Stats values keep their space after the colon.
    assert.ok(r.raw.includes('Stats-last-error: \n'));
  });

  it('accepts the login name case-insensitively and the e-mail address as username', async () => {
    const { call } = t();
    await t().reseller('bob');
    assert.equal((await call('login', { username: 'BOB', password: 'secret-pw' })).code, 0);
    assert.equal((await call('login', { username: 'bob@example.com', password: 'secret-pw' })).code, 0);
  });

  it('reports the previous login in Stats-last-login', async () => {
    const { call, clock } = t();
    await t().reseller('carol');
    const first = clock.now();
    await call('login', { username: 'carol', password: 'secret-pw' }, { ip: '192.0.2.7' });
    clock.advance(60_000);
    const r = await call('login', { username: 'carol', password: 'secret-pw' });
    assert.equal(r.get('Stats-last-login'), new Date(first).toISOString().slice(0, 19).replace('T', ' ') + ' +0000');
    assert.equal(r.get('Stats-last-ip'), '192.0.2.7');
  });

  it('answers 2200 with an Error line for a wrong password or an unknown user', async () => {
    const { call } = t();
    await t().reseller('dave');
    for (const params of [{ username: 'dave', password: 'wrong' }, { username: 'nobody', password: 'x' }]) {
      const r = await call('login', params);
      assert.equal(r.code, 2200);
      assert.equal(r.get('Status-Text'), 'Authentication error');
      assert.equal(r.get('Error'), 'invalid username or password');
      assert.equal(r.get('Auth-Sid'), undefined);
      assert.equal(r.httpStatus, 200);
    }
    const after = await call('login', { username: 'dave', password: 'secret-pw' });
    assert.equal(after.get('Stats-last-error'), 'login failed');
  });

  it('logs in with an API key and reports its scope in User-Access', async () => {
    const { app, call, clock } = t();
    const r = await t().reseller('erin');
    for (const [scope, word] of [['full', '@full'], ['read-only', '@read-only'], ['modify-only', '@modify-only']] as const) {
      const { key } = await createApiKey(app.deps.db, r.account.id, scope, '', clock.now());
      const res = await call('login', { 'api-key': key });
      assert.equal(res.code, 0);
      assert.equal(res.get('User-Access'), word);
    }
  });

  it('answers "API key is invalid" for an unknown or revoked key', async () => {
    const { app, call, clock } = t();
    const r = await t().reseller('frank');
    const { id, key } = await createApiKey(app.deps.db, r.account.id, 'full', '', clock.now());
    await app.deps.db.updateTable('api_keys').set({ revoked_at: clock.now() }).where('id', '=', id).execute();
    for (const k of [key, 'no-such-key']) {
      const res = await call('login', { 'api-key': k });
      assert.equal(res.code, 2200);
      assert.equal(res.get('Error'), 'API key is invalid');
    }
  });

  it('names the missing credentials', async () => {
    const r = await t().call('login', { username: 'x' });
    assert.equal(r.code, 2003);
    assert.equal(r.get('Status-Text'), 'Required parameter missing');
    assert.match(r.get('Error')!, /^missing parameter 'username' and 'password', or 'api-key'$/);
  });

  it('lists handle prefixes with prefixes=1', async () => {
    const { call, app } = t();
    await t().reseller('gina');
    const r = await call('login', { username: 'gina', password: 'secret-pw', prefixes: 1 });
    assert.deepEqual(r.body.trim().split('\n'), app.deps.tlds.list().map((x) => `${x.tld}\t${x.handlePrefix}`));
  });

  it('accepts GET with the parameters in the query string, and mixed-case parameter names', async () => {
    const { call } = t();
    await t().reseller('ivan');
    const r = await call('login', { UserName: 'ivan', PassWord: 'secret-pw', 'client-ip': '1.2.3.4' }, { method: 'GET' });
    assert.equal(r.code, 0);
  });
});

forEachDatabase('login (disabled accounts)', (t) => {
  it('refuses a disabled account by password and by key, and ends its open sessions', async () => {
    const { app, call, clock } = t();
    const r = await t().reseller('dis-alice');
    const { key } = await createApiKey(app.deps.db, r.account.id, 'full', '', clock.now());
    assert.equal((await call('query-profile', { 'auth-sid': r.sid })).code, 0);
    await app.deps.db.updateTable('accounts').set({ status: 'disabled' }).where('id', '=', r.account.id).execute();
    const byPassword = await call('login', { username: 'dis-alice', password: 'secret-pw' });
    assert.equal(byPassword.code, 2200);
    assert.equal(byPassword.get('Error'), 'invalid username or password');
    assert.equal((await call('login', { 'api-key': key })).code, 2200);
    assert.equal((await call('query-profile', { 'auth-sid': r.sid })).code, -401);
    assert.equal((await call('query-profile', { 'api-key': key })).code, -401);
  });
});

forEachDatabase(
  'login (DMAPID_SESSION_TIMEOUT=120)',
  (t) => {
    it('reports the configured Session-Timeout and ends idle sessions after it', async () => {
      const { call, clock } = t();
      await t().reseller('to-bob');
      const login = await call('login', { username: 'to-bob', password: 'secret-pw' });
      assert.equal(login.get('Session-Timeout'), '120');
      const sid = login.get('Auth-Sid')!;
      clock.advance(119_000);
      assert.equal((await call('version', { 'auth-sid': sid })).code, 0);
      clock.advance(119_000);
      assert.equal((await call('version', { 'auth-sid': sid })).code, 0, 'the previous request kept it alive');
      clock.advance(121_000);
      const expired = await call('version', { 'auth-sid': sid });
      assert.equal(expired.code, -401);
      assert.equal(expired.get('Status-Text'), 'Authentication error');
    });
  },
  { sessionTimeout: 120 },
);

forEachDatabase(
  'login throttling (DMAPID_LOGIN_FAILURE_LIMIT=3)',
  (t) => {
    const login = (username: string, password: string, ip: string) => t().call('login', { username, password }, { ip });

    it('checks at most the limit of wrong passwords, also when they arrive in parallel', async () => {
      await t().reseller('par-alice');
      const burst = await Promise.all(Array.from({ length: 12 }, () => login('par-alice', 'wrong', '198.51.100.1')));
      const checked = burst.filter((r) => r.code === 2200).length;
      assert.equal(checked + burst.filter((r) => r.code === 2502).length, 12, `codes ${burst.map((r) => r.code)}`);
      assert.ok(checked <= 3, `${checked} passwords checked in parallel`);
      // However the burst was split, exactly three passwords get checked in the window.
      const after = [];
      for (let i = 0; i < 5; i++) after.push((await login('par-alice', 'wrong', '198.51.100.1')).code);
      assert.equal(checked + after.filter((c) => c === 2200).length, 3, `burst ${checked}, then ${after}`);
      assert.equal((await login('par-alice', 'secret-pw', '198.51.100.1')).code, 2502, 'the right password is blocked too');
    });

    it('counts the login name and the e-mail alias as one account, and says when to retry', async () => {
      const { clock } = t();
      await t().reseller('alias-bob');
      assert.equal((await login('alias-bob', 'wrong', '198.51.100.2')).code, 2200);
      assert.equal((await login('alias-bob@example.com', 'wrong', '198.51.100.2')).code, 2200);
      clock.advance(5 * 60_000);
      assert.equal((await login('ALIAS-BOB', 'wrong', '198.51.100.2')).code, 2200);
      for (const name of ['alias-bob', 'alias-bob@example.com']) {
        const r = await login(name, 'secret-pw', '198.51.100.2');
        assert.equal(r.code, 2502, name);
        assert.equal(r.get('Status-Text'), 'Session limit exceeded');
        // The first two failures age out 10 minutes from now.
        assert.equal(r.get('Error'), 'too many failed logins for this account from this address; try again in 10 minutes');
      }
      clock.advance(10 * 60_000 + 1);
      assert.equal((await login('alias-bob@example.com', 'secret-pw', '198.51.100.2')).code, 0);
    });

    it('blocks per account and address first: the owner still logs in from elsewhere, until ten times the limit', async () => {
      await t().reseller('wide-carol');
      for (let i = 0; i < 3; i++) assert.equal((await login('wide-carol', 'wrong', '203.0.113.1')).code, 2200);
      assert.equal((await login('wide-carol', 'secret-pw', '203.0.113.1')).code, 2502);
      assert.equal((await login('wide-carol', 'secret-pw', '203.0.113.99')).code, 0, 'another address is not blocked');
      // 30 failures (10 × 3) from ten addresses block the account everywhere.
      for (let a = 2; a <= 10; a++) for (let i = 0; i < 3; i++) await login('wide-carol', 'wrong', `203.0.113.${a}`);
      const everywhere = await login('wide-carol', 'secret-pw', '203.0.113.200');
      assert.equal(everywhere.code, 2502);
      assert.match(everywhere.get('Error')!, /^too many failed logins for this account; try again in \d+ minutes?$/);
    });

    it('treats an unknown name like an existing one', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await login('nobody-here', 'x', '192.0.2.50')).code, 2200);
      const r = await login('nobody-here', 'x', '192.0.2.50');
      assert.equal(r.code, 2502);
      assert.equal(r.get('Error'), 'too many failed logins for this account from this address; try again in 15 minutes');
    });

    it('counts wrong API keys on every request per address, and then refuses even a valid key from there', async () => {
      const { app, call, clock } = t();
      const dave = await t().reseller('key-dave');
      const { key } = await createApiKey(app.deps.db, dave.account.id, 'full', '', clock.now());
      // 5 × 3 = 15 wrong keys from one address, on login and on ordinary requests alike.
      for (let i = 0; i < 15; i++) {
        const r = i % 2 ? await call('query-profile', { 'api-key': `bad-${i}` }, { ip: '192.0.2.77' }) : await call('login', { 'api-key': `bad-${i}` }, { ip: '192.0.2.77' });
        assert.notEqual(r.code, 2502, `attempt ${i} was blocked early`);
      }
      for (const r of [await call('query-profile', { 'api-key': key }, { ip: '192.0.2.77' }), await call('login', { 'api-key': key }, { ip: '192.0.2.77' })]) {
        assert.equal(r.code, 2502);
        assert.equal(r.get('Error'), 'too many failed logins from this address; try again in 15 minutes');
      }
      assert.equal((await call('query-profile', { 'api-key': key }, { ip: '192.0.2.78' })).code, 0);
      // A password login from the blocked address is refused as well.
      assert.equal((await login('key-dave', 'secret-pw', '192.0.2.77')).code, 2502);
    });

    it('counts an IPv6 client by its /64', async () => {
      await t().reseller('v6-erin');
      for (let i = 1; i <= 3; i++) await login('v6-erin', 'wrong', `2001:db8:1:2::${i}`);
      assert.equal((await login('v6-erin', 'secret-pw', '2001:db8:1:2::ff')).code, 2502);
      assert.equal((await login('v6-erin', 'secret-pw', '2001:db8:1:3::1')).code, 0);
    });

    it('takes as long for an unknown user as for a wrong password', async () => {
      await t().reseller('time-fay');
      const time = async (username: string, i: number) => {
        const started = process.hrtime.bigint();
        await login(username, 'wrong', `198.18.${i}.1`);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 12; i++) {
        known.push(await time('time-fay', i));
        unknown.push(await time(`nobody-${i}`, 100 + i));
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
      // Without the dummy hash an unknown user answered about 10 times faster (no argon2 at all).
      assert.ok(median(unknown) > median(known) * 0.5, `unknown ${median(unknown).toFixed(2)} ms vs wrong password ${median(known).toFixed(2)} ms`);
    });
  },
  { loginFailureLimit: 3 },
);
