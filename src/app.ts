import type { FastifyInstance } from 'fastify';
import { closeRegistry, registryOf } from './registry/index.ts';
import type { AppDeps } from './app-deps.ts';
import { tsigKeyring, type Config } from './config/config.ts';
import { wallClock, type Clock } from './core/clock.ts';
import { databaseClock } from './core/settings-clock.ts';
import { openDatabase, type DbHandle } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { buildCommandTable, type CommandTable } from './dmapi/command-table.ts';
import { createDispatcher, type Dispatcher } from './dmapi/dispatch.ts';
import { createDmapiHttp } from './dmapi/http.ts';
import { registerSideRoutes } from './dmapi/side-routes.ts';
import { registerAnswerPages } from './web/answer-pages.ts';
import { registerPanel } from './web/panel/panel-routes.ts';
import { jobHandlers } from './jobs/handlers.ts';
import { periodicTasks } from './jobs/tasks.ts';
import { Worker } from './jobs/worker.ts';
import { DnsServer } from './dns/server/server.ts';
import { createZoneSource } from './zone/zone-source.ts';
import { dnssecKek } from './zone/dnssec-keys.ts';
import { registerDynDnsRoutes } from './dyndns/nic-update.ts';
import { registerNicReplace } from './dyndns/nic-replace.ts';
import { registerCheckIp } from './dyndns/check-ip.ts';
import { createRdap } from './rdap/routes.ts';
import { WhoisServer } from './whois/server.ts';
import { createLogger, type Logger } from './obs/logger.ts';
import { productVersion } from './obs/version.ts';
import { createMetrics } from './obs/metrics.ts';
import { registerHealth } from './obs/health.ts';
import { loadTldCatalogue } from './tld/catalogue.ts';
import { answerKeys, loadSecret } from './services/answer-keys.ts';

export interface AppOptions {
  config: Config;
  /** A fixed clock (tests); by default wall time plus the offset stored in the database. */
  clock?: Clock;
  /** The clock job leases are measured on; by default `clock` when one is given, else wall time. */
  leaseClock?: Clock;
  log?: Logger;
  /** An already open database (tests); by default config.database is opened. */
  handle?: DbHandle;
}

export interface App {
  deps: AppDeps;
  handle: DbHandle;
  table: CommandTable;
  dispatcher: Dispatcher;
  http: FastifyInstance;
  worker: Worker;
  /** The authoritative DNS server (config.dns), not yet listening: `serve` binds it. */
  dns: DnsServer | undefined;
  /** Port-43 WHOIS (config.whois), not yet listening: `serve` binds it. */
  whois: WhoisServer | undefined;
  close(): Promise<void>;
}

/** Wires config → database (migrated) → services → the HTTP app and the worker, without listening. */
export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const log = options.log ?? createLogger(config.logLevel, config.logFormat);
  const handle = options.handle ?? openDatabase(config.database);
  await migrate(handle);
  const shared = options.clock ? undefined : databaseClock(handle.db);
  const secret = await loadSecret(config, handle, log);
  const keys = answerKeys(secret);
  let worker: Worker | undefined;
  const deps: AppDeps = {
    db: handle.db,
    dialect: handle.dialect,
    clock: options.clock ?? shared!.clock,
    leaseClock: options.leaseClock ?? options.clock ?? wallClock,
    config,
    log,
    tlds: loadTldCatalogue(config.tldCatalogue),
    keys,
    dnssecKek: dnssecKek(config, secret),
    metrics: createMetrics(handle.db, config.sessionTimeout * 1000),
    wake: () => worker?.wake(),
    syncClock: shared?.sync ?? (async () => {}),
  };
  // A wrong registries file (DMAPID_REGISTRY=epp) stops the start here, not the first registration.
  if (config.registry === 'epp') registryOf(deps);
  await deps.syncClock();
  const table = buildCommandTable();
  const dispatcher = createDispatcher(deps, table);
  worker = new Worker(deps, jobHandlers(table.commands), periodicTasks);
  const dns = config.dns
    ? new DnsServer({
        source: createZoneSource(deps),
        hosts: config.dnsHost,
        port: config.dnsPort,
        udpSize: config.dnsUdpSize,
        transferAcl: config.dnsTransferAcl,
        tsigKeys: tsigKeyring(config),
        // TSIG compares times with the secondaries' clocks: wall time, which the sandbox clock offset does not move.
        clock: deps.leaseClock,
        tcp: {
          idleMs: config.dnsTcpIdleTimeoutMs,
          messageMs: config.dnsTcpMessageTimeoutMs,
          maxConnections: config.dnsTcpMaxConnections,
          maxPerAddress: config.dnsTcpMaxConnectionsPerAddress,
        },
        log: log.child({ listener: 'dns' }),
      })
    : undefined;
  if (dns) deps.metrics.watchDns(() => dns.handler.stats);

  const rdap = createRdap(deps);
  const whois = config.whois ? new WhoisServer(deps) : undefined;
  const http = await createDmapiHttp(dispatcher, {
    serverHeader: `DMAPI/1.2.53 (dmapid ${productVersion})`,
    publicUrl: config.publicUrl,
    limits: config,
    log: log.child({ listener: 'dmapi' }),
    routes: (scope, kit) => registerSideRoutes(scope, kit, { deps, dispatcher, worker: worker! }),
    otherFormats: [rdap.format],
  });
  rdap.register(http);
  let stopping = false;
  registerHealth(http, deps, worker, () => stopping);
  await registerAnswerPages(http, deps);
  await registerPanel(http, deps, dispatcher, () => worker!.taskRuns());
  await registerDynDnsRoutes(http, deps);
  await registerNicReplace(http, deps);
  await registerCheckIp(http);

  return {
    deps,
    handle,
    table,
    dispatcher,
    http,
    worker,
    dns,
    whois,
    async close() {
      // Not ready any more (load balancers stop sending); no new connections; the requests in
      // flight and the job in progress finish, unstarted jobs go back to the queue; then the database closes.
      stopping = true;
      await Promise.all([http.close(), worker.stop(), dns?.close(), whois?.close()]);
      await closeRegistry(deps);
      if (!options.handle) await handle.close();
    },
  };
}
