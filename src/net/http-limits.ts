import type http from 'node:http';
import type net from 'node:net';
import type { Config } from '../config/config.ts';
import type { Logger } from '../obs/logger.ts';
import { ConnectionGuard } from './connection-guard.ts';

export type HttpLimitSettings = Pick<Config, 'httpHeaderTimeoutMs' | 'httpRequestTimeoutMs' | 'httpIdleTimeoutMs' | 'httpMaxConnections' | 'httpMaxConnectionsPerAddress'>;

/**
 * The timeouts of an HTTP listener, as fastify server options. fastify sets `requestTimeout` and
 * `keepAliveTimeout` on the server itself (its defaults would win over `http`); the rest goes
 * to http.createServer. Node checks the header and request deadlines only every
 * `connectionsCheckingInterval` (30 s by default), so that follows the shorter deadline.
 * `maxHeaderSize` replaces Node's 16 KiB limit on the request line and headers.
 */
export function httpServerOptions(s: HttpLimitSettings, maxHeaderSize?: number) {
  // Node refuses a header deadline beyond the request deadline; the request one covers the headers anyway.
  const headersTimeout = Math.min(s.httpHeaderTimeoutMs, s.httpRequestTimeoutMs);
  return {
    requestTimeout: s.httpRequestTimeoutMs,
    keepAliveTimeout: s.httpIdleTimeoutMs,
    // A connection on which nothing moves for the request deadline (a client that stopped reading its answer) is dead.
    connectionTimeout: s.httpRequestTimeoutMs,
    http: {
      headersTimeout,
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4))),
      ...(maxHeaderSize ? { maxHeaderSize } : {}),
    },
  };
}

/**
 * Applies the connection caps to an HTTP server. A connection is busy while one of its requests
 * has fully arrived and its answer is not yet complete (the handler runs). A connection still
 * receiving headers or a body, or idle between requests, or whose client is slow to read an
 * answer already written, can be closed at the cap.
 */
export function guardHttpServer(server: http.Server, s: HttpLimitSettings, log?: Logger): ConnectionGuard {
  const exchanges = new WeakMap<net.Socket, Set<http.ServerResponse>>();
  const isBusy = (socket: net.Socket) => {
    for (const res of exchanges.get(socket) ?? []) if (res.req.complete && !res.writableEnded) return true;
    return false;
  };
  const guard = new ConnectionGuard({ max: s.httpMaxConnections, perAddress: s.httpMaxConnectionsPerAddress }, isBusy, log);
  server.on('connection', (socket: net.Socket) => guard.admit(socket));
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let open = exchanges.get(req.socket);
    if (!open) exchanges.set(req.socket, (open = new Set()));
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  return guard;
}
