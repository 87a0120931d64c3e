import { after, before, describe } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/config.ts';
import { simulatorOf } from '../../src/registry/index.ts';
import { eppCertificate, type TlsPair } from '../../src/registry/epp/server/certificate.ts';
import { EppServer } from '../../src/registry/epp/server/server.ts';
import { setEppPassword } from '../../src/registry/epp/server/logins.ts';
import { dialectsToTest } from './databases.ts';
import { startTestApp, type TestApp } from './harness.ts';
import { EppFaultProxy } from './epp-fault-proxy.ts';

export const EPP_PASSWORD = 'client-pass-1';

export interface EppPair {
  /** The dmapid under test: DMAPID_REGISTRY=epp, its registries file pointing at `proxy`. */
  client: TestApp;
  /** Another dmapid whose simulated registry answers over EPP (its own database). */
  registry: TestApp;
  server: EppServer;
  /** Sits between the two; passes everything through until a test tells it otherwise. */
  proxy: EppFaultProxy;
  /** Moves both clocks on. */
  advance(ms: number): void;
}

let pair: TlsPair | undefined;
let certDir: string | undefined;
/** One self-signed certificate for every listener and proxy of a test file. */
export function testCertificate(): TlsPair {
  if (!pair) {
    certDir = mkdtempSync(join(tmpdir(), 'epp-test-cert-'));
    pair = eppCertificate({ dir: certDir });
  }
  return pair;
}
process.on('exit', () => certDir && rmSync(certDir, { recursive: true, force: true }));

/** A registries file naming one registry at `port` for all of `tlds`, logging in as dmapid. */
export function writeRegistriesFile(dir: string, port: number, tlds: string[], extra: Record<string, unknown> = {}): string {
  const passwordFile = join(dir, 'epp-password');
  writeFileSync(passwordFile, `${EPP_PASSWORD}\n`);
  const file = join(dir, 'registries.json');
  writeFileSync(file, JSON.stringify({ local: { host: '127.0.0.1', port, login: 'dmapid', passwordFile, insecure: true, tlds, sessions: 2, commandsPerSecond: 5000, timeoutSeconds: 2, ...extra } }));
  return file;
}

/**
 * Declares `body` once per database dialect with a pair of apps: a registry app serving its
 * simulator over EPP, and a client app using it through the fault proxy as its EPP backend.
 */
export function forEachDatabaseOverEpp(title: string, body: (p: () => EppPair) => void, o: { registries?: Record<string, unknown>; client?: Partial<Config> } = {}): void {
  for (const dialect of dialectsToTest()) {
    describe(`${title} [${dialect}, over EPP]`, () => {
      let current: (EppPair & { stop(): Promise<void> }) | undefined;
      before(async () => {
        const dir = mkdtempSync(join(tmpdir(), 'epp-pair-'));
        const registry = await startTestApp(dialect);
        const deps = registry.app.deps;
        const server = new EppServer({ db: deps.db, sim: simulatorOf(deps), now: () => registry.clock.now(), log: deps.log }, { host: '127.0.0.1', port: 0, tls: testCertificate(), idleMs: 60_000, maxConnections: 32, maxPerAddress: 32 });
        await server.listen();
        await setEppPassword(deps.db, 'dmapid', EPP_PASSWORD);
        const proxy = new EppFaultProxy(server.address().port, testCertificate());
        const port = await proxy.listen();
        const file = writeRegistriesFile(dir, port, deps.tlds.list().map((t) => t.tld), o.registries);
        const client = await startTestApp(dialect, { registry: 'epp', registriesFile: file, ...o.client });
        // One clock for both, as if the two ran side by side.
        client.clock.set(registry.clock.now());
        current = {
          client,
          registry,
          server,
          proxy,
          advance(ms) {
            client.clock.advance(ms);
            registry.clock.advance(ms);
          },
          async stop() {
            await client.stop();
            await proxy.close();
            await server.close();
            await registry.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      });
      after(async () => {
        await current?.stop();
      });
      body(() => {
        if (!current) throw new Error('EPP pair not started');
        return current;
      });
    });
  }
}
