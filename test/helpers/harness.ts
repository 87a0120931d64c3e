import { after, before, describe } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createApp, type App } from '../../src/app.ts';
import type { Dialect } from '../../src/db/database.ts';
import { createAccount, createApiKey, type NewAccountInput } from '../../src/services/accounts.ts';
import type { Scope, Account } from '../../src/db/schema.ts';
import { parseReply, type ParsedReply } from '../../src/dmapi/reply.ts';
import { dialectsToTest, freshDatabase } from './databases.ts';

export interface TestApp {
  app: App;
  clock: ManualClock;
  dialect: Dialect;
  /** Sends a DMAPI request as a urlencoded POST (or GET with `method: 'GET'`) and parses the reply. */
  call(name: string, params?: Record<string, string | number>, opts?: CallOptions): Promise<TestReply>;
  /** Creates a reseller with a full-scope session; `scope` adds a key of that scope and a session on it. */
  reseller(login: string, input?: Partial<NewAccountInput>): Promise<Reseller>;
  /** Performs every due job. */
  work(): Promise<number>;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  cookie?: string;
  ip?: string;
}

export interface TestReply extends ParsedReply {
  raw: string;
  code: number;
  httpStatus: number;
  setCookie: string | undefined;
}

export interface Reseller {
  account: Account;
  sid: string;
  /** Logs in with an API key of the given scope and returns that session id. */
  session(scope: Scope): Promise<string>;
}

const quiet = { logLevel: 'silent', strictErrors: true, worker: false } as const;

export async function startTestApp(dialect: Dialect, config: Partial<Config> = {}): Promise<TestApp & { stop(): Promise<void> }> {
  const handle = await freshDatabase(dialect);
  const clock = new ManualClock();
  const app = await createApp({ config: loadConfig({}, { ...quiet, ...config }), clock, handle });
  const t: TestApp & { stop(): Promise<void> } = {
    app,
    clock,
    dialect,
    async call(name, params = {}, opts = {}) {
      const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
      const method = opts.method ?? 'POST';
      const res = await app.http.inject({
        method,
        url: `/request/${name}${method === 'GET' ? `?${form}` : ''}`,
        ...(method === 'POST' ? { payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.cookie ? { cookie: opts.cookie } : {}) } } : opts.cookie ? { headers: { cookie: opts.cookie } } : {}),
        remoteAddress: opts.ip ?? '127.0.0.1',
      });
      const parsed = parseReply(res.body);
      const sc = res.headers['set-cookie'];
      return { ...parsed, raw: res.body, code: Number(parsed.get('Status-Code')), httpStatus: res.statusCode, setCookie: Array.isArray(sc) ? sc[0] : sc };
    },
    async reseller(login, input = {}) {
      const account = await createAccount(app.deps.db, { login, email: `${login}@example.com`, password: 'secret-pw', balance: 100_000, ...input }, clock.now());
      const loginWithKey = async (scope: Scope) => {
        const { key } = await createApiKey(app.deps.db, account.id, scope, `${scope} test key`, clock.now());
        const r = await t.call('login', { 'api-key': key });
        if (r.code !== 0) throw new Error(`login failed: ${r.raw}`);
        return r.get('Auth-Sid')!;
      };
      return { account, sid: await loginWithKey('full'), session: loginWithKey };
    },
    work: () => app.worker.runUntilIdle(),
    async stop() {
      await app.close();
      await handle.drop();
    },
  };
  return t;
}

/**
 * Declares `body` once per database dialect under test, each with its own fresh app:
 * the same assertions run on SQLite and on PostgreSQL.
 */
export function forEachDatabase(title: string, body: (t: () => TestApp) => void, config: Partial<Config> = {}): void {
  for (const dialect of dialectsToTest()) {
    describe(`${title} [${dialect}]`, () => {
      let current: Awaited<ReturnType<typeof startTestApp>> | undefined;
      before(async () => {
        current = await startTestApp(dialect, config);
      });
      after(async () => {
        await current?.stop();
      });
      body(() => {
        if (!current) throw new Error('test app not started');
        return current;
      });
    });
  }
}
