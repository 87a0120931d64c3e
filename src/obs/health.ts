import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { missingMigrations } from '../db/migrate.ts';
import type { Worker } from '../jobs/worker.ts';

/** What /readyz reports: each check's state and, when one fails, why. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

/**
 * For load balancers: /healthz answers while the process runs; /readyz only while it can serve:
 * the database answers, its schema is this version's, the worker runs (when configured), and the
 * server is not shutting down.
 */
export async function readiness(deps: AppDeps, worker: Worker, stopping: () => boolean): Promise<Readiness> {
  const checks: Record<string, string> = {};
  try {
    await sql`select 1`.execute(deps.db);
    checks.database = 'ok';
    const missing = await missingMigrations(deps.db);
    checks.migrations = missing.length ? `missing ${missing.join(', ')}` : 'ok';
  } catch (err) {
    checks.database = `unreachable (${err instanceof Error ? err.message : String(err)})`;
  }
  checks.worker = !deps.config.worker ? 'off' : worker.started ? 'ok' : 'not running';
  checks.shutdown = stopping() ? 'in progress' : 'no';
  const ready = checks.database === 'ok' && checks.migrations === 'ok' && checks.worker !== 'not running' && !stopping();
  return { ready, checks };
}

export function registerHealth(http: FastifyInstance, deps: AppDeps, worker: Worker, stopping: () => boolean): void {
  http.get('/healthz', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));
  http.get('/readyz', async (_req, reply) => {
    const r = await readiness(deps, worker, stopping);
    const text = Object.entries(r.checks).map(([k, v]) => `${k}: ${v}`).join('\n');
    return reply.code(r.ready ? 200 : 503).type('text/plain; charset=utf-8').send(`${r.ready ? 'ready' : 'not ready'}\n${text}\n`);
  });
}
