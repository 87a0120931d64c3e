import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forEachDatabase } from '../helpers/harness.ts';
import { persistentDatabase, type PersistentDatabase } from '../helpers/databases.ts';
import { startServer, stopServer, type RunningServer } from '../helpers/serve.ts';
import { assertValidEpp } from '../helpers/epp-xsd.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { eppCertificate } from '../../src/registry/epp/server/certificate.ts';
import { setEppPassword } from '../../src/registry/epp/server/logins.ts';
import { SimulatedRegistry } from '../../src/registry/simulated/backend.ts';
import { loadTldCatalogue } from '../../src/tld/catalogue.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const perlOk = spawnSync('perl', ['-MNet::EPP::Simple', '-e', '1'], { stdio: 'ignore' }).status === 0;
if (!perlOk && process.env.CI === 'true') throw new Error('Net::EPP::Simple is required under CI (.ci/run installs libnet-epp-perl)');

forEachDatabase('Net::EPP::Simple against the EPP listener', (t) => {
  let db: PersistentDatabase;
  let server: RunningServer | undefined;
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), 'net-epp-'));
  before(async () => {
    if (!perlOk) return;
    db = await persistentDatabase(t().dialect);
    const pair = eppCertificate({ dir });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'cert.pem'), pair.cert);
    writeFileSync(join(dir, 'key.pem'), pair.key);
    server = await startServer(db.url, { DMAPID_EPP: 'on', DMAPID_EPP_PORT: '0', DMAPID_EPP_CERT: join(dir, 'cert.pem'), DMAPID_EPP_KEY: join(dir, 'key.pem') });
    await waitFor(async () => /dmapid listening: EPP 127\.0\.0\.1:(\d+)/.test(server!.output()), 30_000);
    port = Number(/dmapid listening: EPP 127\.0\.0\.1:(\d+)/.exec(server.output())![1]);
    const h = db.open();
    try {
      await setEppPassword(h.db, 'dmapid', 'pass-of-a1');
      await setEppPassword(h.db, 'sim-budgetnames', 'pass-of-b1');
      await new SimulatedRegistry(loadTldCatalogue(), h.dialect).plantDomain(h.db, Date.now(), { name: 'netepp-old.com', sponsor: 'dmapid', authCode: 'Transfer-Code-9' });
    } finally {
      await h.close();
    }
  });
  after(async () => {
    if (server) await stopServer(server);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in, checks, creates, updates (ns, status, secDNS), renews, transfers, polls, deletes, restores and logs out; every server frame is schema-valid', { skip: !perlOk && 'no Net::EPP::Simple' }, async () => {
    const dump = mkdtempSync(join(dir, 'frames-'));
    const run = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile('perl', [join(here, 'net-epp-simple.pl'), '127.0.0.1', String(port), dump, 'pass-of-a1', 'pass-of-b1', 'netepp-old.com', 'Transfer-Code-9'], { timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr })),
    );
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /^1\.\.(\d+)$/m);
    assert.doesNotMatch(run.out, /^not ok/m);
    const frames = readdirSync(dump).sort().map((f) => readFileSync(join(dump, f), 'utf8'));
    assert.ok(frames.length > 30, `${frames.length} frames`);
    assertValidEpp(frames);
  });
});
