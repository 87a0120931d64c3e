import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { AppDeps } from '../app-deps.ts';
import { checkDomainName, registrableDomain } from '../core/domain-name.ts';
import { ConnectionGuard } from '../net/connection-guard.ts';
import { RateLimiter } from '../net/rate-limit.ts';
import { registryOf } from '../registry/index.ts';
import { CONTROL_CHARS, lookupName, publicDomain, publicHost, registrarIdentity, type RegistrarIdentity } from '../services/directory.ts';
import { domainText, errorText, hostText, noMatch, registrarText } from './format.ts';

/**
 * Port-43 WHOIS (RFC 3912): one query line (CRLF or LF), one answer, then the server closes.
 * Queries:
 *   <domain> | domain <domain>          the registrar output for one of the platform's domains
 *   nameserver|ns|host <name>           a name server
 *   registrar <name or IANA id>         the registrar
 *   domain:<name> [lang=<tag>]          Joker's availability form: `domain:<name> free|registered|unknown [text]`
 * Anything else, or what is not ours, is `No match for "<query>".` Bad input (overlong, control
 * characters, not UTF-8) gets an `Error:` line. Connections are capped (connection-guard), each
 * has DMAPID_WHOIS_QUERY_TIMEOUT to send its query and as long again to take the answer, and
 * each address may ask DMAPID_DIRECTORY_RATE_LIMIT queries a minute.
 */
export type WhoisDeps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'log' | 'syncClock' | 'tlds' | 'dialect'>;

/** Longest query line taken; a name is at most 253 characters, so this leaves room for keywords. */
export const MAX_QUERY_BYTES = 512;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Joker's availability answer: free (can be registered), registered (cannot), unknown (ask again later). */
async function availability(deps: WhoisDeps, query: string): Promise<string> {
  const [name = '', ...options] = query.slice('domain:'.length).trim().split(/\s+/);
  const answer = (word: 'free' | 'registered' | 'unknown', text?: string) => `domain:${name} ${word}${text ? ` ${text}` : ''}\r\n`;
  if (options.some((o) => !/^lang=[A-Za-z-]{2,16}$/.test(o))) return answer('unknown', 'the only option is lang=<IDN tag>');
  const n = checkDomainName(name);
  // A name that cannot be registered (bad syntax, a TLD not sold here) is "registered": unavailable.
  if (!n.ok || !registrableDomain(n.ascii, deps.tlds.names())) return answer('registered');
  // Ours is registered whatever the registry says (it may be slow to tell, or be another backend's).
  if (await deps.db.selectFrom('domains').select('id').where('name', '=', n.ascii).executeTakeFirst()) return answer('registered');
  try {
    const a = await registryOf(deps).open(deps.db, deps.clock.now()).checkDomain(n.ascii);
    return answer(a.status === 'available' || a.status === 'premium' ? 'free' : 'registered');
  } catch (err) {
    deps.log.warn({ err, name: n.ascii }, 'WHOIS availability check failed');
    return answer('unknown', 'the registry did not answer');
  }
}

/** The answer to one query line (already decoded and checked). */
export async function answerWhois(deps: WhoisDeps, registrar: RegistrarIdentity, query: string): Promise<string> {
  if (/^domain:/i.test(query)) return availability(deps, query);
  const now = deps.clock.now();
  const m = /^(domain|nameserver|ns|host|registrar)\s+(.+)$/i.exec(query);
  const kind = m ? m[1]!.toLowerCase() : 'domain';
  const arg = m ? m[2]!.trim() : query;
  if (kind === 'registrar') {
    const wanted = arg.toLowerCase();
    return wanted === registrar.name.toLowerCase() || wanted === String(registrar.ianaId) ? registrarText(registrar, now) : noMatch(query, now);
  }
  const name = lookupName(arg);
  if (!name.ok) return /\s/.test(arg) ? noMatch(query, now) : errorText(name.reason);
  if (kind === 'domain') {
    const d = await publicDomain(deps.db, name.value, now);
    return d ? domainText(registrar, d, now) : noMatch(query, now);
  }
  const h = await publicHost(deps.db, name.value);
  return h ? hostText(registrar, h, now) : noMatch(query, now);
}

