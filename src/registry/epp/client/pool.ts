import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../../obs/logger.ts';
import { encodeCommand, encodeHello } from '../commands.ts';
import { decodeServerFrame } from '../responses.ts';
import { NS } from '../xml.ts';
import type { Command, Greeting, Response } from '../types.ts';
import { RegistryTransportError, RegistryUnavailable } from '../../faults.ts';
import { Circuit, RateLimit } from './circuit.ts';
import { ConnectFailed, EppConnection } from './connection.ts';
import type { RegistryTarget } from './settings.ts';

/** The objects and extensions dmapid can use; the login asks for those the greeting offers. */
const WANTED_OBJECTS: readonly string[] = [NS.domain, NS.host, NS.contact];
const WANTED_EXTENSIONS: readonly string[] = [NS.rgp, NS.secDNS, NS.fee, NS.secureAuthInfo, NS.dmapid];

export interface PoolOptions {
  target: RegistryTarget;
  log: Logger;
  /** The clock of the circuit and backoff (wall time in a server, the test clock in tests). */
  now: () => number;
}

/** What one command exchanged: the answer and both frames as sent and received. */
export interface Exchange {
  response: Response;
  sent: string;
  received: string;
}

interface Session {
  conn: EppConnection;
  busy: boolean;
  helloTimer: NodeJS.Timeout | undefined;
}

let counter = 0;
const clTRID = () => `DMAPID-${randomBytes(3).toString('hex')}-${(++counter).toString(36)}`;

/**
 * The sessions of one registry: at most `sessions` logged-in connections, each carrying one
 * command at a time. A session is made on demand (greeting, login with what the greeting
 * offers), kept alive with hello while idle, and dropped when the registry closes it (the next
 * command logs in afresh). Failures feed the registry's circuit; while it is open, or while a
 * new connection waits out its backoff, calls fail with RegistryUnavailable and nothing is sent.
 */
export class SessionPool {
  readonly target: RegistryTarget;
  readonly circuit: Circuit;
  private readonly log: Logger;
  private readonly rate: RateLimit;
  private readonly sessions = new Set<Session>();
  private readonly waiters: Array<(s: Session | undefined) => void> = [];
  /** Lowered when the registry answers 2502: it allows fewer sessions than configured. */
  private limit: number;
  private connecting = 0;
  private offered: Greeting | undefined;
  private closing = false;

  constructor(o: PoolOptions) {
    this.target = o.target;
    this.log = o.log;
    this.limit = o.target.sessions;
    this.circuit = new Circuit({ threshold: o.target.failuresToOpen, baseMs: 1000, maxMs: 300_000, now: o.now });
    // Spacing commands is about real throughput, so it reads real time, not the sandbox clock.
    this.rate = new RateLimit(o.target.commandsPerSecond, () => performance.now());
  }

  /** The greeting of the latest session (what the registry offers). */
  get greeting(): Greeting | undefined {
    return this.offered;
  }

