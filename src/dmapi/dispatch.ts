import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import type { Account, Scope } from '../db/schema.ts';
import type { Executor } from '../db/database.ts';
import { trackingId as newTrackingId } from '../core/ids.ts';
import { formatAmount } from '../core/money.ts';
import { enqueue } from '../jobs/queue.ts';
import { openResult, setResultObject, completeResult } from '../services/results.ts';
import type { Access, Command, CommandReply, RawParams, RequestContext } from './command.ts';
import { isModifying } from './command.ts';
import type { CommandTable } from './command-table.ts';
import { DmapiError, errorCatalogue, universalErrors, type ErrorKey } from './errors.ts';
import { claimKey, fingerprint, idempotencyKeyOf, storeReply } from '../services/idempotency.ts';
import { enforcePolicies, parsePolicy, type AccessPolicy } from '../services/access-policy.ts';
import { formatReply, type HeaderList } from './reply.ts';
import { resolveApiKeyCounted, resolveSession, type ActiveSession } from './sessions.ts';
import { AccountCache } from './account-cache.ts';
import { retryText } from '../services/auth-throttle.ts';

export const DMAPI_VERSION = '1.2.53';

export interface IncomingRequest {
  name: string;
  /** Form variables from query and body; names are lowercased here. */
  params: Record<string, string>;
  cookieSid?: string | undefined;
  ip: string;
  /** A browser says the request comes from another site (Sec-Fetch-Site, Origin). */
  crossSite?: boolean;
  /** The Idempotency-Key HTTP header (the parameter `idempotency-key` does the same). */
  idempotencyKey?: string | undefined;
  /** The caller sends `DispatchOutcome.more` itself (the HTTP listener); others get the whole text. */
  streams?: boolean;
}

export interface DispatchOutcome {
  text: string;
  trackingId: string;
  /** Session id to set as the dmapi-auth cookie. */
  cookie?: string;
  /** `text` is a file body without DMAPI headers. */
  download?: { filename: string; contentType: string };
  /** The HTTP status when it is not 200: 401 for a dead session (httpStatusOf). */
  httpStatus?: number;
  /** Seconds for a Retry-After header (a used-up request budget). */
  retryAfter?: number;
  /** The rest of the body, to send after `text` (only when the request `streams`). */
  more?: AsyncIterable<string>;
}

/**
 * A missing, expired or invalid session is answered with HTTP 401 (carrying the usual -401 body):
 * Joker's own panel drops its session only on HTTP 401, RUBYJA and m247 read -401 from the body,
 * and lego and lexicon fail on any non-200 anyway, which a dead session is for them. Every other
 * DMAPI answer is HTTP 200.
 */
export const httpStatusOf = (key: ErrorKey): number | undefined => (key === 'SESSION_INVALID' ? 401 : undefined);


// No colon in these texts: LEX shows an Error value only up to its first colon (dmapi-wire §1.3).
const deniedText = (scope: Scope, request: string): string =>
  scope === 'read-only'
    ? `this session uses a read-only API key, which cannot modify anything (${request})`
    : `this session uses a modify-only API key, which cannot run requests that cause costs (${request})`;

function allowed(scope: Scope, access: Access): boolean {
  if (scope === 'full') return true;
  if (scope === 'read-only') return access === 'read';
  return access !== 'costs';
}

/** Turns zod issues (parsed with `reportInput: true`) into DMAPI errors that name the parameter and the problem. */
export function paramErrors(issues: readonly z.core.$ZodIssue[]): DmapiError {
  const lines: string[] = [];
  let key: ErrorKey | undefined;
  for (const issue of issues) {
    const name = issue.path.map(String).join('.');
    // Needs `reportInput`: without it zod leaves `input` out and every issue would look like this.
    const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined;
    const k: ErrorKey = missing ? 'PARAM_MISSING' : ((issue as { params?: { dmapi?: ErrorKey } }).params?.dmapi ?? 'PARAM_SYNTAX');
    key ??= k;
    // No colon between the name and its problem: lexicon keeps an Error value only up to its first colon.
    lines.push(missing ? `missing parameter '${name}'` : name ? `invalid '${name}' (${issue.message})` : issue.message);
  }
  return new DmapiError(key ?? 'PARAM_SYNTAX', lines);
}

/**
 * The one input check for values echoed into line-oriented replies: no parameter name or value
 * holds a control character (a line break would forge a line, a tab shift a column; NUL cannot be
 * stored on PostgreSQL), except the multi-line text a request declares (a zone), which may hold
 * line breaks and tabs but no other control character.
 */
