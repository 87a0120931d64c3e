import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type net from 'node:net';
import Fastify, { LogController, type ConnectionError, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import type { Dispatcher, DispatchOutcome, IncomingRequest } from './dispatch.ts';
import { DmapiError } from './errors.ts';
import { decodeForm, mergeParams, type FormEntry } from './form.ts';
import { trackingIdTime } from '../core/ids.ts';
import { guardHttpServer, httpServerOptions, type HttpLimitSettings } from '../net/http-limits.ts';
import type { Logger } from '../obs/logger.ts';

/** Large enough for a whole zone in one POST (at least 4 MiB, dmapi-wire §1.1). */
export const BODY_LIMIT = 8 * 1024 * 1024;

/**
 * Longest request line plus headers (Node's default is 16 KiB). GET-only clients put whole
 * zones in the query string; beyond this the answer is HTTP 414, as the live server gives.
 */
export const HEAD_LIMIT = 512 * 1024;

export interface DmapiHttpOptions {
  /** The Server header of every answer. */
  serverHeader: string;
  /** config.publicUrl: the session cookie is Secure when it is https, and a browser's Origin is compared with it. */
  publicUrl: string;
  limits: HttpLimitSettings;
  log: Logger;
  /** More routes that read forms and answer as the DMAPI route does (the v2 and side routes). */
  routes?: (scope: FastifyInstance, kit: DmapiRouteKit) => void;
  /**
   * Address prefixes whose answers are not DMAPI replies (RDAP under /rdap): what the router,
   * the body parsers or an unknown address there refuse is answered by `refuse` in that format.
   */
  otherFormats?: ReadonlyArray<OtherFormat>;
}

export interface OtherFormat {
  /** Matches the path itself and everything below it: `/rdap` covers `/rdap`, `/rdap/…`, `/rdap?…`. */
  prefix: string;
  refuse(req: FastifyRequest, reply: FastifyReply, status: number, detail: string): FastifyReply;
}

/** What a route in the DMAPI scope needs: the request as the dispatcher takes it, and the DMAPI answer. */
export interface DmapiRouteKit {
  incoming(req: FastifyRequest, name: string): IncomingRequest;
  send(reply: FastifyReply, out: DispatchOutcome): FastifyReply;
}

function cookieSid(req: FastifyRequest): string | undefined {
  const m = /(?:^|;\s*)dmapi-auth=([^;]*)/.exec(req.headers.cookie ?? '');
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1]; // not percent-encoded after all: an unknown session, not a malformed request
  }
}

/**
 * Whether a browser says the request comes from another site: Sec-Fetch-Site, or an Origin that
 * is neither this listener's Host nor the public URL's origin. Other clients send neither header.
 */
function isCrossSite(headers: IncomingHttpHeaders, publicOrigin: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = headers.origin;
  if (origin === undefined) return false;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return true; // "null" (a sandboxed page, a redirect chain) or junk: no site of ours
  }
  if (from.origin === publicOrigin) return false;
  return from.host !== (headers.host ?? '').toLowerCase();
}

/** Request bodies as the DMAPI route receives them: a urlencoded string, or multipart's pairs. */
type Body = Buffer | FormEntry[] | undefined;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A urlencoded body must be UTF-8: raw bytes that are not would otherwise turn into U+FFFD unseen. */
function bodyText(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DmapiError('PARAM_SYNTAX', 'the body is not UTF-8');
  }
}

/** The query string of the request target (Node's parser refuses raw bytes outside ASCII there). */
function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

const seconds = (ms: number) => `${ms / 1000} s`;

/**
 * The DMAPI listener: `ALL /request/<name>` with GET query and POST urlencoded or multipart
 * bodies. Every answer on it is a DMAPI reply, also for unknown addresses, unreadable requests
 * and what Node's HTTP parser refuses before fastify sees a request; the answer pages and
 * /nic/update, registered on it afterwards, answer in their own formats on their own routes.
 * The listener's timeouts and connection caps come from `limits`.
 */
