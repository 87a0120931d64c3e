import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dialectsToTest, persistentDatabase } from '../helpers/databases.ts';
import { startServer, stopServer } from '../helpers/serve.ts';
import { parseReply } from '../../src/dmapi/reply.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The `dmapid` command as a new user gets it: from the checkout, through `npm link`, from `npm pack`. */
describe('the dmapid command', () => {
  let dir = '';
  let installed = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dmapid-package-'));
    // npm pack as a publisher would, then an install of the tarball into an unrelated project.
    await run('npm', ['pack', '--pack-destination', dir], { cwd: root });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'trying-dmapid', private: true }));
    // Not engine-strict: a dependency's dependency (cookie via light-my-request, used only by fastify's inject) declares Node 22 and runs on 20.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--engine-strict=false', join(dir, tarball)], { cwd: app, timeout: 600_000 });
    installed = join(app, 'node_modules', '.bin', 'dmapid');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const help = async (bin: string) => {
    const { stdout } = await run(bin, ['--help']);
    assert.match(stdout, /^Usage: dmapid \[options\] \[command\]/);
    for (const c of ['serve', 'migrate', 'account', 'apikey', 'clock', 'call']) assert.match(stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
  };

  it('answers --help from the checkout, through a link as npm link makes it, and installed from npm pack', async () => {
    await help(join(root, 'bin', 'dmapid.mjs'));
    const linked = join(dir, 'linked-dmapid');
    symlinkSync(join(root, 'bin', 'dmapid.mjs'), linked);
    await help(linked);
    await help(installed);
  });

  it('ships the sources it runs, not the tests', async () => {
    const pkg = join(dir, 'app', 'node_modules', 'dmapid');
    assert.ok(existsSync(join(pkg, 'src', 'cli', 'main.ts')));
    assert.ok(existsSync(join(pkg, 'src', 'tld', 'tlds.json')));
    assert.ok(!existsSync(join(pkg, 'src', 'cli', 'main.test.ts')));
    assert.ok(!existsSync(join(pkg, 'test')));
  });

  for (const dialect of dialectsToTest()) {
    it(`serve --demo from the installed package answers DMAPI and stops on SIGTERM [${dialect}]`, async () => {
      // SQLite: no DMAPID_DATABASE at all, the default file under ./data/ of the working directory.
      const db = dialect === 'postgres' ? await persistentDatabase(dialect) : undefined;
      const cwd = join(dir, 'app');
      const server = await startServer(db?.url ?? '', {}, { bin: installed, cwd });
      try {
        const login = parseReply(await (await fetch(`${server.base}/request/login?username=demo&password=demo`)).text());
        assert.equal(login.get('Status-Code'), '0');
        assert.ok(login.get('Auth-Sid'));
        if (!db) assert.ok(existsSync(join(cwd, 'data')), 'the default SQLite database lives under ./data/');
      } finally {
        const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
        await stopServer(server);
        assert.equal(await exited, 0);
        await db?.drop();
      }
    });
  }
});
