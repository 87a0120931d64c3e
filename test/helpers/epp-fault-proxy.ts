import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { FrameReader, encodeFrame } from '../../src/registry/epp/framing.ts';
import { decodeClientFrame } from '../../src/registry/epp/commands.ts';
import { encodeResponse } from '../../src/registry/epp/responses.ts';
import { result } from '../../src/registry/epp/mapping.ts';
import type { TlsPair } from '../../src/registry/epp/server/certificate.ts';

/**
 * What the proxy does to the next command matching `match` (a command name such as
 * `domain:create`, or `*`): `close-before` drops the connection without forwarding it,
 * `close-after` forwards it and drops the connection before the answer comes back, `answer`
 * replies with that result code itself (the registry never sees the command), `hold` forwards
 * it and keeps the answer back (a registry too slow to answer).
 */
export type Fault = { match: string; times?: number } & ({ kind: 'close-before' } | { kind: 'close-after' } | { kind: 'answer'; code: number } | { kind: 'hold' });

/**
 * A fault-injecting EPP proxy for tests: terminates TLS from the client, opens TLS to the
 * listener, and passes frames both ways, so it sees each command and can break exactly one
 * exchange. `down` refuses connections (the registry is unreachable) until `up`.
 */
export class EppFaultProxy {
  private readonly server: net.Server;
  private readonly context: tls.SecureContext;
  private readonly upstreamPort: number;
  private readonly faults: Fault[] = [];
  private readonly open = new Set<net.Socket>();
  private isDown = false;
  /** Commands seen, by name, in order (after any fault). */
  readonly seen: string[] = [];
  /** Connections accepted, and refused while down. */
  connections = 0;
  refused = 0;

  constructor(upstreamPort: number, pair: TlsPair) {
    this.upstreamPort = upstreamPort;
    this.context = tls.createSecureContext({ cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' });
    this.server = net.createServer((raw) => this.accept(raw));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  inject(f: Fault): void {
    this.faults.push({ times: 1, ...f });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Unreachable: open connections are cut and new ones refused. */
  down(): void {
    this.isDown = true;
    for (const s of this.open) s.destroy();
  }

  up(): void {
    this.isDown = false;
  }

  /** Cuts every open connection (the registry dropping idle sessions). */
  dropAll(): void {
    for (const s of this.open) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private take(name: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.match === '*' || f.match === name);
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }

  private accept(raw: net.Socket): void {
    raw.on('error', () => raw.destroy());
    if (this.isDown) {
      this.refused++;
      return void raw.destroy();
    }
    this.connections++;
    const client = new tls.TLSSocket(raw, { isServer: true, secureContext: this.context });
    const upstream = tls.connect({ host: '127.0.0.1', port: this.upstreamPort, rejectUnauthorized: false });
    this.open.add(raw);
    this.open.add(upstream);
    const cut = () => {
      raw.destroy();
      upstream.destroy();
      this.open.delete(raw);
      this.open.delete(upstream);
    };
    client.on('error', cut);
    upstream.on('error', cut);
    raw.on('close', cut);
    upstream.on('close', cut);
    const fromClient = new FrameReader();
    const fromServer = new FrameReader();
    let holding = false;
    let closeOnAnswer = false;
    client.on('data', (chunk: Buffer) => {
      for (const xml of fromClient.push(chunk)) {
        let name = 'hello';
        let clTRID: string | undefined;
        try {
          const f = decodeClientFrame(xml);
          if (f.kind === 'command') [name, clTRID] = [f.command.cmd, f.command.clTRID];
        } catch {
          name = 'unreadable';
        }
        this.seen.push(name);
        const fault = name === 'login' ? undefined : this.take(name);
        if (fault?.kind === 'close-before') return cut();
        if (fault?.kind === 'answer') {
          client.write(encodeFrame(encodeResponse({ results: [result(fault.code)], clTRID, svTRID: 'PROXY-1' })));
          if (fault.code >= 2500) client.end();
          continue;
        }
        if (fault?.kind === 'close-after') closeOnAnswer = true;
        if (fault?.kind === 'hold') holding = true;
        upstream.write(encodeFrame(xml));
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      for (const xml of fromServer.push(chunk)) {
        if (closeOnAnswer) return cut();
        if (holding) {
          holding = false;
          continue;
        }
        client.write(encodeFrame(xml));
      }
    });
  }
}
