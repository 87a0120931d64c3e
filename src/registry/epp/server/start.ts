import { dirname } from 'node:path';
import type { AppDeps } from '../../../app-deps.ts';
import { simulatorOf } from '../../index.ts';
import { eppCertificate } from './certificate.ts';
import { EppServer } from './server.ts';

/** Where a generated certificate goes: beside the SQLite database, else ./data. */
function dataDir(database: string): string {
  return /^postgres(ql)?:/.test(database) || database === ':memory:' ? './data' : dirname(database);
}

/**
 * `dmapid serve` with DMAPID_EPP=on: the simulated registry over EPP. `report` prints the
 * listening line or why it did not start (the DMAPI listener keeps running either way).
 */
export async function startEppListener(deps: AppDeps, report: (what: string, start: () => Promise<string>) => Promise<void>): Promise<EppServer | undefined> {
  let server: EppServer | undefined;
  const c = deps.config;
  await report('EPP listener', async () => {
    const pair = eppCertificate({ certFile: c.eppCert, keyFile: c.eppKey, dir: dataDir(c.database) });
    const s = new EppServer({ db: deps.db, sim: simulatorOf(deps), now: () => deps.clock.now(), log: deps.log, syncClock: deps.syncClock }, { host: c.eppHost, port: c.eppPort, tls: pair, idleMs: c.eppIdleTimeoutMs, maxConnections: c.eppMaxConnections, maxPerAddress: c.eppMaxConnectionsPerAddress });
    const a = await s.listen();
    server = s;
    return `EPP ${c.eppHost}:${a.port} (TLS, simulated registry; certificate ${pair.source})`;
  });
  return server;
}
