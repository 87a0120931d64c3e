import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { addDomain } from '../../test/helpers/zones.ts';
import { createRedirectServer, findRedirect, hostOf } from './server.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, host: string, path = '/', method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const run = promisify(execFile);

/** curl is an interop peer: under CI a missing curl fails the test instead of skipping it. */
function haveCurl(): boolean {
  const ok = spawnSync('curl', ['--version']).status === 0;
  if (!ok && process.env.CI === 'true') assert.fail('curl is not installed (CI=true requires it; .ci/run installs it)');
  return ok;
}

forEachDatabase('redirect service', (t) => {
  let server: FastifyInstance;
  let port: number;
  let landing: Server;
  let landingPort: number;
  let sid: string;

  before(async () => {
    server = createRedirectServer(t().app.deps);
    await server.listen({ port: 0, host: '127.0.0.1' });
    port = (server.server.address() as AddressInfo).port;
    landing = createServer((req, res) => res.end(`landed at ${req.url}`));
    await new Promise<void>((resolve) => landing.listen(0, '127.0.0.1', resolve));
    landingPort = (landing.address() as AddressInfo).port;
    const r = await t().reseller('redirect-owner');
    sid = r.sid;
    await addDomain(t(), r.account.id, 'redir.com');
  });
  after(async () => {
    await server.close();
    await new Promise((resolve) => landing.close(resolve));
  });

  const put = async (zone: string) => {
    const res = await t().call('dns-zone-put', { 'auth-sid': sid, domain: 'redir.com', zone });
    assert.equal(res.code, 0, res.raw);
  };

  it('answers a URL record with a redirect: 302 unless the record names its status, for the exact name, the apex and wildcards', async () => {
    await put(
      [
        'go URL 0 https://example.org/landing?x=1&y=2 300',
        'perm URL 0 http://example.net/ 300 0 0 301',
        '@ URL 0 www.example.com 300 0 0 308',
        '*.wild URL 0 http://wild.example/ 300',
        'go TXT 0 "other data at the name is fine" 300',
      ].join('\n'),
    );
    const go = await get(port, 'GO.redir.com:8081', '/some/path');
    assert.equal(go.status, 302);
    assert.equal(go.headers.location, 'https://example.org/landing?x=1&y=2');
    assert.match(go.body, /<a href="https:\/\/example.org\/landing\?x=1&#38;y=2">/);
    const perm = await get(port, 'perm.redir.com');
    assert.equal(perm.status, 301);
    assert.equal(perm.headers.location, 'http://example.net/');
    const apex = await get(port, 'redir.com.');
    assert.equal(apex.status, 308);
    assert.equal(apex.headers.location, 'http://www.example.com');
    const wild = await get(port, 'a.b.wild.redir.com');
    assert.equal(wild.status, 302);
    assert.equal(wild.headers.location, 'http://wild.example/');
    const head = await get(port, 'go.redir.com', '/', 'HEAD');
    assert.equal(head.status, 302);
    assert.equal(head.body, '');
  });

  it('answers a FRAME record with the framed page, every parameter escaped, and its extra headers', async () => {
    await put(`frame FRAME 0 http://example.org/?a=1&b='2' 300 0 0 "X-Frame-Note: hello\\nX-Second: two" "shop <b>now</b>" "My <Title> & more" "<script>alert(1)</script>"`);
    const page = await get(port, 'frame.redir.com');
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['x-frame-note'], 'hello');
    assert.equal(page.headers['x-second'], 'two');
    assert.match(page.body, /<title>My &#60;Title&#62; &#38; more<\/title>/);
    assert.match(page.body, /<meta name="description" content="shop &#60;b&#62;now&#60;\/b&#62;">/);
    assert.match(page.body, /<frame src="http:\/\/example.org\/\?a=1&#38;b=&#39;2&#39;" name="main"/);
    assert.match(page.body, /<noframes><body><p>&#60;script&#62;alert\(1\)&#60;\/script&#62;<\/p>/);
    assert.ok(!page.body.includes('<script>'));
  });

  it('answers 404 for names without a URL/FRAME record, 400 without a usable Host', async () => {
    await put('www A 0 192.0.2.1 300\nr URL 0 http://example.org/ 300');
    assert.equal((await get(port, 'www.redir.com')).status, 404);
    assert.equal((await get(port, 'r.other-zone.com')).status, 404);
    assert.equal((await get(port, '127.0.0.1')).status, 400);
    assert.equal((await get(port, 'bad host!')).status, 400);
  });

  it('follows changes at once and honours valid-from/valid-to', async () => {
    const { clock } = t();
    const from = Math.floor(clock.now() / 1000) + 60;
    await put(`later URL 0 http://later.example/ 300 ${from} 0\nnow URL 0 http://first.example/ 300`);
    assert.equal((await get(port, 'now.redir.com')).headers.location, 'http://first.example/');
    assert.equal((await get(port, 'later.redir.com')).status, 404);
    clock.advance(60_000);
    assert.equal((await get(port, 'later.redir.com')).headers.location, 'http://later.example/');
    sid = await (async () => {
      const r = await t().call('login', { username: 'redirect-owner', password: 'secret-pw' });
      return r.get('Auth-Sid')!;
    })();
    await put('now URL 0 http://second.example/ 300');
    assert.equal((await get(port, 'now.redir.com')).headers.location, 'http://second.example/');
  });

  it('curl sees the redirect and follows it to the target', async (ctx) => {
    if (!haveCurl()) return ctx.skip('curl is not installed');
    await put(`go URL 0 http://127.0.0.1:${landingPort}/landing 300`);
    const resolve = `go.redir.com:${port}:127.0.0.1`;
    // curl runs asynchronously: the server it talks to lives in this process.
    const head = await run('curl', ['-sI', '--max-time', '10', '--resolve', resolve, `http://go.redir.com:${port}/`]);
    assert.match(head.stdout, /^HTTP\/1\.1 302 Found\r\n/);
    assert.match(head.stdout, new RegExp(`\\r\\nlocation: http://127\\.0\\.0\\.1:${landingPort}/landing\\r\\n`, 'i'));
    const follow = await run('curl', ['-sL', '--max-time', '10', '--resolve', resolve, `http://go.redir.com:${port}/`]);
    assert.equal(follow.stdout, 'landed at /landing');
  });
});

it('hostOf strips port and trailing dot and refuses IP literals', () => {
  assert.equal(hostOf('WWW.Example.COM.:8081'), 'www.example.com');
  assert.equal(hostOf('192.0.2.1:80'), undefined);
  assert.equal(hostOf('[::1]:80'), undefined);
  assert.equal(hostOf(undefined), undefined);
});

it('findRedirect prefers the exact name over a wildcard, and the closest wildcard', () => {
  const rec = (label: string) => ({ type: 'URL' as const, label, url: `http://${label.replace('*', 'star')}.example/`, status: null, ttl: 300, validFrom: 0, validTo: 0 });
  const records = [rec('*'), rec('*.b'), rec('a.b')];
  assert.equal(findRedirect(records, 'a.b', 0)?.label, 'a.b');
  assert.equal(findRedirect(records, 'c.b', 0)?.label, '*.b');
  assert.equal(findRedirect(records, 'x.y.b', 0)?.label, '*.b');
  assert.equal(findRedirect(records, 'z', 0)?.label, '*');
  assert.equal(findRedirect(records, '@', 0), undefined);
});
