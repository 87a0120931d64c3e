import { createServer, type Server } from 'node:http';
import type { AppDeps } from '../app-deps.ts';

/** The Prometheus listener: GET /metrics, nothing else (bound to loopback by default). */
export function createMetricsServer(deps: AppDeps): Server {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('only GET /metrics here\n');
      return;
    }
    deps.metrics.exposition(deps.clock.now()).then(
      (text) => res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType }).end(text),
      (err: unknown) => {
        deps.log.error({ err }, 'metrics exposition failed');
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n');
      },
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}
