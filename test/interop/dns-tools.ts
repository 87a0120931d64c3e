import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildQuery, query, tcpExchange, transferComplete } from '../../src/dns/client.ts';
import { decodeMessage } from '../../src/dns/wire/message.ts';
import { formatRecord } from '../../src/dns/wire/present.ts';
import type { TsigKey } from '../../src/dns/wire/tsig.ts';
import type { Message } from '../../src/dns/wire/types.ts';

const run = promisify(execFile);

/** Where Debian puts the interop peers (knotd lives in sbin). */
export function findTool(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin']) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * The skip reason for a suite that needs these tools, or false when all are there. Under CI a
 * missing tool is a failure, never a skip (.ci/run installs them).
 */
export function needTools(...names: string[]): string | false {
  const missing = names.filter((n) => !findTool(n));
  if (missing.length === 0) return false;
  if (process.env.CI === 'true') throw new Error(`interop tools missing under CI: ${missing.join(', ')} (.ci/run installs them)`);
  return `not installed: ${missing.join(', ')} (apt-get install knot knot-dnsutils bind9-dnsutils)`;
}

export async function runTool(name: string, args: string[]): Promise<string> {
  const { stdout } = await run(findTool(name)!, args, { timeout: 20_000 });
  return stdout;
}

/**
 * Answer lines of dig/kdig `+noall +answer` output in our presentation: whitespace collapsed,
 * DS digests joined (dig splits long hex), so they compare with formatRecord().
 */
export function answerLines(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith(';'))
    .map((l) => {
      const f = l.split(/\s+/);
      if (f[3] === 'DS') return [...f.slice(0, 7), f.slice(7).join('')].join(' ');
      return f.join(' ');
    });
}

export const presentAnswers = (m: Message) => m.answers.map(formatRecord);

/** A port that was free a moment ago on 127.0.0.1 for both TCP and UDP. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

export interface Knot {
  port: number;
  /** The server's process (benchmarks pin it to a CPU). */
  pid: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

export interface SecondaryOptions {
  /** Transfers and NOTIFY signed with this key (Knot and NSD then refuse unsigned NOTIFY). */
  tsig?: TsigKey;
  /** Lets 127.0.0.1 transfer the zone from the secondary (to compare its copy with ours). */
  provideXfr?: boolean;
  /** No response-rate limiting (NSD's RRL drops a load generator's queries from one address). */
  unlimited?: boolean;
}

const b64 = (k: TsigKey) => Buffer.from(k.secret).toString('base64');

/**
 * Starts knotd as a secondary of `primaryPort` for `zones`, with its own config, storage and
 * rundir in a temp directory and a high port on 127.0.0.1; it accepts NOTIFY from 127.0.0.1.
 */
export async function startKnot(primaryPort: number, zones: string[], knotPort?: number, o: SecondaryOptions = {}): Promise<Knot> {
  const dir = mkdtempSync(join(tmpdir(), 'dmapid-knot-'));
  for (const sub of ['run', 'db', 'zones']) mkdirSync(join(dir, sub));
  const port = knotPort ?? (await freePort());
  const conf = [
    'server:',
    `    rundir: "${dir}/run"`,
    `    listen: 127.0.0.1@${port}`,
    '    background-workers: 1',
    '    udp-workers: 1',
    '    tcp-workers: 1',
    'log:',
    '  - target: stderr',
    '    any: info',
    'database:',
    `    storage: "${dir}/db"`,
    ...(o.tsig ? ['key:', `  - id: ${o.tsig.name}`, `    algorithm: ${o.tsig.algorithm}`, `    secret: ${b64(o.tsig)}`] : []),
    'remote:',
    '  - id: primary',
    `    address: 127.0.0.1@${primaryPort}`,
    ...(o.tsig ? [`    key: ${o.tsig.name}`] : []),
    'acl:',
    '  - id: notify_from_primary',
    '    address: 127.0.0.1',
    ...(o.tsig ? [`    key: ${o.tsig.name}`] : []),
    '    action: notify',
    '  - id: transfer_to_tests',
    '    address: 127.0.0.1',
    '    action: transfer',
    'template:',
    '  - id: default',
    `    storage: "${dir}/zones"`,
    '    zonefile-sync: -1',
    '    zonefile-load: none',
    '    journal-content: none',
    '    master: primary',
    o.provideXfr ? '    acl: [notify_from_primary, transfer_to_tests]' : '    acl: notify_from_primary',
    'zone:',
    ...zones.map((z) => `  - domain: ${z}`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'knot.conf'), conf);
  const server = await startSecondary('knotd', ['-c', join(dir, 'knot.conf')], dir, port, zones[0]!);
  return { port, dir, ...server };
}

