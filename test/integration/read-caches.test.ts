import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { advanceClockOffset } from '../../src/core/settings-clock.ts';
import type { DbHandle } from '../../src/db/database.ts';
import { topUp } from '../../src/billing/ledger.ts';
import { createAccount, createApiKey, revokeApiKey, setAccountStatus, setPassword } from '../../src/services/accounts.ts';
import { dialectsToTest, persistentDatabase, type PersistentDatabase } from '../helpers/databases.ts';
import { injectCall } from '../helpers/harness.ts';
import { trackingIdTime } from '../../src/core/ids.ts';
import { DAY } from '../../src/core/clock.ts';

/**
 * Two apps on one database stand for two nodes (PostgreSQL) or two processes on one SQLite file:
 * what one of them changes, the other sees at its very next request, although each keeps the
 * accounts of its sessions cached (src/dmapi/account-cache.ts).
 */
for (const dialect of dialectsToTest()) {
  describe(`read caches across nodes [${dialect}]`, () => {
    let db: PersistentDatabase;
    const handles: DbHandle[] = [];
    const apps: App[] = [];
    const clock = new ManualClock();
    let a: App;
    let b: App;
    const node = (app: App) => (name: string, params: Record<string, string> = {}) => injectCall(app.http, name, params);

    before(async () => {
      db = await persistentDatabase(dialect);
      for (let i = 0; i < 2; i++) {
        const handle = db.open();
        handles.push(handle);
        apps.push(await createApp({ config: loadConfig({}, { logLevel: 'silent', strictErrors: true, worker: false }), clock, handle }));
      }
      [a, b] = apps as [App, App];
    });
    after(async () => {
      for (const app of apps) await app.close();
      for (const h of handles) await h.close();
      await db.drop();
    });

    const newReseller = async (login: string) => {
      const account = await createAccount(a.deps.db, { login, email: `${login}@example.com`, password: 'secret-pw', balance: 5_000 }, clock.now());
      const sid = (await node(a)('login', { username: login, password: 'secret-pw' })).get('Auth-Sid')!;
      return { account, sid };
    };
    const profile = async (app: App, params: Record<string, string>) => {
      const r = await node(app)('query-profile', params);
      return { code: r.code, balance: /^balance: (.*)$/m.exec(r.body)?.[1], header: r.get('Account-Balance'), body: r.body };
    };

    it('a balance booked on one node shows on the other at its next request, in the body and in Account-Balance', async () => {
      const { account, sid } = await newReseller('cache-money');
      assert.equal((await profile(b, { 'auth-sid': sid })).balance, '50.00');
      await topUp(a.deps.db, { accountId: account.id, amount: 1_234, now: clock.now() });
      const seen = await profile(b, { 'auth-sid': sid });
      assert.equal(seen.balance, '62.34');
      assert.equal(seen.header, '62.34');
    });

    it('any change of the account row (here its profile, written outside every service) is seen by the other node', async () => {
      const { account, sid } = await newReseller('cache-profile');
      assert.match((await profile(b, { 'auth-sid': sid })).body, /^fname: $/m);
      await a.deps.db.updateTable('accounts').set({ profile: JSON.stringify({ fname: 'Ada' }) }).where('id', '=', account.id).execute();
      assert.match((await profile(b, { 'auth-sid': sid })).body, /^fname: Ada$/m);
    });

    it('a session logged out, a password changed or an account disabled on one node ends the session on the other', async () => {
      const out = await newReseller('cache-logout');
      assert.equal((await profile(b, { 'auth-sid': out.sid })).code, 0);
      assert.equal((await node(a)('logout', { 'auth-sid': out.sid })).code, 0);
      assert.equal((await profile(b, { 'auth-sid': out.sid })).code, -401);

      const pw = await newReseller('cache-password');
      assert.equal((await profile(b, { 'auth-sid': pw.sid })).code, 0);
      await setPassword(a.deps.db, pw.account.id, 'another-pw', clock.now());
      assert.equal((await profile(b, { 'auth-sid': pw.sid })).code, -401);
      assert.equal((await node(b)('login', { username: 'cache-password', password: 'another-pw' })).code, 0);

      const off = await newReseller('cache-disabled');
      const { key } = await createApiKey(a.deps.db, off.account.id, 'full', 'k', clock.now());
      assert.equal((await profile(b, { 'api-key': key })).code, 0);
      await setAccountStatus(a.deps.db, off.account.id, 'disabled', clock.now());
      assert.equal((await profile(b, { 'auth-sid': off.sid })).code, -401);
      assert.equal((await profile(b, { 'api-key': key })).code, -401);
    });

    it('an API key revoked on one node stops working on the other, bare and through its sessions', async () => {
      const { account } = await newReseller('cache-key');
      const { id, key } = await createApiKey(a.deps.db, account.id, 'read-only', 'k', clock.now());
      const keySid = (await node(b)('login', { 'api-key': key })).get('Auth-Sid')!;
      assert.equal((await profile(b, { 'api-key': key })).code, 0);
      assert.equal((await profile(b, { 'auth-sid': keySid })).code, 0);
      assert.equal(await revokeApiKey(a.deps.db, id, clock.now()), true);
      assert.equal((await profile(b, { 'api-key': key })).code, -401);
      assert.equal((await profile(b, { 'auth-sid': keySid })).code, -401);
    });
  });

  describe(`the sandbox clock across nodes [${dialect}]`, () => {
    let db: PersistentDatabase;
    let handles: DbHandle[] = [];
    let apps: App[] = [];
    before(async () => {
      db = await persistentDatabase(dialect);
      handles = [db.open(), db.open()];
      // No fixed clock: wall time plus the offset in the database, as `dmapid serve` runs.
      apps = [];
      for (const handle of handles) apps.push(await createApp({ config: loadConfig({}, { logLevel: 'silent', worker: false }), handle }));
    });
    after(async () => {
      for (const app of apps) await app.close();
      for (const h of handles) await h.close();
      await db.drop();
    });

    it('an offset moved through one node (or the CLI) dates the next answer of the other', async () => {
      const [one, other] = apps as [App, App];
      // A refused login is answered too, and needs no session that the jump would end.
      const stamp = async () => trackingIdTime((await injectCall(other.http, 'login', { username: 'nobody', password: 'wrong-pw' })).get('Tracking-Id')!);
      const before = await stamp();
      await advanceClockOffset(one.deps.db, 10 * DAY);
      const afterwards = await stamp();
      assert.ok(afterwards - before >= 10 * DAY, `moved by ${afterwards - before} ms`);
    });
  });
}
