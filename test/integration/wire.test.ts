import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { forEachDatabase, withCommands, type TestApp } from '../helpers/harness.ts';
import { assertWellFormed } from '../helpers/wire.ts';
import { createApiKey } from '../../src/services/accounts.ts';
import { insertResult, testCharge } from '../helpers/test-commands.ts';
import { commands } from '../../src/dmapi/commands/index.ts';
import { BODY_LIMIT } from '../../src/dmapi/http.ts';
import { HOUR } from '../../src/core/clock.ts';
import { addDomain } from '../helpers/zones.ts';

/** Sends a raw request and checks the HTTP envelope every DMAPI answer shares. */
async function send(t: TestApp, options: InjectOptions) {
  const res = await t.app.http.inject({ remoteAddress: '127.0.0.1', ...options });
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.match(String(res.headers['server']), /^DMAPI\/1\.2\.53 /);
  const reply = assertWellFormed(res.body, t.clock.now());
  // A dead session is HTTP 401 with the usual body (RPANEL drops its session only then); all else is 200.
  const dead = reply.get('Status-Code') === '-401';
  assert.equal(res.statusCode, dead ? 401 : 200, `HTTP ${res.statusCode} for ${options.method} ${options.url}`);
  assert.equal(res.headers['www-authenticate'], dead ? 'DMAPI realm="dmapid"' : undefined);
  // The HTTP Date is the instant of the Tracking-Id's FILETIME (the test clock), as recorded live.
  assert.equal(res.headers['date'], new Date(t.clock.now()).toUTCString());
  assert.equal(res.headers['last-modified'], res.headers['date']);
  const cookie = res.headers['set-cookie'];
  return Object.assign(reply, { raw: res.body, setCookie: Array.isArray(cookie) ? cookie[0] : cookie });
}

const form = (p: Record<string, string>) => new URLSearchParams(p).toString();
const post = (name: string, body: string, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url: `/request/${name}`,
  payload: body,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
});

