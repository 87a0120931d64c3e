import { after, before, describe } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../src/app-deps.ts';
import type { Command } from '../../src/dmapi/command.ts';
import { buildCommandTable } from '../../src/dmapi/command-table.ts';
import { createDispatcher } from '../../src/dmapi/dispatch.ts';
import { createDmapiHttp } from '../../src/dmapi/http.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { Worker } from '../../src/jobs/worker.ts';
import type { Logger } from '../../src/obs/logger.ts';
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
  /** More HTTP headers (Idempotency-Key …). */
  headers?: Record<string, string>;
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

/** Sends a DMAPI request to `http` as a urlencoded POST (or GET) and parses the reply. */
export async function injectCall(http: FastifyInstance, name: string, params: Record<string, string | number> = {}, opts: CallOptions = {}): Promise<TestReply> {
  const form = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  const method = opts.method ?? 'POST';
  const headers: Record<string, string> = { ...opts.headers, ...(opts.cookie ? { cookie: opts.cookie } : {}) };
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await http.inject({
    method,
    url: `/request/${name}${method === 'GET' ? `?${form}` : ''}`,
    ...(method === 'POST' ? { payload: form.toString() } : {}),
    headers,
    remoteAddress: opts.ip ?? '127.0.0.1',
  });
  return toTestReply(res.body, res.statusCode, res.headers['set-cookie']);
}

export function toTestReply(body: string, httpStatus: number, setCookie: string | string[] | undefined): TestReply {
  const parsed = parseReply(body);
  return { ...parsed, raw: body, code: Number(parsed.get('Status-Code')), httpStatus, setCookie: Array.isArray(setCookie) ? setCookie[0] : setCookie };
}

/**
 * The test app's services behind a second DMAPI listener whose command table is `commands`
 * (test-only requests: an async request that makes result rows, one that fails unexpectedly).
 * `log` replaces the logger (to capture its lines); `worker` performs the table's async requests.
 */
export async function withCommands(t: TestApp, commands: readonly Command[], options: { log?: Logger } = {}) {
  const deps: AppDeps = options.log ? { ...t.app.deps, log: options.log } : t.app.deps;
  const table = buildCommandTable(commands);
  const dispatcher = createDispatcher(deps, table);
  const http = await createDmapiHttp(dispatcher, { serverHeader: 'DMAPI/1.2.53 (test)', publicUrl: deps.config.publicUrl, limits: deps.config, log: deps.log });
  const worker = new Worker(deps, jobHandlers(table.commands));
  return {
    http,
    worker,
    call: (name: string, params: Record<string, string | number> = {}, opts: CallOptions = {}) => injectCall(http, name, params, opts),
    close: () => http.close(),
  };
}

export async function startTestApp(dialect: Dialect, config: Partial<Config> = {}): Promise<TestApp & { stop(): Promise<void> }> {
  const handle = await freshDatabase(dialect);
  const clock = new ManualClock();
  const app = await createApp({ config: loadConfig({}, { ...quiet, ...config }), clock, handle });
  const t: TestApp & { stop(): Promise<void> } = {
    app,
    clock,
    dialect,
    call: (name, params = {}, opts = {}) => injectCall(app.http, name, params, opts),
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