export interface Nsd {
  port: number;
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts NSD in the foreground as a secondary of `primaryPort` (IXFR first, as NSD does by
 * default) with everything in a temp directory, no chroot, no privilege drop, no control socket.
 */
export async function startNsd(primaryPort: number, zones: string[], o: SecondaryOptions = {}): Promise<Nsd> {
  const dir = mkdtempSync(join(tmpdir(), 'dmapid-nsd-'));
  const port = await freePort();
  const conf = [
    'server:',
    '    ip-address: 127.0.0.1',
    `    port: ${port}`,
    '    username: ""',
    '    chroot: ""',
    `    zonesdir: "${dir}"`,
    '    database: ""',
    `    zonelistfile: "${dir}/zone.list"`,
    `    xfrdfile: "${dir}/xfrd.state"`,
    `    xfrdir: "${dir}"`,
    `    pidfile: "${dir}/nsd.pid"`,
    '    verbosity: 2',
    // NSD applies transfers at most once per second by default; the test measures the transfer.
    '    xfrd-reload-timeout: 0',
    ...(o.unlimited ? ['    rrl-ratelimit: 0', '    rrl-whitelist-ratelimit: 0'] : []),
    'remote-control:',
    '    control-enable: no',
    ...(o.tsig ? ['key:', `    name: ${o.tsig.name}`, `    algorithm: ${o.tsig.algorithm}`, `    secret: "${b64(o.tsig)}"`] : []),
    ...zones.flatMap((z) => [
      'zone:',
      `    name: ${z}`,
      `    zonefile: "${z}.zone"`,
      `    request-xfr: 127.0.0.1@${primaryPort} ${o.tsig?.name ?? 'NOKEY'}`,
      `    allow-notify: 127.0.0.1 ${o.tsig?.name ?? 'NOKEY'}`,
      ...(o.provideXfr ? ['    provide-xfr: 127.0.0.1 NOKEY'] : []),
    ]),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'nsd.conf'), conf);
  const server = await startSecondary('nsd', ['-d', '-c', join(dir, 'nsd.conf')], dir, port, zones[0]!);
  return { port, ...server };
}

export { waitFor } from '../helpers/wait-for.ts';

/**
 * Runs a secondary server in the foreground until it answers on `port` at all (REFUSED or
 * SERVFAIL before its first transfer is fine); stop() ends it and removes its directory.
 */
async function startSecondary(tool: string, args: string[], dir: string, port: number, zone: string): Promise<{ pid: number; log(): string; stop(): Promise<void> }> {
  let output = '';
  const child: ChildProcess = spawn(findTool(tool)!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await query({ host: '127.0.0.1', port }, zone, 6, { tcp: true });
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`${tool} did not start:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    pid: child.pid!,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The zone as an AXFR from `port` hands it out, written as a zone file (SOA first, the closing SOA left out). */
export async function axfrZoneFile(port: number, zone: string): Promise<string> {
  const answers = await tcpExchange({ host: '127.0.0.1', port }, [buildQuery(zone, 252, { edns: false })], transferComplete);
  const records = answers.flatMap((b) => decodeMessage(b).answers);
  return records.slice(0, -1).map(formatRecord).join('\n') + '\n';
}

/**
 * Checks a signed zone file with a DNSSEC checker nobody here wrote: Knot's kzonecheck at
 * `atMs` (the test clock; BIND's dnssec-verify only knows the real time), or dnssec-verify when
 * no time is given. Resolves with the tool's output; rejects with it when the zone fails.
 */
export async function checkSignedZone(text: string, zone: string, atMs?: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dmapid-zonecheck-'));
  const file = join(dir, `${zone}.zone`);
  writeFileSync(file, text);
  try {
    const args = atMs === undefined ? ['dnssec-verify', ['-o', zone, file]] as const : (['kzonecheck', ['-o', zone, '-d', 'on', '-t', String(Math.floor(atMs / 1000)), file]] as const);
    const { stdout, stderr } = await run(findTool(args[0])!, [...args[1]], { timeout: 20_000 }).catch((err: { stdout?: string; stderr?: string }) => {
      throw new Error(`${args[0]} rejected ${zone}:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    });
    return stdout + stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
