import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startServer, stopServer } from '../helpers/serve.ts';
import { parseReply } from '../../src/dmapi/reply.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `npm run build` and what runs it: a copy of the package (package.json, bin/, src/) built into
 * its own dist/, started through bin/dmapid.mjs as `npm start` does — the built JavaScript while it
 * is newer than the sources, the sources once one of them changes.
 */
describe('the built JavaScript', () => {
  let pkg = '';
  before(async () => {
    pkg = mkdtempSync(join(tmpdir(), 'dmapid-built-'));
    for (const part of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'scripts', 'src']) cpSync(join(root, part), join(pkg, part), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
    const { stdout } = await run('npm', ['run', 'build'], { cwd: pkg, timeout: 300_000 });
    assert.match(stdout, /built .*dist: JavaScript and 2 data files/);
  });
  after(() => rmSync(pkg, { recursive: true, force: true }));

  const call = async (base: string, name: string, params: Record<string, string> = {}) => {
    const res = await fetch(`${base}/request/${name}?${new URLSearchParams(params)}`);
    return parseReply(await res.text());
  };

  it('has every module and the data files beside them, and no tests', () => {
    for (const f of ['cli/main.js', 'tld/tlds.json', 'billing/default-prices.json', 'db/migrations/0001-core.js']) assert.ok(existsSync(join(pkg, 'dist', f)), f);
    assert.ok(!existsSync(join(pkg, 'dist', 'cli', 'main.test.js')));
  });

  it('serve --demo runs from dist, answers DMAPI with the shipped TLDs and prices, and stops on SIGTERM', async () => {
    const server = await startServer('', {}, { bin: join(pkg, 'bin', 'dmapid.mjs'), cwd: pkg });
    try {
      assert.match(server.output(), /dmapid listening: DMAPI .*; dmapid \d+\.\d+\.\d+, built JavaScript\)/);
      const login = await call(server.base, 'login', { username: 'demo', password: 'demo' });
      assert.equal(login.get('Status-Code'), '0');
      const sid = login.get('Auth-Sid')!;
      const prices = await call(server.base, 'query-price-list', { 'auth-sid': sid });
      assert.equal(prices.get('Status-Code'), '0');
      assert.match(prices.body, /^domain\tcreate\tcom\tUSD\tUSD\t11\.25\t/m, 'prices from default-prices.json');
      const check = await call(server.base, 'domain-check', { 'auth-sid': sid, domain: 'a-fresh-name-4711.com' });
      assert.match(check.body, /domain-status: available/, 'TLDs from tlds.json');
    } finally {
      await stopServer(server);
    }
  });

  it('falls back to the sources once one of them is newer than the build', async () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(pkg, 'src', 'app.ts'), later, later);
    const server = await startServer('', {}, { bin: join(pkg, 'bin', 'dmapid.mjs'), cwd: pkg });
    try {
      assert.match(server.output(), /; dmapid \d+\.\d+\.\d+, TypeScript sources\)/);
    } finally {
      await stopServer(server);
    }
  });
});
