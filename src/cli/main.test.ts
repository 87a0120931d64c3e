import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { dmapid as run, type CliRun } from '../../test/helpers/cli.ts';
import { persistentDatabase, type PersistentDatabase } from '../../test/helpers/databases.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { trackingIdTime } from '../core/ids.ts';
import { verifyPassword } from '../core/password.ts';
import { resolveApiKey } from '../dmapi/sessions.ts';
import { HOUR } from '../core/clock.ts';
import { parseReply } from '../dmapi/reply.ts';

const dmapid = (url: string, ...args: string[]): Promise<CliRun> => run(url, args);

/** Asserts a refused command: non-zero exit, one clear `dmapid: …` line, nothing on stdout. */
function assertRefused(run: CliRun, message: RegExp): void {
  assert.notEqual(run.code, 0, `exit code 0 for: ${run.stdout}`);
  assert.match(run.stderr, message);
  assert.ok(!run.stderr.includes('    at '), `a stack trace leaked: ${run.stderr}`);
  assert.equal(run.stdout, '');
}

forEachDatabase('dmapid CLI', (t) => {
  let db: PersistentDatabase;
  before(async () => {
    db = await persistentDatabase(t().dialect);
  });
  after(async () => {
    await db.drop();
  });

  it('migrates, then manages accounts: create, list, show, passwd, credit', async () => {
    const first = await dmapid(db.url, 'migrate');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^applied: 0001-core/);
    assert.equal((await dmapid(db.url, 'migrate')).stdout, 'schema is up to date\n');
    assert.equal((await dmapid(db.url, 'account', 'list')).stdout, 'no accounts (dmapid account create <login> --email <address>)\n');

    const created = await dmapid(db.url, 'account', 'create', 'Alice', '--email', 'alice@example.com', '--password', 'first-pw', '--balance', '100');
    assert.equal(created.code, 0, created.stderr);
    const uid = /^created account alice \(UID (\d+)\)\n$/.exec(created.stdout)?.[1];
    assert.ok(uid, created.stdout);
    await dmapid(db.url, 'account', 'create', 'bob', '--email', 'bob@example.com', '--currency', 'EUR');

    const list = await dmapid(db.url, 'account', 'list');
    assert.equal(list.stdout, `uid\tlogin\temail\tbalance\tcurrency\tstatus\n${uid}\talice\talice@example.com\t100.00\tUSD\tactive\n${Number(uid) + 1}\tbob\tbob@example.com\t0.00\tEUR\tactive\n`);

    const show = await dmapid(db.url, 'account', 'show', 'alice');
    const kv = new Map(show.stdout.trimEnd().split('\n').map((l) => l.split(': ') as [string, string]));
    assert.equal(kv.get('uid'), uid);
    assert.equal(kv.get('balance'), '100.00');
    assert.equal(kv.get('password'), 'set');

    assert.equal((await dmapid(db.url, 'account', 'passwd', 'alice', '--password', 'second-pw')).stdout, 'password of alice changed; its password sessions ended\n');
    const handle = db.open();
    try {
      const row = await handle.db.selectFrom('accounts').select('password_hash').where('login', '=', 'alice').executeTakeFirstOrThrow();
      assert.equal(await verifyPassword(row.password_hash!, 'second-pw'), true);
      assert.equal(await verifyPassword(row.password_hash!, 'first-pw'), false);
    } finally {
      await handle.close();
    }

    const credit = await dmapid(db.url, 'account', 'credit', 'alice', '25.50');
    assert.equal(credit.code, 0, credit.stderr);
    assert.match(credit.stdout, /^balance of alice: 125\.50 USD/);
    assert.match((await dmapid(db.url, 'account', 'show', 'alice')).stdout, /^balance: 125\.50$/m);
  });

  it('creates, lists and revokes API keys with a scope', async () => {
    await dmapid(db.url, 'account', 'create', 'carol', '--email', 'carol@example.com');
    assert.equal((await dmapid(db.url, 'apikey', 'list', 'carol')).stdout, 'no API keys for carol (dmapid apikey create carol)\n');
    const made = await dmapid(db.url, 'apikey', 'create', 'carol', '--scope', 'read-only', '--label', 'monitoring');
    assert.equal(made.code, 0, made.stderr);
    const m = /^key (\d+) \(read-only\): ([0-9a-f]{64})\n$/.exec(made.stdout);
    assert.ok(m, made.stdout);
    const [, id, key] = m;
    const handle = db.open();
    try {
      const resolved = await resolveApiKey(handle.db, key!);
      assert.equal(resolved?.scope, 'read-only');
      assert.equal(resolved?.account.login, 'carol');
      assert.equal((await dmapid(db.url, 'apikey', 'list', 'carol')).stdout, `id\tkey\tscope\tstatus\tlabel\n${id}\t${key!.slice(0, 8)}…\tread-only\tactive\tmonitoring\n`);
      assert.equal((await dmapid(db.url, 'apikey', 'revoke', id!)).stdout, `key ${id} revoked; its sessions ended\n`);
      assert.equal(await resolveApiKey(handle.db, key!), undefined);
      assert.match((await dmapid(db.url, 'apikey', 'list', 'carol')).stdout, /\tread-only\trevoked\tmonitoring\n$/);
      assertRefused(await dmapid(db.url, 'apikey', 'revoke', id!), new RegExp(`^dmapid: no active key ${id}\\n$`));
    } finally {
      await handle.close();
    }
  });

  it('ends the sessions a credential opened: passwd, account disable, apikey revoke', async () => {
    const handle = db.open();
    const app = await createApp({ config: loadConfig({}, { logLevel: 'silent', worker: false }), handle });
    const call = async (name: string, params: Record<string, string>) => {
      const res = await app.http.inject({ method: 'POST', url: `/request/${name}`, payload: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      return parseReply(res.body);
    };
    const sid = async (params: Record<string, string>) => (await call('login', params)).get('Auth-Sid')!;
    const alive = async (s: string) => (await call('query-profile', { 'auth-sid': s })).get('Status-Code') === '0';
    try {
      await dmapid(db.url, 'account', 'create', 'sess-dan', '--email', 'dan@example.com', '--password', 'old-pw');
      const [, keyId, key] = /^key (\d+) \(full\): ([0-9a-f]{64})\n$/.exec((await dmapid(db.url, 'apikey', 'create', 'sess-dan')).stdout)!;
      const byPassword = await sid({ username: 'sess-dan', password: 'old-pw' });
      const byKey = await sid({ 'api-key': key! });
      assert.ok((await alive(byPassword)) && (await alive(byKey)));

      assert.equal((await dmapid(db.url, 'account', 'passwd', 'sess-dan', '--password', 'new-pw')).code, 0);
      assert.equal(await alive(byPassword), false, 'the old password session ended');
      assert.equal(await alive(byKey), true, 'a key session is not the password');
      const second = await sid({ username: 'sess-dan', password: 'new-pw' });
      assert.equal(await alive(second), true);

      assert.equal((await dmapid(db.url, 'account', 'disable', 'sess-dan')).stdout, 'account sess-dan disabled\n');
      assert.equal(await alive(second), false);
      assert.equal(await alive(byKey), false);
      assert.equal((await dmapid(db.url, 'account', 'enable', 'sess-dan')).stdout, 'account sess-dan active\n');
      assert.equal(await alive(second), false, 'enabling again does not revive ended sessions');
      assert.equal(await alive(byKey), false);

      const fresh = await sid({ 'api-key': key! });
      assert.equal(await alive(fresh), true);
      assert.equal((await dmapid(db.url, 'apikey', 'revoke', keyId!)).code, 0);
      assert.equal(await alive(fresh), false);
    } finally {
      await app.close();
      await handle.close();
    }
  });

  it('moves the shared clock; a running app picks the offset up, and the CLI itself uses it', async () => {
    const handle = db.open();
    const app = await createApp({ config: loadConfig({}, { logLevel: 'silent', worker: false }), handle });
    try {
      const before = Date.now();
      assert.match((await dmapid(db.url, 'clock', 'show')).stdout, /^now: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(offset 0 s\)\n$/);
      const advanced = await dmapid(db.url, 'clock', 'advance', '6h');
      assert.equal(advanced.code, 0, advanced.stderr);
      assert.match(advanced.stdout, /\(offset 21600 s\)\n$/);
      assert.match((await dmapid(db.url, 'clock', 'advance', '1d30m')).stdout, /\(offset 109800 s\)\n$/);
      const offset = 109_800_000;

      // The app reads the offset before each request: the Tracking-Id carries the moved time.
      const res = await app.http.inject({ method: 'GET', url: '/request/version' });
      const stamped = trackingIdTime(parseReply(res.body).get('Tracking-Id')!);
      assert.ok(stamped >= before + offset && stamped <= Date.now() + offset, `${stamped - before} ms ahead`);
      assert.ok(Math.abs(app.deps.clock.now() - (Date.now() + offset)) < 5000);

      // Records the CLI writes are stamped with the sandbox time too.
      await dmapid(db.url, 'account', 'create', 'dave', '--email', 'dave@example.com');
      const row = await handle.db.selectFrom('accounts').select('created_at').where('login', '=', 'dave').executeTakeFirstOrThrow();
      assert.ok(row.created_at >= before + offset - HOUR / 60, 'created_at follows the sandbox clock');
    } finally {
      await app.close();
      await handle.close();
    }
  });

  it('refuses bad input with a clear message and a non-zero exit code', async () => {
    await dmapid(db.url, 'account', 'create', 'erin', '--email', 'erin@example.com');
    // Independent refusals run side by side: each is a process start. The ones decided before the
    // database is read (option parsing) are the same on both databases and run on the first only.
    const cases: Array<[string[], RegExp]> = [
      [['apikey', 'create', 'erin', '--scope', 'root'], /^dmapid: --scope must be one of full, read-only, modify-only\n$/],
      [['apikey', 'create', 'nobody'], /^dmapid: no account nobody\n$/],
      [['account', 'show', 'nobody'], /^dmapid: no account nobody\n$/],
      [['account', 'passwd', 'nobody', '--password', 'xxxxx'], /^dmapid: no account nobody\n$/],
      [['account', 'credit', 'nobody', '5'], /no account nobody/],
      [['account', 'credit', 'erin', 'ten'], /ten/],
      [['clock', 'advance', '6x'], /^dmapid: 6x is not a duration like 90s, 6h, 5d, 1w\n$/],
      [['clock', 'advance', '-1h'], /error: unknown option '-1h'|is not a duration/],
      [['account', 'create', 'frank', '--email', 'frank@example.com', '--balance', '12.345'], /argument '12\.345' is invalid\. not an amount like 100 or 12\.50/],
      [['account', 'create', 'frank', '--email', 'not-an-address'], /^dmapid: email: not an e-mail address\n$/],
      [['account', 'create', 'frank', '--email', 'frank@example.com', '--currency', 'XYZ'], /^dmapid: unsupported currency XYZ\n$/],
      [['account', 'create', 'erin', '--email', 'erin@example.com'], /^dmapid: account erin exists already\n$/],
      [['apikey', 'revoke', 'abc'], /^dmapid: abc is not a key id/],
      [['no-such-command'], /unknown command 'no-such-command'/],
    ];
    const beforeDb = new Set(['root', '6x', '-1h', '12.345', 'abc', 'no-such-command']);
    const chosen = t().dialect === 'sqlite' ? cases : cases.filter(([args]) => !args.some((a) => beforeDb.has(a)));
    const runs = await Promise.all(chosen.map(([args]) => dmapid(db.url, ...args)));
    for (const [i, run] of runs.entries()) assertRefused(run, chosen[i]![1]);
    // Nothing was created by the refusals.
    const list = await dmapid(db.url, 'account', 'list');
    assert.ok(!list.stdout.includes('frank'));
  });
});
