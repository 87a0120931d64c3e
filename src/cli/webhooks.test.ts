import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/database.ts';
import { recordEvent } from '../services/events.ts';
import { dmapid } from '../../test/helpers/cli.ts';

/** `dmapid webhooks …` as a separate process on a temporary SQLite database. */
describe('dmapid webhooks (CLI)', () => {
  let dir = '';
  let database = '';
  const run = (...args: string[]) => dmapid(database, args);
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    assert.equal(r.code, 0, `dmapid ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dmapid-webhooks-cli-'));
    database = join(dir, 'db.sqlite');
    await ok('account', 'create', 'alice', '--email', 'alice@example.com');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists and deletes endpoints; a made secret is printed once, never listed', async () => {
    assert.equal(await ok('webhooks', 'list', 'alice'), 'alice has no webhooks\n');
    const made = await ok('webhooks', 'add', 'alice', 'https://hooks.example.com/x', '--description', 'shop');
    assert.match(made, /^webhook 1 of alice: https:\/\/hooks\.example\.com\/x\nsecret: whsec_[0-9a-f]{48} \(shown only now\)\n$/);
    assert.equal(await ok('webhooks', 'add', 'alice', 'http://127.0.0.1:9/', '--secret', 'given-secret-0123456789'), 'webhook 2 of alice: http://127.0.0.1:9/\n');
    const list = await ok('webhooks', 'list', 'alice');
    assert.match(list, /^id\turl\tcreated\tdescription\n1\thttps:\/\/hooks\.example\.com\/x\t\S+\tshop\n2\thttp:\/\/127\.0\.0\.1:9\/\t\S+\t\n$/);
    assert.doesNotMatch(list, /whsec|given-secret/);
    assert.equal(await ok('webhooks', 'delete', 'alice', '1'), 'webhook 1 (https://hooks.example.com/x) deleted\n');
    const again = await run('webhooks', 'delete', 'alice', '1');
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'dmapid: webhook 1 not found\n');
    const bad = await run('webhooks', 'add', 'alice', 'ftp://x.example/');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /only http and https/);
    assert.equal((await run('webhooks', 'list', 'nobody')).stderr, 'dmapid: no account nobody\n');
  });

  it('shows the event feed and the deliveries, and queues an event again', async () => {
    const h = openDatabase(database);
    try {
      const a = await h.db.selectFrom('accounts').select('id').where('login', '=', 'alice').executeTakeFirstOrThrow();
      await recordEvent(h.db, { accountId: a.id, type: 'domain.deleted', object: 'gone.example', data: { purged: true }, now: Date.parse('2026-02-01T00:00:00Z') });
    } finally {
      await h.close();
    }
    const events = await ok('webhooks', 'events', 'alice');
    assert.equal(events, 'seq\ttime\ttype\tobject\tproc_id\tdata\n1\t2026-02-01T00:00:00Z\tdomain.deleted\tgone.example\t-\t{"purged":true}\n');
    assert.equal(await ok('webhooks', 'events', 'alice', '--after', '1'), 'no events for alice\n');
    const deliveries = await ok('webhooks', 'deliveries', 'alice');
    assert.match(deliveries, /^id\twebhook\tseq\ttype\tstatus\tattempts\tlast_attempt\tlast_code\tlast_error\n1\t2\t1\tdomain\.deleted\tpending\t0\t-\t-\t-\n$/);
    assert.equal(await ok('webhooks', 'redeliver', 'alice', '1'), 'event 1 of alice queued again: deliveries 2\n');
    assert.equal((await run('webhooks', 'redeliver', 'alice', '7')).stderr, 'dmapid: event 7 not found\n');
    assert.equal((await run('webhooks', 'deliveries', 'alice', '--status', 'odd')).code, 1);
  });

  it('shows and sets the balance.low threshold', async () => {
    assert.equal(await ok('webhooks', 'low-balance', 'alice'), 'low balance of alice: 50.00 USD\n');
    assert.equal(await ok('webhooks', 'low-balance', 'alice', '12.5'), 'low balance of alice: 12.50 USD\n');
    assert.equal((await run('webhooks', 'low-balance', 'alice', 'lots')).stderr, 'dmapid: not an amount in USD: lots\n');
  });
});