const controlChar = /[\x00-\x1f\x7f]/;
const controlInText = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const shown = (name: string) => name.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
function rejectControlCharacters(raw: RawParams, multiline: readonly string[] = []): void {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (controlChar.test(k)) lines.push(`invalid parameter name '${shown(k)}' (must not contain control characters)`);
    else if ((multiline.includes(k) ? controlInText : controlChar).test(v)) {
      lines.push(multiline.includes(k) ? `invalid '${k}' (must not contain control characters other than line breaks and tabs)` : `invalid '${k}' (must not contain control characters such as line breaks or tabs)`);
    }
  }
  if (lines.length) throw new DmapiError('PARAM_SYNTAX', lines);
}

/** A client's transaction id, echoed as one field of result-list lines: EPP's clTRID, without spaces. */
const clientTrid = /^[\x21-\x7e]{1,64}$/;
function checkCltrid(raw: RawParams): void {
  const v = raw['cltrid'];
  if (v !== undefined && v !== '' && !clientTrid.test(v)) throw new DmapiError('PARAM_SYNTAX', "invalid 'cltrid' (1 to 64 printable characters without spaces)");
}

/**
 * Another site can make a logged-in browser send the dmapi-auth cookie, but cannot know the
 * session id: a change that only the cookie vouches for is refused when the browser says the
 * request comes from another site. (With the cookie present an api-key parameter is not used,
 * so it does not count.)
 */
function refuseCrossSiteCookie(raw: RawParams, req: IncomingRequest): void {
  if (req.crossSite && req.cookieSid && !raw['auth-sid']) {
    throw new DmapiError('ACCESS_DENIED', 'a request from another site cannot change anything with the session cookie alone (pass auth-sid)');
  }
}

async function joined(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const c of chunks) out += c;
  return out;
}

function lowerKeys(params: Record<string, string>): RawParams {
  const out: RawParams = {};
  for (const [k, v] of Object.entries(params)) {
    const name = k.toLowerCase();
    if (!(name in out)) out[name] = v;
  }
  return out;
}

