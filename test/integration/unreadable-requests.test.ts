import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { forEachDatabase, type TestApp } from '../helpers/harness.ts';
import { assertWellFormed } from '../helpers/wire.ts';
import { parseHttp, rawExchange } from '../helpers/sockets.ts';
import { HEAD_LIMIT } from '../../src/dmapi/http.ts';
import { PARAM_LIMIT } from '../../src/dmapi/form.ts';

/** Sends a request through fastify and checks it got a DMAPI answer at HTTP 200. */
async function send(t: TestApp, options: InjectOptions) {
  const res = await t.app.http.inject({ remoteAddress: '127.0.0.1', ...options });
  assert.equal(res.statusCode, 200, `HTTP ${res.statusCode} for ${options.method} ${options.url}: ${res.body.slice(0, 200)}`);
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.match(String(res.headers['server']), /^DMAPI\/1\.2\.53 /);
  return assertWellFormed(res.body, t.clock.now());
}

/** Sends raw bytes over a real socket and checks the answer is a DMAPI reply with that HTTP status. */
async function sendRaw(t: TestApp, port: number, request: string | Buffer, status: number) {
  const http = parseHttp(await rawExchange(port, request));
  assert.equal(http.status, status, http.body.slice(0, 200));
  assert.equal(http.headers['content-type'], 'text/plain; charset=utf-8');
  assert.match(http.headers['server']!, /^DMAPI\/1\.2\.53 /);
  assert.equal(Number(http.headers['content-length']), Buffer.byteLength(http.body));
  return assertWellFormed(http.body, t.clock.now());
}

const urlencoded = (url: string, payload: string | Buffer, contentType = 'application/x-www-form-urlencoded'): InjectOptions => ({
  method: 'POST',
  url,
  payload,
  headers: { 'content-type': contentType },
});
/** `count` parameters nobody reads, then the credentials. */
const padded = (count: number, creds: string) => `${Array.from({ length: count }, (_, i) => `pad${i}=x`).join('&')}&${creds}`;

forEachDatabase('requests the DMAPI listener cannot read', (t) => {
  let creds = '';
  before(async () => {
    await t().reseller('ur-alice');
    creds = 'username=ur-alice&password=secret-pw';
  });

  it('answers unknown addresses with 2000 (Unknown command), not a JSON 404; the answer pages and /nic/update keep their formats', async () => {
    for (const url of ['/', '/foo', '/request', '/requests/login', '/answer', '/nic/nothing', '/v3/contact/create']) {
      for (const method of ['GET', 'POST'] as const) {
        if (url === '/' && method === 'GET') continue;
        const r = await send(t(), { method, url });
        assert.equal(r.code, 2000, `${method} ${url}`);
        assert.deepEqual(r.all('Error'), ['no such address (DMAPI requests are sent to /request/<name>)']);
      }
    }
    // Someone opening the base URL is told where the requests go, in a DMAPI reply.
    const home = await send(t(), { method: 'GET', url: '/' });
    assert.equal(home.code, 0);
    assert.deepEqual(home.all('Error'), []);
    assert.match(home.body, /^dmapid speaks DMAPI: send requests to \/request\/<name>/);
    assert.match(home.body, /\/request\/login\?username=<login>&password=<password>/);
    const page = await t().app.http.inject({ method: 'GET', url: '/answer/no-such-kind/abc' });
    assert.equal(page.statusCode, 404);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const dyn = await t().app.http.inject({ method: 'GET', url: '/nic/update?hostname=x.example.com&myip=192.0.2.1' });
    assert.match(String(dyn.headers['content-type']), /^text\/plain/);
    assert.doesNotMatch(dyn.body, /Status-Code/);
  });

  it('answers bad percent-encoding in the address, the query string or a form body with a DMAPI error naming it', async () => {
    const path = await send(t(), { method: 'GET', url: '/request/lo%zzgin' });
    assert.equal(path.code, 2400);
    assert.deepEqual(path.all('Error'), ['malformed request address (bad percent-encoding)']);

    const query = await send(t(), { method: 'GET', url: '/request/login?username=%zz&password=%E4&ok=%C3%A4' });
    assert.equal(query.code, 2005);
    assert.deepEqual(query.all('Error'), ["invalid 'username' (malformed percent-encoding or not UTF-8)", "invalid 'password' (malformed percent-encoding or not UTF-8)"]);
    const name = await send(t(), { method: 'GET', url: '/request/login?us%er=x' });
    assert.deepEqual(name.all('Error'), ['invalid parameter name in the query string (malformed percent-encoding or not UTF-8)']);

    const body = await send(t(), urlencoded('/request/login', 'username=ur-alice&password=secret%'));
    assert.equal(body.code, 2005);
    assert.deepEqual(body.all('Error'), ["invalid 'password' (malformed percent-encoding or not UTF-8)"]);
    // Raw bytes that are not UTF-8 are not turned into U+FFFD behind the client's back.
    const latin1 = await send(t(), urlencoded('/request/login', Buffer.from('username=ur-alice&password=gr\xfcn', 'latin1')));
    assert.equal(latin1.code, 2005);
    assert.deepEqual(latin1.all('Error'), ['the body is not UTF-8']);
  });

  it('refuses malformed multipart bodies with a DMAPI error', async () => {
    for (const type of ['multipart/form-data', 'multipart/form-data; boundary=zz']) {
      const r = await send(t(), urlencoded('/request/login', 'hello', type));
      assert.equal(r.code, 2400, type);
      assert.deepEqual(r.all('Error'), ['malformed multipart/form-data body']);
    }
  });

  it('refuses JSON bodies, naming the content types it takes, and never reads them as parameters', async () => {
    const json = JSON.stringify({ username: 'ur-alice', password: 'secret-pw' });
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json']) {
      const r = await send(t(), urlencoded('/request/login', json, type));
      assert.equal(r.code, 2400, type);
      assert.deepEqual(r.all('Error'), ['JSON bodies are not accepted (send the parameters as application/x-www-form-urlencoded or multipart/form-data, or in the query string)']);
    }
  });

  it('reads a form without a content type, or with another one, as urlencoded', async () => {
    assert.equal((await send(t(), { method: 'POST', url: '/request/login', payload: creds })).code, 0);
    for (const type of ['text/plain', 'application/octet-stream', 'application/xml']) {
      assert.equal((await send(t(), urlencoded('/request/login', creds, type))).code, 0, type);
    }
  });

  it('reads every parameter beyond the 1,000th, in any kind of request, and refuses more than the limit plainly', async () => {
    const body = padded(1500, creds);
    assert.equal((await send(t(), { method: 'POST', url: '/request/login', payload: body })).code, 0, 'no content type');
    assert.equal((await send(t(), urlencoded('/request/login', body))).code, 0, 'urlencoded');
    assert.equal((await send(t(), { method: 'GET', url: `/request/login?${body}` })).code, 0, 'query string');
    const both = await send(t(), { ...urlencoded('/request/login', padded(900, 'password=secret-pw')), url: `/request/login?${padded(900, 'username=ur-alice')}` });
    assert.equal(both.code, 0, 'query and body together');

    const tooMany = await send(t(), urlencoded('/request/login', padded(PARAM_LIMIT, creds)));
    assert.equal(tooMany.code, 2308);
    assert.deepEqual(tooMany.all('Error'), [`more than ${PARAM_LIMIT} parameters in one request`]);
    const split = await send(t(), { ...urlencoded('/request/login', padded(PARAM_LIMIT / 2, 'b=1')), url: `/request/login?${padded(PARAM_LIMIT / 2, 'a=1')}` });
    assert.equal(split.code, 2308);
  });

  it('takes a parameter given twice with the same value, and refuses one given with different values', async () => {
    assert.equal((await send(t(), urlencoded('/request/login', `${creds}&username=ur-alice`))).code, 0);
    assert.equal((await send(t(), { ...urlencoded('/request/login', creds), url: '/request/login?username=ur-alice' })).code, 0);
    const cases: Array<[InjectOptions, string]> = [
      [urlencoded('/request/login', `${creds}&password=other`), 'password'],
      [{ method: 'GET', url: `/request/login?${creds}&Password=other` }, 'password'],
      [{ ...urlencoded('/request/login', creds), url: '/request/login?USERNAME=ur-bob' }, 'username'],
      [{ method: 'GET', url: `/request/login?${creds}&username=` }, 'username'],
    ];
    for (const [req, name] of cases) {
      const r = await send(t(), req);
      assert.equal(r.code, 2005, String(req.url));
      assert.deepEqual(r.all('Error'), [`invalid '${name}' (given more than once with different values)`]);
    }
    const boundary = 'dup-boundary';
    const part = (k: string, v: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    const mp = `${part('username', 'ur-alice')}${part('password', 'secret-pw')}${part('password', 'other')}--${boundary}--\r\n`;
    const multi = await send(t(), urlencoded('/request/login', mp, `multipart/form-data; boundary=${boundary}`));
    assert.deepEqual(multi.all('Error'), ["invalid 'password' (given more than once with different values)"]);
  });

  socketCases(t);
});

