import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { startServer, stopServer } from '../helpers/serve.ts';
import { fileURLToPath } from 'node:url';
import { forEachDatabase } from '../helpers/harness.ts';
import { persistentDatabase, type PersistentDatabase } from '../helpers/databases.ts';
import { insertDomain } from '../helpers/test-commands.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The first python3 that has `requests`. Nothing is installed at run time: `.ci/run` installs
 * Debian's python3-requests, and under CI a missing interpreter or module fails the test.
 */
function pythonWithRequests(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import requests'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function runPython(python: string, script: string, base: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(python, [`${here}${script}`], { env: { ...process.env, DMAPI_URL: base }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const python = pythonWithRequests();
if (!python && process.env.CI === 'true') throw new Error('python3 with the requests module is required under CI (.ci/run installs python3-requests)');
if (!python) console.error('note: no python3 with requests found; skipping the Python interop example');

forEachDatabase('the DMAPI manual\'s Python example', (t) => {
  let db: PersistentDatabase;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  before(async () => {
    if (!python) return;
    db = await persistentDatabase(t().dialect);
    server = await startServer(db.url);
    // Two domains for the demo reseller the server created, so the list has something to show.
    const handle = db.open();
    try {
      const demo = await handle.db.selectFrom('accounts').select('id').where('login', '=', 'demo').executeTakeFirstOrThrow();
      await insertDomain(handle.db, demo.id, 'another-privacy-test.com', Date.now(), Date.parse('2028-06-30T12:00:00Z'));
      await insertDomain(handle.db, demo.id, 'another-privacy-test.net', Date.now(), Date.parse('2030-06-30T12:00:00Z'));
    } finally {
      await handle.close();
    }
  });
  after(async () => {
    if (server) await stopServer(server);
    await db?.drop();
  });

  for (const script of ['python-example.py', 'python-example-post.py']) {
    it(`${script} logs in, lists the domains and logs out with Status-Code 0`, { skip: !python && 'no python3 with requests' }, async () => {
      const run = await runPython(python!, script, server!.base);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '');
      const lines = run.stdout.split('\n');
      assert.deepEqual(
        lines.filter((l) => l.startsWith('Request-URL: ')),
        ['login', 'query-domain-list', 'logout'].map((r) => `Request-URL:  ${server!.base}/request/${r}`),
      );
      assert.ok(lines.includes('Login: Status-Code: 0'), run.stdout);
      assert.ok(lines.includes('Domain List: Status-Code: 0'), run.stdout);
      assert.ok(lines.includes('Logout: Status-Code: 0'), run.stdout);
      assert.ok(!run.stdout.includes('Error:'), run.stdout);
      // The domain list arrives by column name (the Columns header) as in the manual's sample run.
      const listed = run.stdout.slice(run.stdout.indexOf('Domain List:'), run.stdout.indexOf('Request-URL:  ' + server!.base + '/request/logout'));
      assert.match(listed, / domain: another-privacy-test\.com\n expiration_date: 2028-06-30\n\n domain: another-privacy-test\.net\n expiration_date: 2030-06-30\n/);
    });
  }
});
