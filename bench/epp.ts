/**
 * `npm run bench:epp`: registrations through the EPP backend beside the simulated backend, in
 * one run (never part of `npm test`). Three `dmapid serve` processes on fresh SQLite databases:
 *
 * - a registry: DMAPID_EPP=on, its simulated registry served over EPP (TLS), registrar dmapid
 *   given an EPP password through the operator CLI;
 * - dmapid with DMAPID_REGISTRY=epp, its registries file pointing at that listener (BENCH_SESSIONS
 *   sessions, 4 by default);
 * - dmapid with the simulated backend, for comparison.
 *
 * Each dmapid gets the measurement of bench/registrations.ts (BENCH_SEQUENTIAL, default 30, one
 * at a time; BENCH_REGISTRATIONS, default 300, with BENCH_CONCURRENCY, default 20, in flight).
 * The servers share CPU 0 when taskset and a second core exist; this process runs on CPU 1.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canPin, pinLoadGenerator, root, start, stop } from './spawn.ts';
import { measureRegistrations, type RegistrationFigures } from './registrations.ts';

const sequential = Number(process.env.BENCH_SEQUENTIAL ?? 30);
const total = Number(process.env.BENCH_REGISTRATIONS ?? 300);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const sessions = Number(process.env.BENCH_SESSIONS ?? 4);

pinLoadGenerator();

const dir = mkdtempSync(join(tmpdir(), 'dmapid-bench-epp-'));
const base = { DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_LOG_LEVEL: 'warn' };
const cli = (env: Record<string, string>, args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dmapid ${args.join(' ')} failed: ${r.stderr}`);
};
const children: ChildProcess[] = [];
const serve = async (env: Record<string, string>, pattern: RegExp) => {
  const s = await start(['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'], env, pattern);
  children.push(s.child);
  return s.match;
};
const dmapiLine = /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//;

/** A dmapid with the demo reseller credited, measured. */
async function measured(label: string, env: Record<string, string>): Promise<RegistrationFigures> {
  const url = (await serve(env, dmapiLine))[1]!;
  cli(env, ['account', 'credit', 'demo', String((sequential + total) * 12 + 100)]);
  console.log(`\n=== ${label}`);
  return measureRegistrations(url, { sequential, total, concurrency, prefix: '' });
}

try {
  const registryEnv = { ...base, DMAPID_DATABASE: join(dir, 'registry.sqlite'), DMAPID_EPP: 'on', DMAPID_EPP_PORT: '0' };
  cli(registryEnv, ['registry', 'epp-password', 'dmapid', '--password', 'bench-pass-1']);
  const eppPort = (await serve(registryEnv, /EPP 127\.0\.0\.1:(\d+) \(TLS/))[1]!;
  writeFileSync(join(dir, 'epp-password'), 'bench-pass-1\n');
  const registries = { local: { host: '127.0.0.1', port: Number(eppPort), login: 'dmapid', passwordFile: join(dir, 'epp-password'), insecure: true, tlds: ['com'], sessions, commandsPerSecond: 10_000 } };
  writeFileSync(join(dir, 'registries.json'), JSON.stringify(registries));
  console.log(`${canPin ? 'servers on CPU 0, load generator on CPU 1' : 'not pinned'}; EPP listener on port ${eppPort}, ${sessions} client sessions`);

  const simulated = await measured('simulated backend', { ...base, DMAPID_DATABASE: join(dir, 'simulated.sqlite') });
  const epp = await measured('EPP backend (TLS to the registry process)', { ...base, DMAPID_DATABASE: join(dir, 'epp.sqlite'), DMAPID_REGISTRY: 'epp', DMAPID_REGISTRIES_FILE: join(dir, 'registries.json') });

  const row = (name: string, f: RegistrationFigures) => `  ${name.padEnd(10)} ${f.ackP50.toFixed(1).padStart(9)} ${f.ackP99.toFixed(1).padStart(9)} ${f.acceptedPerSecond.toFixed(0).padStart(12)} ${f.registrationsPerSecond.toFixed(0).padStart(16)}`;
  console.log(`\nsummary      ack p50   ack p99   accepted/s   registrations/s`);
  console.log(row('simulated', simulated));
  console.log(row('EPP', epp));
  if (simulated.failed + epp.failed > 0) process.exitCode = 1;
} finally {
  for (const c of children.reverse()) await stop(c);
  rmSync(dir, { recursive: true, force: true });
}