/** What only a real socket shows: Node's HTTP parser answers before fastify sees a request. */
function socketCases(t: () => TestApp) {
  let port = 0;
  before(async () => {
    await t().app.http.listen({ port: 0, host: '127.0.0.1' });
    port = (t().app.http.server.address() as AddressInfo).port;
  });
  const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: dmapi.test\r\n${headers}Connection: close\r\n\r\n`;

  it('takes a GET query string of 256 KiB and more (a whole zone in the URL)', async () => {
    const zone = 'x'.repeat(256 * 1024);
    const r = await sendRaw(t(), port, get(`/request/login?username=ur-alice&password=secret-pw&zone=${zone}`), 200);
    assert.equal(r.code, 0);
  });

  it('answers a request line and headers over the limit with HTTP 414 and a DMAPI error', async () => {
    const long = await sendRaw(t(), port, get(`/request/login?zone=${'x'.repeat(HEAD_LIMIT)}`), 414);
    assert.equal(long.code, 2400);
    assert.deepEqual(long.all('Error'), [`request line and headers longer than ${HEAD_LIMIT} bytes (send large requests as a POST body)`]);
    const headers = await sendRaw(t(), port, get('/request/login', `X-Big: ${'y'.repeat(HEAD_LIMIT)}\r\n`), 414);
    assert.equal(headers.code, 2400);
  });

  it('answers what is not HTTP, or not valid HTTP, with HTTP 400 and a DMAPI error', async () => {
    const cases: Array<[string | Buffer, string]> = [
      ['HELLO\r\n\r\n', 'malformed HTTP request (HPE_INVALID_METHOD)'],
      [Buffer.from(get('/request/login?username=gr\xfcn'), 'latin1'), 'malformed HTTP request (HPE_INVALID_URL)'],
      ['GET /request/login HTTP/1.1\r\nHost: dmapi.test\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'malformed HTTP request (HPE_UNEXPECTED_CONTENT_LENGTH)'],
    ];
    for (const [request, error] of cases) {
      const r = await sendRaw(t(), port, request, 400);
      assert.equal(r.code, 2400);
      assert.deepEqual(r.all('Error'), [error]);
    }
  });
}