function multipart(fields: Record<string, string>, boundary = '----dmapid-test-boundary'): { body: string; type: string } {
  let body = '';
  for (const [k, v] of Object.entries(fields)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  return { body: `${body}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

forEachDatabase('DMAPI wire format', (t) => {
  it('formats a success exactly: headers, one blank line, body; no Error line', async () => {
    const r = await t().reseller('w-alice');
    const res = await send(t(), post('query-account-balance', form({ 'auth-sid': r.sid })));
    assert.equal(res.code, 0);
    assert.equal(res.get('Status-Text'), 'Command completed successfully');
    assert.equal(res.get('Version'), '1.2.53');
    const tid = res.get('Tracking-Id')!;
    assert.equal(
      res.raw,
      `Status-Code: 0\nStatus-Text: Command completed successfully\nSvTrId: ${tid}\nTracking-Id: ${tid}\nVersion: 1.2.53\nAccount-Balance: 1000.00\n` +
        `Columns: available,pending,total,currency\nSeparator: TAB\n\n1000.00\t0.00\t1000.00\tUSD\n`,
    );
  });

  it('answers OK for login and logout, with the session cookie', async () => {
    await t().reseller('w-bob');
    const login = await send(t(), post('login', form({ username: 'w-bob', password: 'secret-pw' })));
    assert.equal(login.get('Status-Text'), 'OK');
    assert.equal(login.get('Version'), '1.2');
    const sid = login.get('Auth-Sid')!;
    assert.equal(login.setCookie, `dmapi-auth=${sid}; path=/; HttpOnly; SameSite=Strict`);
    const profile = await send(t(), post('query-profile', form({ 'auth-sid': sid })));
    assert.equal(profile.setCookie, `dmapi-auth=${sid}; path=/; HttpOnly; SameSite=Strict`);
    const logout = await send(t(), post('logout', form({ 'auth-sid': sid })));
    assert.equal(logout.code, 0);
    assert.equal(logout.get('Status-Text'), 'OK');
    assert.equal(logout.body, '');
  });

  it('formats failures with Status-Text and Error lines, never code 0, at HTTP 200', async () => {
    const cases: Array<[InjectOptions, number, string]> = [
      [post('no-such-request', ''), 2000, 'Unknown command'],
      [post('query-profile', ''), -401, 'Authentication error'],
      [post('login', form({ username: 'nobody', password: 'x' })), 2200, 'Authentication error'],
      [post('login', form({ username: 'nobody' })), 2003, 'Required parameter missing'],
    ];
    for (const [req, code, text] of cases) {
      const res = await send(t(), req);
      assert.equal(res.code, code, String(req.url));
      assert.equal(res.get('Status-Text'), text);
      assert.ok(res.all('Error').length >= 1);
      assert.equal(res.body, '');
      assert.equal(res.setCookie, undefined);
    }
  });

  it('puts the FILETIME of the clock at the front of every Tracking-Id, also after the clock moved', async () => {
    const { clock } = t();
    await send(t(), post('version', ''));
    clock.advance(123_456_789);
    const res = await send(t(), post('version', ''));
    assert.notEqual(res.get('Tracking-Id'), undefined);
    // `send` compares the decoded FILETIME with clock.now(); two replies never share an id.
    const again = await send(t(), post('version', ''));
    assert.notEqual(again.get('Tracking-Id'), res.get('Tracking-Id'));
  });

  it('answers unknown requests with 2000 naming them', async () => {
    const res = await send(t(), { method: 'GET', url: '/request/domain-frobnicate?x=1' });
    assert.equal(res.code, 2000);
    assert.deepEqual(res.all('Error'), ["unknown request 'domain-frobnicate'"]);
    const empty = await send(t(), { method: 'GET', url: '/request/' });
    assert.equal(empty.code, 2000);
  });

  it('takes request and parameter names in any case and ignores unknown extra parameters', async () => {
    const r = await t().reseller('w-carol');
    for (const name of ['QUERY-PROFILE', 'Query-Profile', 'query-profile']) {
      const res = await send(t(), post(name, form({ 'AUTH-SID': r.sid, 'client-ip': '203.0.113.9', Engine: 'WHMCS8.1', internal: '1', showpending: '1' }) + '&'));
      assert.equal(res.code, 0, name);
    }
    const mixed = await send(t(), { method: 'GET', url: `/request/Result-List?Auth-Sid=${r.sid}&Count-Only=1&Engine=x&` });
    assert.equal(mixed.code, 0);
    assert.equal(mixed.body, 'Records: 0\n');
  });

  it('accepts GET query, urlencoded POST and multipart/form-data POST alike', async () => {
    await t().reseller('w-dan');
    const creds = { username: 'w-dan', password: 'secret-pw' };
    const get = await send(t(), { method: 'GET', url: `/request/login?${form(creds)}` });
    const urlencoded = await send(t(), post('login', form(creds)));
    const mp = multipart({ ...creds, 'client-ip': '198.51.100.3' });
    const multi = await send(t(), { method: 'POST', url: '/request/login', payload: mp.body, headers: { 'content-type': mp.type } });
    for (const res of [get, urlencoded, multi]) {
      assert.equal(res.code, 0);
      assert.equal(res.get('User-Login'), 'w-dan');
    }
    // Parameters in the query string of a POST count too; one given in both must say the same in both.
    const both = await send(t(), { ...post('login', form({ password: 'secret-pw' })), url: `/request/login?username=w-dan&password=secret-pw` });
    assert.equal(both.code, 0);
    // A POST without a content type is still read as a form.
    const bare = await send(t(), { method: 'POST', url: '/request/login', payload: form(creds) });
    assert.equal(bare.code, 0);
  });

  it('accepts a 4 MiB body; a body over the limit and a malformed multipart body get a DMAPI error', async () => {
    await t().reseller('w-erin');
    const big = form({ username: 'w-erin', password: 'secret-pw', zone: 'x'.repeat(4 * 1024 * 1024) });
    assert.ok(big.length > 4 * 1024 * 1024);
    assert.equal((await send(t(), post('login', big))).code, 0);
    const mp = multipart({ username: 'w-erin', password: 'secret-pw', zone: 'y'.repeat(4 * 1024 * 1024) });
    assert.equal((await send(t(), { method: 'POST', url: '/request/login', payload: mp.body, headers: { 'content-type': mp.type } })).code, 0);

    const tooBig = await send(t(), post('login', 'zone=' + 'z'.repeat(BODY_LIMIT)));
    assert.equal(tooBig.code, 2400);
    assert.equal(tooBig.get('Status-Text'), 'Command failed');
    assert.deepEqual(tooBig.all('Error'), [`request body larger than ${BODY_LIMIT} bytes`]);

    const broken = await send(t(), { method: 'POST', url: '/request/login', payload: '--nope\r\nthis is not multipart', headers: { 'content-type': 'multipart/form-data; boundary=other' } });
    assert.equal(broken.code, 2400);
    assert.deepEqual(broken.all('Error'), ['malformed multipart/form-data body']);
    const noBoundary = await send(t(), { method: 'POST', url: '/request/login', payload: 'a=b', headers: { 'content-type': 'multipart/form-data' } });
    assert.equal(noBoundary.code, 2400);
    const badJson = await send(t(), { method: 'POST', url: '/request/login', payload: '{"username":', headers: { 'content-type': 'application/json' } });
    assert.equal(badJson.code, 2400);
  });

  it('refuses NUL and other control characters in parameters with 2005 on both databases, and keeps header values on one clean line', async () => {
    const r = await t().reseller('w-nul');
    const cases: Array<[string, Record<string, string>, string]> = [
      ['login', { username: 'a\0b', password: 'x' }, "invalid 'username' (must not contain control characters such as line breaks or tabs)"],
      ['query-domain-list', { 'auth-sid': r.sid, pattern: '\0' }, "invalid 'pattern' (must not contain control characters such as line breaks or tabs)"],
      ['result-delete', { 'auth-sid': r.sid, svtrid: 'x', cltrid: 'c\0' }, "invalid 'cltrid' (must not contain control characters such as line breaks or tabs)"],
      ['dns-zone-put', { 'auth-sid': r.sid, domain: 'x.com', zone: 'www A 0 192.0.2.1 3600\0' }, "invalid 'zone' (must not contain control characters other than line breaks and tabs)"],
    ];
    for (const [name, params, error] of cases) {
      const res = await send(t(), post(name, form(params)));
      assert.equal(res.code, 2005, name);
      assert.deepEqual(res.all('Error'), [error]);
    }
    const echoed = await send(t(), { method: 'GET', url: '/request/bad%00name%0D%0AStatus-Code:%200%1B' });
    assert.equal(echoed.code, 2000);
    assert.deepEqual(echoed.all('Error'), ["unknown request 'bad name Status-Code: 0 '"]);
    assert.equal(echoed.all('Status-Code').length, 1);
  });

  it('uses an explicit auth-sid before the cookie, and the cookie alone when there is none', async () => {
    const a = await t().reseller('w-frank');
    const b = await t().reseller('w-gina');
    const uid = (res: { body: string }) => /^customer-id: (\d+)$/m.exec(res.body)?.[1];
    const cookie = { cookie: `dmapi-auth=${a.sid}` };
    assert.equal(uid(await send(t(), post('query-profile', '', cookie))), String(a.account.id));
    const explicit = await send(t(), post('query-profile', form({ 'auth-sid': b.sid }), cookie));
    assert.equal(uid(explicit), String(b.account.id));
    assert.equal(explicit.setCookie, `dmapi-auth=${b.sid}; path=/; HttpOnly; SameSite=Strict`);
    // An explicit but dead auth-sid is not rescued by a live cookie.
    assert.equal((await send(t(), post('query-profile', form({ 'auth-sid': 'f'.repeat(32) }), cookie))).code, -401);
    // A cookie that is not valid percent-encoding is just an unknown session.
    assert.equal((await send(t(), post('query-profile', '', { cookie: 'dmapi-auth=%E0%A4%A' }))).code, -401);
    // Other cookies around it do not matter.
    assert.equal((await send(t(), post('query-profile', '', { cookie: `theme=dark; dmapi-auth=${a.sid}; lang=en` }))).code, 0);
  });

  it('accepts api-key on any request instead of a session (JAPI), and refuses a bad key with -401', async () => {
    const { app, clock } = t();
    const r = await t().reseller('w-hank');
    const { key } = await createApiKey(app.deps.db, r.account.id, 'full', 'japi', clock.now());
    const ok = await send(t(), post('query-profile', form({ 'api-key': key })));
    assert.equal(ok.code, 0);
    assert.equal(ok.setCookie, undefined, 'no session, no cookie');
    const bad = await send(t(), post('query-profile', form({ 'api-key': 'not-a-key' })));
    assert.equal(bad.code, -401);
    assert.equal(bad.get('Status-Text'), 'Authentication error');
    assert.deepEqual(bad.all('Error'), ['API key is invalid']);
    // The key's scope applies: a read-only key cannot modify.
    const ro = await createApiKey(app.deps.db, r.account.id, 'read-only', 'japi-ro', clock.now());
    assert.equal((await send(t(), post('result-delete', form({ 'api-key': ro.key, 'proc-id': '1' })))).code, 2201);
  });

  it('expires a session after the configured inactivity, and keeps a used one alive', async () => {
    const { clock, app } = t();
    const timeout = app.deps.config.sessionTimeout * 1000;
    assert.equal(timeout, HOUR);
    const r = await t().reseller('w-ivan');
    const idle = await r.session('full');
    // Used every 50 minutes, a session outlives several timeouts.
    for (let i = 0; i < 3; i++) {
      clock.advance(timeout - 10 * 60_000);
      assert.equal((await send(t(), post('version', form({ 'auth-sid': r.sid })))).code, 0, `round ${i}`);
    }
    const expired = await send(t(), post('version', form({ 'auth-sid': idle })));
    assert.equal(expired.code, -401);
    assert.equal(expired.get('Status-Text'), 'Authentication error');
    assert.deepEqual(expired.all('Error'), ['session expired or invalid; please log in again']);
    clock.advance(timeout + 1000);
    assert.equal((await send(t(), post('version', form({ 'auth-sid': r.sid })))).code, -401);
  });

  it("kills a key's sessions when the key is revoked, and only those", async () => {
    const { app, clock } = t();
    const r = await t().reseller('w-judy');
    const { id, key } = await createApiKey(app.deps.db, r.account.id, 'full', 'to revoke', clock.now());
    const login = await send(t(), post('login', form({ 'api-key': key })));
    const sid = login.get('Auth-Sid')!;
    assert.equal((await send(t(), post('version', form({ 'auth-sid': sid })))).code, 0);
    await app.deps.db.updateTable('api_keys').set({ revoked_at: clock.now() }).where('id', '=', id).execute();
    assert.equal((await send(t(), post('version', form({ 'auth-sid': sid })))).code, -401);
    assert.equal((await send(t(), post('version', form({ 'auth-sid': r.sid })))).code, 0);
  });

  it('gives every modifying request a Proc-ID that grows by one, and none to reads or refusals', async () => {
    const { app, clock } = t();
    const r = await t().reseller('w-karl');
    const target = await insertResult(app.deps.db, { accountId: r.account.id, at: clock.now() });
    const read = await send(t(), post('result-list', form({ 'auth-sid': r.sid })));
    assert.equal(read.get('Proc-ID'), undefined);
    const refused = await send(t(), post('result-delete', form({ 'auth-sid': r.sid, 'proc-id': '999999999' })));
    assert.equal(refused.code, 2303);
    assert.equal(refused.get('Proc-ID'), undefined);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      // Deleting the same result again is harmless: a modifying request that always succeeds.
      const res = await send(t(), post('result-delete', form({ 'auth-sid': r.sid, 'proc-id': String(target.procId) })));
      assert.equal(res.code, 0);
      assert.match(res.get('Proc-ID')!, /^\d+$/);
      ids.push(Number(res.get('Proc-ID')));
    }
    assert.deepEqual(ids, [ids[0]!, ids[0]! + 1, ids[0]! + 2]);
    assert.ok(ids[0]! > target.procId);
  });

  it('refuses every modifying request of the table to a read-only key, and every costly one to a modify-only key (2201)', async () => {
    const { app } = t();
    const r = await t().reseller('w-lisa');
    const readOnly = await r.session('read-only');
    const modifyOnly = await r.session('modify-only');
    const modifying = app.table.commands.filter((c) => c.access !== 'read');
    const costly = app.table.commands.filter((c) => c.access === 'costs');
    assert.ok(modifying.length > 0);
    for (const c of modifying) {
      for (const name of [c.name, ...(c.aliases ?? [])]) {
        const res = await send(t(), post(name, form({ 'auth-sid': readOnly })));
        assert.equal(res.code, 2201, `${name} with a read-only key`);
        assert.equal(res.get('Status-Text'), 'Authorization error');
        assert.deepEqual(res.all('Error'), [`this session uses a read-only API key, which cannot modify anything (${c.name})`]);
        assert.equal(res.get('Proc-ID'), undefined);
      }
    }
    for (const c of costly) {
      for (const name of [c.name, ...(c.aliases ?? [])]) {
        const res = await send(t(), post(name, form({ 'auth-sid': modifyOnly })));
        assert.equal(res.code, 2201, `${name} with a modify-only key`);
        assert.deepEqual(res.all('Error'), [`this session uses a modify-only API key, which cannot run requests that cause costs (${c.name})`]);
      }
    }
    // The refusals changed nothing: no result rows were written.
    const rows = await app.deps.db.selectFrom('results').select('id').where('account_id', '=', r.account.id).execute();
    assert.equal(rows.length, 0);
    // And reads stay open to both.
    for (const sid of [readOnly, modifyOnly]) assert.equal((await send(t(), post('query-profile', form({ 'auth-sid': sid })))).code, 0);
  });

  it('applies the same scope rule to a costly request (test table): modify-only refused, full allowed', async () => {
    const r = await t().reseller('w-mike');
    const extra = await withCommands(t(), [...commands, testCharge]);
    try {
      for (const name of ['test-charge', 'TEST-CHARGE-ALIAS']) {
        const mo = await extra.call(name, { 'auth-sid': await r.session('modify-only') });
        assert.equal(mo.code, 2201);
        assert.deepEqual(mo.all('Error'), ['this session uses a modify-only API key, which cannot run requests that cause costs (test-charge)']);
        assert.equal((await extra.call(name, { 'auth-sid': await r.session('read-only') })).code, 2201);
        const full = await extra.call(name, { 'auth-sid': r.sid });
        assert.equal(full.code, 0);
        assert.equal(full.body, 'charged\n');
        assert.match(full.get('Proc-ID')!, /^\d+$/);
      }
    } finally {
      await extra.close();
    }
  });
  it('keeps every Error value free of a name-colon-problem separator, so clients that cut at the first colon (lexicon) show the whole reason', async () => {
    const r = await t().reseller('w-nora');
    await addDomain(t(), r.account.id, 'w-nora.com');
    const readOnly = await r.session('read-only');
    const cases: Array<[string, Record<string, string>, number, string[]]> = [
      ['dns-zone-get', { 'auth-sid': r.sid }, 2003, ["missing parameter 'domain'"]],
      ['result-list', { 'auth-sid': r.sid, period: '0' }, 2004, ["invalid 'period' (must be between 1 and 36500)"]],
      ['ns-create', { 'auth-sid': r.sid, host: 'ns1.w-nora.com', ip: 'x' }, 2005, ["invalid 'ip' (x is not an IP address)"]],
      ['dns-zone-put', { 'auth-sid': r.sid, domain: 'w-nora.com', zone: 'www A 0 192.0.2.10 300\nwww A 0 192.0.2.300 300' }, 2005, ['line 2 (A target 192.0.2.300 is not an IPv4 address)']],
      ['dns-zone-put', { 'auth-sid': readOnly, domain: 'w-nora.com', zone: '' }, 2201, ['this session uses a read-only API key, which cannot modify anything (dns-zone-put)']],
      ['no-such-request', { 'auth-sid': r.sid }, 2000, ["unknown request 'no-such-request'"]],
      ['query-profile', { 'auth-sid': 'not-a-session' }, -401, ['session expired or invalid; please log in again']],
      ['query-profile', {}, -401, ['no session; log in and pass auth-sid']],
    ];
    for (const [name, params, code, errors] of cases) {
      const res = await send(t(), post(name, form(params)));
      assert.equal(res.code, code, `${name}: ${res.raw}`);
      assert.deepEqual(res.all('Error'), errors, name);
    }
    // A request with many problems at once (contact-create without its fields) follows the same rule on every line.
    const contact = await send(t(), post('contact-create', form({ 'auth-sid': r.sid, tld: 'com', email: 'not-an-address', phone: 'y' })));
    assert.ok(contact.all('Error').length >= 3, contact.raw);
    const values = [...cases.flatMap((c) => c[3]), ...contact.all('Error')];
    // What lexicon shows is the text up to the first colon: with none in these values, that is all of it.
    for (const v of values) assert.equal(v.split(':')[0], v, `an Error value with a colon: ${v}`);
  });
});
