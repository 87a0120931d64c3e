import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import type { OtherFormat } from '../dmapi/http.ts';
import { RateLimiter } from '../net/rate-limit.ts';
import { lookupName, publicContact, publicDomain, publicHost, registrarIdentity, searchDomains, searchHosts, type DomainSearch, type HostSearch, type Parsed } from '../services/directory.ts';
import { decodeComponent, entityHandle, parseQueryString, searchAddress, searchPattern } from './queries.ts';
import {
  contactAnswer, domainAnswer, domainSearchObject, helpAnswer, nameserverAnswer, nameserverSearchObject, rdapError, registrarAnswer, searchAnswer,
  RDAP_CONTENT_TYPE, type Json, type RdapContext,
} from './render.ts';

/**
 * RDAP (RFC 7480, 9082, 9083) under /rdap/ on the DMAPI listener: GET and HEAD of domain/<name>,
 * nameserver/<name>, entity/<handle>, help, and the searches domains?… and nameservers?…; every
 * answer (errors too) is application/rdap+json with `Access-Control-Allow-Origin: *`. Each
 * address may ask DMAPID_DIRECTORY_RATE_LIMIT queries a minute (429 with Retry-After beyond).
 * Nothing here writes to the database.
 */
export type RdapDeps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'log' | 'syncClock'>;

export const RDAP_PREFIX = '/rdap';

class RdapProblem extends Error {
  readonly status: number;
  readonly title: string;
  constructor(status: number, title: string, description: string) {
    super(description);
    this.status = status;
    this.title = title;
  }
}

const titles: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 501: 'Not Implemented', 503: 'Service Unavailable' };
const problem = (status: number, description: string) => new RdapProblem(status, titles[status] ?? 'Error', description);
const valueOf = <T>(p: Parsed<T>): T => {
  if (!p.ok) throw problem(400, p.reason);
  return p.value;
};

/** The query types RFC 9082 defines that this registrar does not serve. */
const unserved = new Set(['ip', 'autnum', 'entities']);

export interface Rdap {
  /** For the DMAPI listener: what it refuses under /rdap is answered here, as RDAP. */
  format: OtherFormat;
  register(app: FastifyInstance): void;
}

