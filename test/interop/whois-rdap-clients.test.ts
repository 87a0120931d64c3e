import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { forEachDatabase } from '../helpers/harness.ts';
import { persistentDatabase, type PersistentDatabase } from '../helpers/databases.ts';
import { startServer, stopServer, type RunningServer } from '../helpers/serve.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { directoryWorld, names, org, person } from '../helpers/directory-world.ts';
import { rdapSchemaErrors } from '../helpers/rdap-schema.ts';

/**
 * Clients nobody here wrote against a running `dmapid serve`: Debian's `whois` on the WHOIS
 * listener, and `curl` on RDAP, whose answers the RFC 9083 schema fixture then checks.
 * .ci/run installs both; under CI a missing one fails.
 */
const has = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const tools = has('whois') && has('curl');
if (!tools && process.env.CI === 'true') throw new Error('whois and curl are required under CI (.ci/run installs them)');

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

forEachDatabase('Debian whois and curl against the directory services', (t) => {
  let db: PersistentDatabase;
  let server: RunningServer | undefined;
  let whoisPort = '';
  before(async () => {
    if (!tools) return;
    db = await persistentDatabase(t().dialect);
    server = await startServer(db.url, { DMAPID_WHOIS: 'on', DMAPID_WHOIS_HOST: '127.0.0.1', DMAPID_WHOIS_PORT: '0' });
    await waitFor(async () => /dmapid listening: WHOIS /.test(server!.output()));
    whoisPort = /dmapid listening: WHOIS 127\.0\.0\.1:(\d+)/.exec(server.output())![1]!;
    const handle = db.open();
    try {
      await directoryWorld(handle.db, Date.now());
    } finally {
      await handle.close();
    }
  });
  after(async () => {
    if (server) await stopServer(server);
    await db?.drop();
  });
  const skip = !tools && 'whois or curl missing';

  it('whois -h 127.0.0.1 -p <port> <domain>: the registrar output, redacted where it must be', { skip }, async () => {
    const open = await run('whois', ['-h', '127.0.0.1', '-p', whoisPort, names.open]);
    assert.equal(open.code, 0, open.stderr);
    assert.match(open.stdout, new RegExp(`^Domain Name: ${names.open}$`, 'm'));
    assert.match(open.stdout, /^Registrar IANA ID: 9999$/m);
    assert.match(open.stdout, /^Domain Status: clientTransferProhibited https:\/\/icann\.org\/epp#clientTransferProhibited$/m);
    assert.match(open.stdout, new RegExp(`^Registrant Email: ${org.email}$`, 'm'));
    assert.match(open.stdout, /^>>> Last update of WHOIS database: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ <<<$/m);
    const pro = await run('whois', ['-h', '127.0.0.1', '-p', whoisPort, names.pro]);
    assert.match(pro.stdout, /^Registrant Name: REDACTED FOR PRIVACY$/m);
    assert.ok(!pro.stdout.includes(org.email!));
    const personal = await run('whois', ['-h', '127.0.0.1', '-p', whoisPort, names.personal]);
    assert.match(personal.stdout, /^Registrant Country: DE$/m);
    assert.ok(!personal.stdout.includes(person.email!));
    const none = await run('whois', ['-h', '127.0.0.1', '-p', whoisPort, 'not-here.com']);
    assert.match(none.stdout, /^No match for "not-here\.com"\.$/m);
    const free = await run('whois', ['-h', '127.0.0.1', '-p', whoisPort, 'domain:surely-free-name.com']);
    assert.equal(free.stdout.trim(), 'domain:surely-free-name.com free');
  });

  it('curl on RDAP: application/rdap+json, CORS, and answers the RFC 9083 schema accepts', { skip }, async () => {
    for (const [path, status] of [[`domain/${names.pro}`, 200], [`domain/${encodeURIComponent('bücher.com')}`, 200], ['nameserver/ns1.open-org.com', 200], ['entity/9999', 200], ['domains?name=pri*', 200], ['domain/not-here.com', 404], ['domains?name=a*', 400]] as const) {
      const r = await run('curl', ['-s', '-D', '-', '-H', 'Accept: application/rdap+json', `${server!.base}/rdap/${path}`]);
      assert.equal(r.code, 0, r.stderr);
      const [head, body] = r.stdout.split('\r\n\r\n') as [string, string];
      assert.match(head, new RegExp(`^HTTP/1.1 ${status} `), path);
      assert.match(head, /^content-type: application\/rdap\+json$/im);
      assert.match(head, /^access-control-allow-origin: \*$/im);
      assert.deepEqual(rdapSchemaErrors(JSON.parse(body)), [], path);
    }
  });
});