  /** Whether the registry's latest greeting offered `uri` and dmapid logs in with it. */
  uses(uri: string): boolean {
    return !!this.offered?.extURIs.includes(uri) && !this.target.disableExtensions.includes(uri);
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Sends one command and returns the answer. `build` makes the command once a session is
   * logged in, so it can look at what the registry offers (`uses`); what it throws is thrown
   * here, nothing sent. `idempotent` commands (check, info, query, poll req) are sent once more
   * on a fresh session when the connection broke before the answer; any other broken exchange
   * throws RegistryTransportError (the job retries and checks first). `record` sees every
   * exchange, answered or not.
   */
  async run(build: () => Command, o: { idempotent: boolean; record?: ((x: { sent: string; received: string | null; code: number | null }) => Promise<void>) | undefined }): Promise<Exchange> {
    try {
      return await this.once(build, o.record);
    } catch (e) {
      if (!o.idempotent || !(e instanceof RegistryTransportError) || this.circuit.state !== 'closed') throw e;
      return this.once(build, o.record);
    }
  }

  private async once(build: () => Command, record: Parameters<SessionPool['run']>[1]['record']): Promise<Exchange> {
    const session = await this.acquire();
    let sent: string;
    try {
      sent = encodeCommand({ ...build(), clTRID: clTRID() });
    } catch (e) {
      this.release(session);
      throw e;
    }
    const wait = this.rate.delay();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    let received: string;
    try {
      received = await session.conn.exchange(sent, this.target.timeoutSeconds * 1000);
    } catch (e) {
      this.discard(session);
      this.failed(e instanceof Error ? e.message : String(e));
      await record?.({ sent, received: null, code: null });
      throw e instanceof RegistryTransportError ? new RegistryTransportError(`registry ${this.target.name}: ${e.message}`) : e;
    }
    let response: Response;
    try {
      const f = decodeServerFrame(received);
      if (f.kind !== 'response') throw new Error('a greeting instead of a response');
      response = f.response;
    } catch (e) {
      this.discard(session);
      this.failed(`unreadable answer: ${(e as Error).message}`);
      await record?.({ sent, received, code: null });
      throw new RegistryTransportError(`registry ${this.target.name}: unreadable answer: ${(e as Error).message}`);
    }
    const code = response.results[0]?.code ?? 2400;
    // 2500-2502 end the session (RFC 5730 §3); 2502 also says we hold more sessions than allowed.
    if (code >= 2500) {
      if (code === 2502) this.lowerLimit();
      this.discard(session);
      this.failed(`answer ${code}`);
    } else {
      this.circuit.success();
      this.release(session);
    }
    await record?.({ sent, received, code });
    return { response, sent, received };
  }

  /** Logs out of every session and closes them (shutdown). */
  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.waiters.splice(0)) w(undefined);
    await Promise.all(
      [...this.sessions].map(async (s) => {
        if (!s.busy) await s.conn.exchange(encodeCommand({ cmd: 'logout', clTRID: clTRID() }), 2000).catch(() => undefined);
        this.discard(s);
      }),
    );
  }

  private unavailable(why: string): RegistryUnavailable {
    return new RegistryUnavailable(`registry ${this.target.name} unavailable: ${why}`, Math.max(5_000, this.circuit.waitMs()));
  }

  private async acquire(): Promise<Session> {
    if (this.closing) throw this.unavailable('shutting down');
    if (!this.circuit.allow()) throw this.unavailable(`circuit open after ${this.circuit.consecutiveFailures} failures`);
    try {
      return await this.session();
    } catch (e) {
      this.circuit.abandon();
      throw e;
    }
  }

  /** An idle session, a new one within the limit, or the next one released (waiting at most the command timeout). */
  private async session(): Promise<Session> {
    for (const s of this.sessions) {
      if (!s.busy && !s.conn.closed) return this.take(s);
    }
    if (this.sessions.size + this.connecting < this.limit) return this.take(await this.connect());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(give);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(this.unavailable(`all ${this.limit} sessions stayed busy`));
      }, this.target.timeoutSeconds * 1000);
      timer.unref();
      const give = (s: Session | undefined) => {
        clearTimeout(timer);
        if (s) resolve(this.take(s));
        else reject(this.unavailable('shutting down'));
      };
      this.waiters.push(give);
    });
  }

  private take(s: Session): Session {
    s.busy = true;
    if (s.helloTimer) clearTimeout(s.helloTimer);
    s.helloTimer = undefined;
    return s;
  }

  private release(s: Session): void {
    s.busy = false;
    if (s.conn.closed) return this.discard(s);
    const next = this.waiters.shift();
    if (next) return next(s);
    s.helloTimer = setTimeout(() => void this.hello(s), this.target.helloSeconds * 1000);
    s.helloTimer.unref();
  }

  private async hello(s: Session): Promise<void> {
    if (s.busy || s.conn.closed) return;
    this.take(s);
    try {
      const f = decodeServerFrame(await s.conn.exchange(encodeHello(), this.target.timeoutSeconds * 1000));
      if (f.kind !== 'greeting') throw new Error('hello answered without a greeting');
      this.offered = f.greeting;
      this.release(s);
    } catch (e) {
      this.log.warn({ registry: this.target.name, err: (e as Error).message }, 'EPP keepalive failed; the session is dropped');
      this.discard(s);
    }
  }

  private discard(s: Session): void {
    if (s.helloTimer) clearTimeout(s.helloTimer);
    s.conn.close();
    this.sessions.delete(s);
  }

  private lowerLimit(): void {
    const was = this.limit;
    this.limit = Math.max(1, Math.min(this.limit, this.sessions.size + this.connecting - 1));
    if (this.limit < was) this.log.warn({ registry: this.target.name, sessions: this.limit }, 'the registry allows fewer EPP sessions (2502); using fewer');
  }

  private failed(why: string, kind: 'connect' | 'exchange' = 'exchange'): void {
    const was = this.circuit.state;
    this.circuit.failure(kind);
    if (was === 'closed' && this.circuit.state !== 'closed') this.log.error({ registry: this.target.name, failures: this.circuit.consecutiveFailures, why }, 'registry circuit open: commands wait until it answers again');
  }

  /** A new logged-in session: connect (TLS, greeting), then login with what the greeting offers. */
  private async connect(): Promise<Session> {
    if (!this.circuit.mayConnect()) throw this.unavailable(`reconnecting after a failure (in ${this.circuit.waitMs()} ms)`);
    const t = this.target;
    this.connecting++;
    let conn: EppConnection | undefined;
    try {
      conn = await EppConnection.open({ host: t.host, port: t.port, cert: t.cert, key: t.key, ca: t.ca, serverName: t.serverName, insecure: t.insecure, timeoutMs: t.timeoutSeconds * 1000 });
      const g = conn.greeting;
      const objURIs = WANTED_OBJECTS.filter((u) => g.objURIs.includes(u));
      const extURIs = WANTED_EXTENSIONS.filter((u) => g.extURIs.includes(u) && !t.disableExtensions.includes(u));
      const login = encodeCommand({ cmd: 'login', clID: t.login, pw: t.password, objURIs, extURIs, clTRID: clTRID() });
      const f = decodeServerFrame(await conn.exchange(login, t.timeoutSeconds * 1000));
      const result = f.kind === 'response' ? f.response.results[0] : undefined;
      if (!result || result.code !== 1000) {
        if (result?.code === 2502) this.lowerLimit();
        throw new ConnectFailed(`login refused: ${result ? `${result.code} ${result.msg}` : 'no response'}`);
      }
      this.offered = g;
      const s: Session = { conn, busy: false, helloTimer: undefined };
      conn.onClose(() => {
        if (!s.busy) this.discard(s);
      });
      this.sessions.add(s);
      return s;
    } catch (e) {
      conn?.close();
      const why = e instanceof Error ? e.message : String(e);
      this.failed(why, 'connect');
      this.log.warn({ registry: t.name, host: t.host, port: t.port, err: why }, 'EPP session could not be opened');
      throw this.unavailable(why);
    } finally {
      this.connecting--;
    }
  }
}