export function createRdap(deps: RdapDeps): Rdap {
  const limiter = new RateLimiter(deps.config.directoryRateLimit, deps.clock);
  const registrar = registrarIdentity(deps.config);
  const limit = deps.config.rdapSearchLimit;
  const log = deps.log.child({ listener: 'rdap' });

  const contextOf = (req: FastifyRequest): RdapContext => ({ registrar, self: new URL(req.url, registrar.rdapBase).href, now: deps.clock.now() });

  const send = (reply: FastifyReply, status: number, body: Json) => {
    const bytes = Buffer.from(JSON.stringify(body));
    reply.code(status).header('Content-Type', RDAP_CONTENT_TYPE).header('Access-Control-Allow-Origin', '*');
    // HEAD: the headers GET would give, without the body.
    return reply.request.method === 'HEAD' ? reply.header('Content-Length', String(bytes.length)).send() : reply.send(bytes);
  };
  const refuse = (req: FastifyRequest, reply: FastifyReply, status: number, detail: string) => send(reply, status, rdapError(contextOf(req), status, titles[status] ?? 'Error', detail));

  /** One search: `limit + 1` names fetched tells whether the list was cut. */
  async function search<T extends DomainSearch | HostSearch>(ctx: RdapContext, s: T, find: (s: T, n: number) => Promise<string[]>, render: (name: string) => Promise<Json | undefined>, member: 'domainSearchResults' | 'nameserverSearchResults') {
    const names = await find(s, limit + 1);
    const objects: Array<{ [key: string]: Json }> = [];
    for (const name of names.slice(0, limit)) {
      const o = await render(name);
      if (o) objects.push(o as { [key: string]: Json });
    }
    return searchAnswer(ctx, member, objects, names.length > limit, limit);
  }

  /** The one search parameter a search takes, from the ones it knows. */
  function oneOf(params: Map<string, string>, known: readonly string[]): [string, string] {
    const given = [...params].filter(([k]) => known.includes(k));
    const others = [...params.keys()].filter((k) => !known.includes(k));
    if (others.length) throw problem(400, `unknown search parameter ${JSON.stringify(others[0])} (this search takes ${known.join(', ')})`);
    if (given.length !== 1) throw problem(400, `give exactly one of ${known.join(', ')}`);
    return given[0]!;
  }

  async function answer(req: FastifyRequest): Promise<Json> {
    const ctx = contextOf(req);
    const at = req.url.indexOf('?');
    const path = (at < 0 ? req.url : req.url.slice(0, at)).slice(RDAP_PREFIX.length).replace(/^\/+/, '');
    const segments = path === '' ? [] : path.split('/').map((s) => valueOf(decodeComponent(s)));
    const params = valueOf(parseQueryString(at < 0 ? '' : req.url.slice(at + 1)));
    const [kind, arg, ...extra] = segments;
    if (extra.length || (arg !== undefined && arg === '')) throw problem(400, `${path} is not an RDAP query`);
    await deps.syncClock();
    switch (kind) {
      case undefined:
      case 'help':
        if (arg !== undefined) break;
        return helpAnswer(ctx, limit);
      case 'domain': {
        if (arg === undefined) break;
        const d = await publicDomain(deps.db, valueOf(lookupName(arg)), ctx.now);
        if (!d) throw problem(404, `${arg} is not a domain of this registrar`);
        return domainAnswer(ctx, d);
      }
      case 'nameserver': {
        if (arg === undefined) break;
        const h = await publicHost(deps.db, valueOf(lookupName(arg)));
        if (!h) throw problem(404, `${arg} is not a name server of this registrar's domains`);
        return nameserverAnswer(ctx, h);
      }
      case 'entity': {
        if (arg === undefined) break;
        const handle = valueOf(entityHandle(arg));
        if (handle === String(registrar.ianaId)) return registrarAnswer(ctx);
        const c = await publicContact(deps.db, handle, ctx.now);
        if (!c) throw problem(404, `${arg} is not a contact published by this registrar`);
        return contactAnswer(ctx, c);
      }
      case 'domains': {
        if (arg !== undefined) break;
        const [by, value] = oneOf(params, ['name', 'nsLdhName', 'nsIp']);
        const s: DomainSearch = by === 'nsIp' ? { by, address: valueOf(searchAddress(value)) } : { by: by as 'name' | 'nsLdhName', pattern: valueOf(searchPattern(value)) };
        return search(ctx, s, (q, n) => searchDomains(deps.db, q, n), async (name) => {
          const d = await publicDomain(deps.db, name, ctx.now);
          return d && domainSearchObject(ctx, d);
        }, 'domainSearchResults');
      }
      case 'nameservers': {
        if (arg !== undefined) break;
        const [by, value] = oneOf(params, ['name', 'ip']);
        const s: HostSearch = by === 'ip' ? { by, address: valueOf(searchAddress(value)) } : { by: 'name', pattern: valueOf(searchPattern(value)) };
        return search(ctx, s, (q, n) => searchHosts(deps.db, q, n), async (name) => {
          const h = await publicHost(deps.db, name);
          return h && nameserverSearchObject(ctx, h);
        }, 'nameserverSearchResults');
      }
      default:
        if (unserved.has(kind)) throw problem(501, `${kind} queries are not served: this is a domain registrar's RDAP service`);
    }
    throw problem(400, `${path} is not an RDAP query (see ${registrar.rdapBase}help)`);
  }

  async function handle(req: FastifyRequest, reply: FastifyReply) {
    if (req.method === 'OPTIONS') {
      // A browser's preflight: RDAP is public, read-only and sends no credentials.
      return reply.code(204).header('Access-Control-Allow-Origin', '*').header('Access-Control-Allow-Methods', 'GET, HEAD').header('Access-Control-Allow-Headers', 'Accept').header('Access-Control-Max-Age', '86400').send();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(req, reply.header('Allow', 'GET, HEAD'), 405, `RDAP answers GET and HEAD, not ${req.method}`);
    const allowed = limiter.take(req.ip);
    if (!allowed.ok) {
      return refuse(req, reply.header('Retry-After', String(allowed.retryAfterSeconds)), 429, `too many queries from this address; try again in ${allowed.retryAfterSeconds} s`);
    }
    try {
      return send(reply, 200, await answer(req));
    } catch (err) {
      if (err instanceof RdapProblem) return send(reply, err.status, rdapError(contextOf(req), err.status, err.title, err.message));
      // A fault of ours (the database gone, say): logged, and answered as RDAP, never as a bare 500.
      log.error({ err, url: req.url }, 'RDAP query failed');
      return refuse(req, reply, 503, 'the query could not be answered now; try again later');
    }
  }

  return {
    format: { prefix: RDAP_PREFIX, refuse },
    register(app) {
      app.all(RDAP_PREFIX, handle);
      app.all(`${RDAP_PREFIX}/*`, handle);
    },
  };
}