/** lookup → session → access → params → run or accept → reply, always in this order. */
export function createDispatcher(deps: AppDeps, table: CommandTable) {
  const accounts = new AccountCache();
  async function authenticate(raw: RawParams, cookieSid: string | undefined, ip: string, now: number): Promise<ActiveSession> {
    const sid = raw['auth-sid'] || cookieSid;
    if (sid) {
      const s = await resolveSession(deps.db, sid, now, deps.config.sessionTimeout * 1000, accounts);
      if (s) return s;
      throw new DmapiError('SESSION_INVALID', 'session expired or invalid; please log in again');
    }
    // Some clients (JAPI) send the API key with every request instead of logging in.
    if (raw['api-key']) {
      const k = await resolveApiKeyCounted(deps.db, raw['api-key'], ip, now, deps.config.loginFailureLimit, accounts);
      if ('throttled' in k) throw new DmapiError('LOGIN_THROTTLED', retryText(k.throttled, now));
      if (k.found) return { account: k.found.account, scope: k.found.scope, sessionId: null, keyId: k.found.keyId, keyPolicy: k.found.keyPolicy };
      throw new DmapiError('SESSION_INVALID', 'API key is invalid');
    }
    throw new DmapiError('SESSION_INVALID', 'no session; log in and pass auth-sid');
  }

  function errorHeaders(err: DmapiError): HeaderList {
    const def = errorCatalogue[err.key];
    return [['Status-Code', String(def.code)], ['Status-Text', def.text], ...err.details.map((d) => ['Error', d] as const)];
  }

  function render(status: HeaderList, trackingId: string, reply: CommandReply, extra: HeaderList, version = DMAPI_VERSION): string {
    return formatReply({
      headers: [...status, ['SvTrId', trackingId], ['Tracking-Id', trackingId], ['Version', version], ...extra, ...(reply.headers ?? [])],
      body: reply.body ?? '',
    });
  }

  /** An error reply outside any request (bad body, unknown route): still a well-formed DMAPI answer. */
  function failure(err: DmapiError, now = deps.clock.now()): DispatchOutcome {
    const trackingId = newTrackingId(now);
    const httpStatus = httpStatusOf(err.key);
    return { text: render(errorHeaders(err), trackingId, {}, []), trackingId, ...(httpStatus ? { httpStatus } : {}) };
  }

  /** The answer to `GET /`: where the requests live, for someone who opened the base URL. */
  function welcome(): DispatchOutcome {
    const trackingId = newTrackingId(deps.clock.now());
    const body = [
      'dmapid speaks DMAPI: send requests to /request/<name> (GET query string or POST form)',
      'log in: /request/login?username=<login>&password=<password> (or api-key=<key>); pass the Auth-Sid it answers as auth-sid=, or keep its dmapi-auth cookie',
      'then: /request/query-request-list lists the requests this account may send',
    ].join('\n');
    return { text: render([['Status-Code', '0'], ['Status-Text', 'Command completed successfully']], trackingId, { body }, []), trackingId };
  }

  /** A request of the command table, by name or alias. */
  const dispatch = (req: IncomingRequest): Promise<DispatchOutcome> => dispatchTo(table.lookup(req.name), req);

  /**
   * Runs `command` (undefined: an unknown request) for `req` through the same steps as a table
   * request: the side routes (/whois) use it for requests that have an address of their own.
   */
  async function dispatchTo(command: Command | undefined, req: IncomingRequest): Promise<DispatchOutcome> {
    const started = performance.now();
    const seen: Seen = {};
    const out = await answer(command, req, seen);
    observe(command?.name ?? 'unknown', out, seen, (performance.now() - started) / 1000);
    return out;
  }

  /** Who asked and how it ended, for the request's log line and metrics (never a credential). */
  interface Seen {
    account?: string;
    code?: number;
  }

  function observe(request: string, out: DispatchOutcome, seen: Seen, seconds: number): void {
    const code = seen.code ?? 0;
    deps.metrics.requests.inc({ request, code: String(code) });
    deps.metrics.requestSeconds.observe({ request }, seconds);
    deps.log.info({ request, code, ms: Math.round(seconds * 10_000) / 10, account: seen.account, trackingId: out.trackingId, ...(out.httpStatus ? { http: out.httpStatus } : {}) }, 'request');
  }

  async function answer(command: Command | undefined, req: IncomingRequest, seen: Seen): Promise<DispatchOutcome> {
    await deps.syncClock();
    const now = deps.clock.now();
    const trackingId = newTrackingId(now);
    const raw = lowerKeys(req.params);
    let session: ActiveSession | undefined;
    try {
      if (!command) throw new DmapiError('UNKNOWN_REQUEST', `unknown request '${req.name}'`);
      if (command.session === 'required') {
        if (isModifying(command)) refuseCrossSiteCookie(raw, req);
        session = await authenticate(raw, req.cookieSid, req.ip, now);
        seen.account = session.account.login;
        // Allowed addresses and request budgets of the account and the key (off unless an operator set them).
        if (session.account.access_policy || session.keyPolicy) {
          const policies: Array<[string, AccessPolicy | undefined]> = [[`account:${session.account.id}`, parsePolicy(session.account.access_policy)], [`key:${session.keyId ?? 0}`, parsePolicy(session.keyPolicy)]];
          await enforcePolicies(deps.db, { policies, ip: req.ip, request: command.name, now });
        }
        if (!allowed(session.scope, command.access)) throw new DmapiError('ACCESS_DENIED', deniedText(session.scope, command.name));
      }
      rejectControlCharacters(raw, command.multiline);
      // A modifying request stores its cltrid and result-list echoes it; elsewhere cltrid is a filter.
      if (isModifying(command)) checkCltrid(raw);
      const parsed = command.params.safeParse(raw, { reportInput: true });
      if (!parsed.success) throw paramErrors(parsed.error.issues);
      const { reply, procId, balance } = await execute(command, parsed.data, raw, session, req, now, trackingId);
      const extra: HeaderList = [];
      if (procId !== undefined) extra.push(['Proc-ID', String(procId)]);
      if (balance !== undefined) extra.push(['Account-Balance', balance]);
      const okText = command.name === 'login' || command.name === 'logout' ? 'OK' : 'Command completed successfully';
      const version = command.name === 'login' ? '1.2' : DMAPI_VERSION;
      const cookie = reply.headers?.find(([n]) => n === 'Auth-Sid')?.[1] ?? (session?.sessionId ? raw['auth-sid'] || req.cookieSid : undefined);
      if (reply.download) return { text: reply.body ?? '', trackingId, download: reply.download, ...(cookie ? { cookie } : {}) };
      const text = render([['Status-Code', '0'], ['Status-Text', okText]], trackingId, reply, extra, version);
      if (reply.more && req.streams) return { text, trackingId, more: reply.more(), ...(cookie ? { cookie } : {}) };
      return { text: reply.more ? text + (await joined(reply.more())) : text, trackingId, ...(cookie ? { cookie } : {}) };
    } catch (caught) {
      const err = asDmapiError(caught, trackingId, command?.name);
      if (command && deps.config.strictErrors && !command.errors.includes(err.key) && !universalErrors.includes(err.key)) {
        deps.log.error({ request: command.name, error: err.key }, 'request answered an error missing from its declaration');
        seen.code = errorCatalogue.INTERNAL.code;
        return failure(new DmapiError('INTERNAL', `${command.name} answered undeclared error ${err.key} (${err.details.join('; ')})`), now);
      }
      const httpStatus = httpStatusOf(err.key);
      seen.code = errorCatalogue[err.key].code;
      return { text: render(errorHeaders(err), trackingId, {}, []), trackingId, ...(httpStatus ? { httpStatus } : {}), ...(err.retryAfter ? { retryAfter: err.retryAfter } : {}) };
    }
  }

  function asDmapiError(caught: unknown, trackingId: string, request: string | undefined): DmapiError {
    if (caught instanceof DmapiError) return caught;
    deps.log.error({ err: caught, trackingId, request }, 'request failed unexpectedly');
    return new DmapiError('INTERNAL', `internal error; quote Tracking-Id ${trackingId} when reporting it`);
  }

  async function execute(
    command: Command,
    params: unknown,
    raw: RawParams,
    session: ActiveSession | undefined,
    req: IncomingRequest,
    now: number,
    trackingId: string,
  ): Promise<{ reply: CommandReply; procId?: number; balance?: string }> {
    const makeCtx = (db: Executor, procId: number | undefined): RequestContext => ({
      deps,
      db,
      now,
      trackingId,
      ip: req.ip,
      raw,
      get account(): Account {
        if (!session) throw new Error(`${command.name} has no session`);
        return session.account;
      },
      sessionId: session?.sessionId ?? null,
      get scope(): Scope {
        return session?.scope ?? 'read-only';
      },
      get procId(): number {
        if (procId === undefined) throw new Error(`${command.name} is not a modifying request`);
        return procId;
      },
      enqueue: (kind, payload, o) => enqueue(db, now, kind, payload, { accountId: session?.account.id ?? null, ...o }),
      requireAccess(access, what) {
        if (access !== 'read') refuseCrossSiteCookie(raw, req);
        const scope = session?.scope ?? 'read-only';
        if (!allowed(scope, access)) throw new DmapiError('ACCESS_DENIED', deniedText(scope, what));
      },
    });
    const balanceOf = (a: Pick<Account, 'balance' | 'reserved' | 'currency'>) => formatAmount(a.balance - a.reserved, a.currency);

    if (!isModifying(command) || !session) {
      if (command.execution !== 'sync') throw new Error(`${command.name}: async requests must be modifying`);
      const reply = await command.run(makeCtx(deps.db, undefined), params);
      return { reply, ...(session ? { balance: balanceOf(session.account) } : {}) };
    }

    const accountId = session.account.id;
    // A repeated request with the same key answers the first one's reply, with no second effect (services/idempotency.ts).
    const key = idempotencyKeyOf(raw, req.idempotencyKey);
    const out = await deps.db.transaction().execute(async (trx) => {
      if (key) {
        const prior = await claimKey(trx, { accountId, key, request: command.name, fingerprint: fingerprint(command.name, raw), now });
        if (prior) return { reply: { headers: prior.headers ?? [], body: prior.body ?? '' }, ...(prior.procId !== undefined ? { procId: prior.procId } : {}), ...(prior.balance !== undefined ? { balance: prior.balance } : {}) };
      }
      const procId = await openResult(trx, { accountId, svtrid: trackingId, cltrid: raw['cltrid'] || null, requestType: command.name, now });
      const ctx = makeCtx(trx, procId);
      let reply: CommandReply;
      if (command.execution === 'sync') {
        reply = await command.run(ctx, params);
        await completeResult(trx, procId, { status: 'ack', object: reply.object ?? '', text: reply.resultText ?? '' }, now);
      } else {
        const accepted = await command.accept(ctx, params);
        await setResultObject(trx, procId, accepted.object);
        const objectKey = command.objectKind && accepted.object ? `${command.objectKind}:${accepted.object}` : null;
        await enqueue(trx, now, command.name, accepted.job, { resultId: procId, accountId, objectKey });
        reply = accepted;
      }
      const acct = await trx.selectFrom('accounts').select(['balance', 'reserved', 'currency']).where('id', '=', accountId).executeTakeFirstOrThrow();
      const balance = balanceOf(acct);
      if (key) await storeReply(trx, accountId, key, { ...(reply.headers ? { headers: reply.headers } : {}), ...(reply.body !== undefined ? { body: reply.body } : {}), procId, balance });
      return { reply, procId, balance };
    });
    // Sync requests may queue jobs too (dns-zone-put's NOTIFY): let the worker look at once.
    deps.wake();
    return out;
  }

  return { dispatch, dispatchTo, failure, welcome };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