export interface WhoisListenOptions {
  host: string;
  port: number;
}

export class WhoisServer {
  private readonly deps: WhoisDeps;
  private readonly server: net.Server;
  private readonly guard: ConnectionGuard;
  private readonly limiter: RateLimiter;
  private readonly registrar: RegistrarIdentity;
  /** Connections whose query is being answered: not to be evicted at the cap. */
  private readonly answering = new WeakSet<net.Socket>();

  constructor(deps: WhoisDeps) {
    this.deps = deps;
    const c = deps.config;
    const log = deps.log.child({ listener: 'whois' });
    this.guard = new ConnectionGuard({ max: c.whoisMaxConnections, perAddress: c.whoisMaxConnectionsPerAddress }, (s) => this.answering.has(s), log);
    this.limiter = new RateLimiter(c.directoryRateLimit, deps.clock);
    this.registrar = registrarIdentity(c);
    // Half-open: a client may shut its side after the query and still read the answer.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.serve(socket));
    this.server.on('error', (err) => log.error({ err }, 'WHOIS listener error'));
  }

  listen(o: WhoisListenOptions): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(o.port, o.host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  address(): AddressInfo | undefined {
    return (this.server.address() as AddressInfo | null) ?? undefined;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.guard.closeAll();
    await closed;
  }

  private serve(socket: net.Socket): void {
    if (!this.guard.admit(socket)) return;
    socket.on('error', () => {});
    const timeout = this.deps.config.whoisQueryTimeoutMs;
    let deadline = setTimeout(() => socket.destroy(), timeout);
    socket.once('close', () => clearTimeout(deadline));
    let received = Buffer.alloc(0);
    let taken = false;
    const reply = (text: string) => {
      // The answer gets a deadline of its own: a client that does not read it is dropped then.
      clearTimeout(deadline);
      deadline = setTimeout(() => socket.destroy(), timeout);
      socket.end(text);
    };
    const take = (line: Buffer) => {
      taken = true;
      this.answering.add(socket);
      void this.answer(line, socket.remoteAddress).then((text) => {
        this.answering.delete(socket);
        if (!socket.destroyed) reply(text);
      });
    };
    socket.on('data', (chunk: Buffer) => {
      // Only the first line counts; whatever follows it is ignored.
      if (taken) return;
      received = Buffer.concat([received, chunk]);
      const eol = received.indexOf(0x0a);
      if (eol > MAX_QUERY_BYTES || (eol < 0 && received.length > MAX_QUERY_BYTES)) {
        taken = true;
        return reply(errorText(`the query is longer than ${MAX_QUERY_BYTES} bytes`));
      }
      if (eol >= 0) take(received.subarray(0, eol));
    });
    // A client that closes its side without a line end still sent a query.
    socket.once('end', () => {
      if (!taken) take(received);
    });
  }

  private async answer(line: Buffer, remote: string | undefined): Promise<string> {
    const allowed = this.limiter.take(remote);
    let query: string;
    try {
      query = utf8.decode(line).replace(/\r$/, '').trim();
    } catch {
      return errorText('the query is not UTF-8');
    }
    if (CONTROL_CHARS.test(query)) return errorText('the query has control characters');
    if (!allowed.ok) {
      const why = `too many queries from this address; try again in ${allowed.retryAfterSeconds} s`;
      return /^domain:/i.test(query) ? `domain:${query.slice(7).trim().split(/\s+/)[0]} unknown ${why}\r\n` : errorText(why);
    }
    if (query === '') return errorText('empty query: send a domain name, "nameserver <name>", "registrar <name>" or "domain:<name>"');
    try {
      await this.deps.syncClock();
      return await answerWhois(this.deps, this.registrar, query);
    } catch (err) {
      this.deps.log.error({ err }, 'WHOIS query failed');
      return errorText('the query could not be answered now; try again later');
    }
  }
}
