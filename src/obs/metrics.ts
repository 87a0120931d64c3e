import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/database.ts';
import type { HandlerStats } from '../dns/server/handler.ts';

/**
 * The process's Prometheus metrics (prom-client), one registry per app so that tests running
 * several apps in one process keep theirs apart. Counters count what this process did; the
 * gauges over jobs, sessions and mail read the database at scrape time, so every node of a
 * cluster reports the same shared queue.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly requests: Counter<'request' | 'code'>;
  readonly requestSeconds: Histogram<'request'>;
  readonly registryCalls: Counter<'operation' | 'result'>;
  readonly registrySeconds: Histogram<'operation'>;
  /** Reads the DNS listener's own counters at each scrape (once the app has a listener). */
  watchDns(stats: () => HandlerStats): void;
  /** The exposition text, after reading the shared state as of `now`. */
  exposition(now: number): Promise<string>;
}

const rcodeNames: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 9: 'NOTAUTH' };

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** `sessionTimeoutMs`: a session idle longer has ended, even before anyone marks it so. */
export function createMetrics(db: Db, sessionTimeoutMs: number): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'dmapid_' });
  // prom-client also exports these gauges under a `_total` name, which Prometheus reserves for
  // counters (promtool refuses them); the same values remain without the suffix.
  for (const kind of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`dmapid_nodejs_active_${kind}_total`);
  const jobs = new Gauge({ name: 'dmapid_jobs', help: 'Jobs in the queue, by kind and status', labelNames: ['kind', 'status'] as const, registers });
  const waiting = new Gauge({ name: 'dmapid_job_oldest_due_age_seconds', help: 'How long the oldest due job has waited to run (0 when none waits)', registers });
  const sessions = new Gauge({ name: 'dmapid_sessions_active', help: 'DMAPI sessions in use (not ended, not idle past the session timeout)', registers });
  const mails = new Gauge({ name: 'dmapid_mails', help: 'Outbox mails, by status', labelNames: ['status'] as const, registers });
  // From the orders, not counted here: a booking whose transaction rolls back never shows, and every node agrees.
  const booked = new Gauge({ name: 'dmapid_money_booked_minor', help: 'Money booked on all accounts so far, in minor units (cents), by order type and currency; refunds are negative', labelNames: ['operation', 'currency'] as const, registers });
  const scrapeErrors = new Counter({ name: 'dmapid_metrics_database_errors_total', help: 'Scrapes whose read of the database failed', registers });

  // The DNS listener keeps its own counters (src/dns/server/handler.ts); they are read at scrape time.
  let dnsStats: (() => HandlerStats) | undefined;
  new Counter({
    name: 'dmapid_dns_responses_total',
    help: 'DNS responses sent, by response code',
    labelNames: ['rcode'] as const,
    registers,
    collect() {
      this.reset();
      for (const [code, n] of Object.entries(dnsStats?.().byRcode ?? {})) this.inc({ rcode: rcodeNames[Number(code)] ?? code }, n);
    },
  });
  const dnsCounter = (name: string, help: string, value: (s: HandlerStats) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        const stats = dnsStats?.();
        if (stats && value(stats) > 0) this.inc(value(stats));
      },
    });
  dnsCounter('dmapid_dns_zone_transfers_total', 'Zone transfers (AXFR, IXFR) served', (s) => s.transfers);
  dnsCounter('dmapid_dns_incremental_transfers_total', 'IXFR requests answered with the difference rather than the whole zone', (s) => s.incremental);
  dnsCounter('dmapid_dns_tsig_errors_total', 'Requests refused for a TSIG error (unknown key, bad MAC, time outside the fudge)', (s) => s.tsigErrors);

  const readShared = async (now: number) => {
    try {
      const [jobRows, due, active, mailRows, money] = await Promise.all([
        db.selectFrom('jobs').select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['kind', 'status']).execute(),
        db.selectFrom('jobs').select((eb) => eb.fn.min('run_at').as('at')).where('status', '=', 'queued').where('run_at', '<=', now).executeTakeFirst(),
        db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('ended_at', 'is', null).where('last_seen_at', '>', now - sessionTimeoutMs).executeTakeFirst(),
        db.selectFrom('mail_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute(),
        db.selectFrom('orders').select(['type', 'currency', (eb) => eb.fn.sum<number>('amount_brutto').as('sum')]).where('status', '=', 'ok').groupBy(['type', 'currency']).execute(),
      ]);
      jobs.reset();
      for (const r of jobRows) jobs.set({ kind: r.kind, status: r.status }, Number(r.n));
      waiting.set(due?.at != null ? Math.max(0, (now - Number(due.at)) / 1000) : 0);
      sessions.set(Number(active?.n ?? 0));
      mails.reset();
      for (const r of mailRows) mails.set({ status: r.status }, Number(r.n));
      booked.reset();
      for (const r of money) booked.set({ operation: r.type, currency: r.currency }, Number(r.sum));
    } catch {
      scrapeErrors.inc();
    }
  };

  return {
    registry,
    requests: new Counter({ name: 'dmapid_requests_total', help: 'DMAPI requests answered, by request name and DMAPI Status-Code', labelNames: ['request', 'code'] as const, registers }),
    requestSeconds: new Histogram({ name: 'dmapid_request_duration_seconds', help: 'Time to answer a DMAPI request', labelNames: ['request'] as const, buckets: latencyBuckets, registers }),
    registryCalls: new Counter({ name: 'dmapid_registry_calls_total', help: 'Registry round trips, by operation and result (ok, or the EPP result code)', labelNames: ['operation', 'result'] as const, registers }),
    registrySeconds: new Histogram({ name: 'dmapid_registry_call_duration_seconds', help: 'Time of one registry round trip', labelNames: ['operation'] as const, buckets: latencyBuckets, registers }),
    watchDns(stats) {
      dnsStats = stats;
    },
    async exposition(now) {
      await readShared(now);
      return registry.metrics();
    },
  };
}
