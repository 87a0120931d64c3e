import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dialectsToTest, persistentDatabase, PG_URL } from '../helpers/databases.ts';
import { startServer, stopServer } from '../helpers/serve.ts';
import { parseKeyValues, parseReply } from '../../src/dmapi/reply.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dmapid = (database: string, ...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, DMAPID_DATABASE: database } });

/** A request against a running server with the demo key; the parsed reply. */
async function request(base: string, name: string, params: Record<string, string> = {}) {
  const q = new URLSearchParams({ 'api-key': 'demo-api-key', ...params });
  return parseReply(await (await fetch(`${base}/request/${name}?${q}`)).text());
}

/** Waits (wall time, the server's worker is running) until an async request has finished; its result. */
async function finished(base: string, procId: string) {
  for (let i = 0; i < 300; i++) {
    const r = await request(base, 'result-retrieve', { 'Proc-ID': procId });
    const keys = new Map(parseKeyValues(r.body));
    if (keys.get('Completion-Status') !== '?') return keys;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`Proc-ID ${procId} did not finish`);
}

/** What a reseller sees that the backup must keep. */
async function view(base: string) {
  const [domains, balance, results] = await Promise.all([request(base, 'query-domain-list'), request(base, 'query-account-balance'), request(base, 'result-list', { showall: '1' })]);
  return { domains: domains.body, balance: balance.body, results: results.body };
}

for (const dialect of dialectsToTest()) {
  describe(`backup and restore [${dialect}]`, () => {
    it('a backup taken while the server runs, restored for a new server, shows the same domains, balance and results', async () => {
      const db = await persistentDatabase(dialect);
      const dir = mkdtempSync(join(tmpdir(), 'dmapid-backup-'));
      const backup = join(dir, dialect === 'sqlite' ? 'backup.sqlite' : 'backup.dump');
      let restoredUrl = '';
      let restoredDb = '';
      try {
        const a = await startServer(db.url, { DMAPID_WORKER: 'on' });
        let before;
        try {
          const contact = await request(a.base, 'contact-create', { tld: 'com', name: 'Backup Owner', email: 'owner@example.org', 'address-1': 'Main Street 1', city: 'Springfield', 'postal-code': '12345', country: 'US', phone: '+1.4155552671' });
          const handle = (await finished(a.base, contact.get('Proc-ID')!)).get('Object-Name')!;
          const reg = await request(a.base, 'domain-register', { domain: 'kept-safe.com', period: '12', 'owner-c': handle, 'admin-c': handle, 'tech-c': handle, 'billing-c': handle, 'ns-list': 'a.ns.joker.com:b.ns.joker.com' });
          assert.equal((await finished(a.base, reg.get('Proc-ID')!)).get('Completion-Status'), 'ack');
          before = await view(a.base);
          assert.match(before.domains, /kept-safe\.com/);
          // Online: the server keeps running (and answering) while the copy is taken.
          if (dialect === 'sqlite') {
            const out = await dmapid(db.url, 'backup', backup);
            assert.match(out.stdout, new RegExp(`^backup of .* written to ${backup} \\(\\d+ bytes\\)\\n$`));
          } else {
            // The documented way (docs/operations.md): pg_dump of the schema dmapid uses.
            const schema = /search_path%3D(\w+)/.exec(db.url)![1]!;
            await run('pg_dump', ['--format=custom', '--no-owner', `--schema=${schema}`, `--file=${backup}`, PG_URL]);
            restoredDb = `restore_${randomBytes(5).toString('hex')}`;
            const admin = new pg.Client({ connectionString: PG_URL });
            await admin.connect();
            await admin.query(`create database ${restoredDb}`);
            await admin.end();
            const target = PG_URL.replace(/\/[^/?]+(\?|$)/, `/${restoredDb}$1`);
            // A schema's dump leaves out the database's extensions (documented): pg_trgm first.
            const restoring = new pg.Client({ connectionString: target });
            await restoring.connect();
            await restoring.query('create extension if not exists pg_trgm schema public');
            await restoring.end();
            await run('pg_restore', ['--no-owner', `--dbname=${target}`, backup]);
            restoredUrl = `${target}${target.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
          }
          assert.equal((await request(a.base, 'query-profile')).get('Status-Code'), '0', 'still serving');
        } finally {
          await stopServer(a);
        }

        if (dialect === 'sqlite') {
          restoredUrl = join(dir, 'restored', 'dmapid.sqlite');
          const out = await dmapid(restoredUrl, 'restore', backup);
          assert.match(out.stdout, /^restored .* to .*restored\/dmapid\.sqlite\n$/);
          // A second restore over it needs --force.
          await assert.rejects(dmapid(restoredUrl, 'restore', backup), /exists; stop the server and add --force/);
          await dmapid(restoredUrl, 'restore', backup, '--force');
        }
        const b = await startServer(restoredUrl, { DMAPID_WORKER: 'on' });
        try {
          assert.deepEqual(await view(b.base), before);
        } finally {
          await stopServer(b);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await db.drop();
        if (restoredDb) {
          const admin = new pg.Client({ connectionString: PG_URL });
          await admin.connect();
          await admin.query(`drop database ${restoredDb} with (force)`);
          await admin.end();
        }
      }
    });
  });
}

it('dmapid backup on PostgreSQL points to pg_dump', async () => {
  await assert.rejects(dmapid(PG_URL, 'backup', join(tmpdir(), 'never.sqlite')), /the database is PostgreSQL: back it up with pg_dump/);
});