export async function createDmapiHttp(dispatcher: Dispatcher, o: DmapiHttpOptions): Promise<FastifyInstance> {
  const publicUrl = new URL(o.publicUrl);
  const secure = publicUrl.protocol === 'https:';
  const at = (out: DispatchOutcome) => new Date(trackingIdTime(out.trackingId)).toUTCString();

  const send = (reply: FastifyReply, out: DispatchOutcome) => {
    // Date and Last-Modified show the (sandbox) clock the reply was made at: the instant the
    // Tracking-Id's FILETIME carries, as on the live server (dmapi-wire §1.5).
    const date = at(out);
    reply.code(out.httpStatus ?? 200).header('Content-Type', out.download?.contentType ?? 'text/plain; charset=utf-8').header('Server', o.serverHeader).header('Date', date).header('Last-Modified', date);
    // A 401 names its scheme (RFC 9110 §11.6.1): a DMAPI session, not HTTP authentication.
    if (out.httpStatus === 401) reply.header('WWW-Authenticate', 'DMAPI realm="dmapid"');
    if (out.retryAfter) reply.header('Retry-After', String(out.retryAfter));
    if (out.download) reply.header('Content-Disposition', `attachment; filename="${out.download.filename}"`);
    // The recorded `dmapi-auth=<value>; path=/` comes first (dmapi-wire §1.1); the attributes keep scripts and other sites away from it.
    if (out.cookie) reply.header('Set-Cookie', `dmapi-auth=${out.cookie}; path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
    if (!out.more) return reply.send(out.text);
    // Chunked: the head and the first lines now, the rest as it is read (bounded memory).
    const more = out.more;
    return reply.send(Readable.from((async function* () {
      yield out.text;
      yield* more;
    })()));
  };
  const fail = (reply: FastifyReply, key: DmapiError['key'], detail: string) => send(reply, dispatcher.failure(new DmapiError(key, detail)));
  const formatOf = (url: string) => o.otherFormats?.find((f) => url.startsWith(f.prefix) && (url.length === f.prefix.length || '/?'.includes(url.charAt(f.prefix.length))));

  /** What Node's parser refuses (a head over HEAD_LIMIT, a timeout, broken HTTP) gets a DMAPI answer written to the socket. */
  const clientError = (err: ConnectionError, socket: net.Socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let detail = `malformed HTTP request (${err.code ?? 'unreadable'})`;
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      // Node's parser does not say whether the address or a header overflowed; DMAPI clients send
      // small headers, so it is a query string too long for GET, which the live server answers 414.
      status = 414;
      detail = `request line and headers longer than ${HEAD_LIMIT} bytes (send large requests as a POST body)`;
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      detail = `request not received in time (headers within ${seconds(Math.min(o.limits.httpHeaderTimeoutMs, o.limits.httpRequestTimeoutMs))}, the whole request within ${seconds(o.limits.httpRequestTimeoutMs)})`;
    }
    o.log.debug({ err: { code: err.code, message: err.message }, remote: socket.remoteAddress }, 'refused an unreadable HTTP request');
    // An answer already on its way must not be corrupted by a second one.
    const inFlight = (socket as { _httpMessage?: { headersSent: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const out = dispatcher.failure(new DmapiError('COMMAND_FAILED', detail));
      const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(out.text)}`, `Server: ${o.serverHeader}`, `Date: ${at(out)}`, `Last-Modified: ${at(out)}`, 'Connection: close'];
      socket.write(`${head.join('\r\n')}\r\n\r\n${out.text}`);
    }
    socket.destroy();
  };

  const app = Fastify({
    loggerInstance: o.log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    ...httpServerOptions(o.limits, HEAD_LIMIT),
    clientErrorHandler: clientError,
    // While closing, a request that still arrives on an open connection is answered as usual (a
    // DMAPI reply), not with fastify's JSON 503: the listener is closed to new connections already.
    return503OnClosing: false,
    // The router's own refusals (bad percent-encoding in the path) would be JSON.
    frameworkErrors: (err, req, reply) => {
      req.log.debug({ err }, 'unreadable request address');
      const other = formatOf(req.url);
      if (other) return void other.refuse(req, reply, 400, err.code === 'FST_ERR_BAD_URL' ? 'malformed request address (bad percent-encoding)' : 'malformed request address');
      void fail(reply, 'COMMAND_FAILED', err.code === 'FST_ERR_BAD_URL' ? 'malformed request address (bad percent-encoding)' : 'malformed request address');
    },
  });
  guardHttpServer(app.server, o.limits, o.log);

  // For the answer pages and /nic/update; the DMAPI route reads its forms itself (below).
  await app.register(formbody, { bodyLimit: BODY_LIMIT });

  app.get('/', async (_req, reply) => send(reply, dispatcher.welcome()));
  app.setNotFoundHandler(async (req, reply) => formatOf(req.url)?.refuse(req, reply, 404, 'no such address') ?? fail(reply, 'UNKNOWN_REQUEST', 'no such address (DMAPI requests are sent to /request/<name>)'));

  // Malformed bodies, bodies over the limit and the like still get a DMAPI answer, never a 500 page.
  app.setErrorHandler(async (err: { statusCode?: number; message?: string }, req, reply) => {
    if (err instanceof DmapiError) return send(reply, dispatcher.failure(err));
    req.log.warn({ err }, 'rejected malformed request');
    const other = formatOf(req.url);
    if (other) return other.refuse(req, reply, err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400, `malformed request (${err.message ?? 'unreadable body'})`);
    if (err.statusCode === 413) return fail(reply, 'COMMAND_FAILED', `request body larger than ${BODY_LIMIT} bytes`);
    return fail(reply, 'COMMAND_FAILED', `malformed request (${err.message ?? 'unreadable body'})`);
  });

  await app.register(async (scope) => {
    // Only forms: JSON is refused rather than read as something it is not; any other (or no) content type is a urlencoded form, as clients mean it.
    scope.removeAllContentTypeParsers();
    const raw = { parseAs: 'buffer', bodyLimit: BODY_LIMIT } as const;
    scope.addContentTypeParser('application/x-www-form-urlencoded', raw, async (_req: FastifyRequest, body: Buffer) => body);
    scope.addContentTypeParser('*', raw, async (_req: FastifyRequest, body: Buffer) => body);
    const noJson = async () => {
      throw new DmapiError('COMMAND_FAILED', 'JSON bodies are not accepted (send the parameters as application/x-www-form-urlencoded or multipart/form-data, or in the query string)');
    };
    scope.addContentTypeParser('application/json', noJson);
    scope.addContentTypeParser(/^application\/[\w.-]+\+json$/, noJson);
    scope.addContentTypeParser('multipart/form-data', raw, async (req: FastifyRequest, body: Buffer): Promise<FormEntry[]> => {
      let form: FormData;
      try {
        // undici's multipart parser (global Response) avoids another dependency.
        form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      } catch {
        throw new DmapiError('COMMAND_FAILED', 'malformed multipart/form-data body');
      }
      const out: FormEntry[] = [];
      for (const [k, v] of form.entries()) out.push([k, typeof v === 'string' ? v : await v.text()]);
      return out;
    });

    const incoming = (req: FastifyRequest, name: string): IncomingRequest => {
      const body = req.body as Body;
      const params = mergeParams(
        decodeForm(queryOf(req.url), 'query string'),
        Buffer.isBuffer(body) ? decodeForm(bodyText(body), 'body') : (body ?? []),
      );
      const key = req.headers['idempotency-key'];
      return { name, params, cookieSid: cookieSid(req), ip: req.ip, crossSite: isCrossSite(req.headers, publicUrl.origin), idempotencyKey: Array.isArray(key) ? key[0] : key, streams: true };
    };
    scope.all('/request/*', async (req, reply) => send(reply, await dispatcher.dispatch(incoming(req, (req.params as { '*': string })['*'] ?? ''))));
    o.routes?.(scope, { incoming, send });
  });
  return app;
}
