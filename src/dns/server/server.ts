import dgram from 'node:dgram';
import net from 'node:net';
import { ConnectionGuard } from '../../net/connection-guard.ts';
import type { Logger } from '../../obs/logger.ts';
import { FrameReader, frame } from '../wire/tcp-framing.ts';
import type { ZoneSource } from '../zone-source.ts';
import type { Clock } from '../../core/clock.ts';
import type { TsigKey } from '../wire/tsig.ts';
import { compileTransferAcl } from './acl.ts';
import { QueryHandler } from './handler.ts';
import { ZoneCache } from './zone-cache.ts';

export interface DnsServerOptions {
  source: ZoneSource;
  /** Addresses to bind (UDP and TCP on each); IPv6 ones are skipped with a warning when the host has no IPv6. */
  hosts: readonly string[];
  /** 0 picks a free port, the same for every listener. */
  port: number;
  /** Largest UDP answer and the EDNS size we advertise. */
  udpSize?: number;
  /** Addresses and prefixes allowed to transfer zones, each optionally with `key NAME`; default loopback only. */
  transferAcl?: readonly string[];
  /** TSIG keys by name. */
  tsigKeys?: ReadonlyMap<string, TsigKey>;
  /** The clock TSIG times are checked against (default: wall time). */
  clock?: Clock;
  log: Logger;
  tcp?: Partial<DnsTcpLimits>;
}

/** What one client may hold of the TCP listeners (RFC 7766 §6.2.2–6.2.3). */
export interface DnsTcpLimits {
  /** A connection without a query to answer is closed after this long (RFC 7766 suggests seconds). */
  idleMs: number;
  /** One message must have arrived this long after its first byte; trickling bytes does not extend it. */
  messageMs: number;
  /** Connections at once; at the cap the oldest one not being answered is closed for a newcomer. */
  maxConnections: number;
  /** Connections one address (IPv6: one /64) may hold; 0 for no such limit. */
  maxPerAddress: number;
}

/** The same as the configuration's defaults (DMAPID_DNS_TCP_*). */
export const DEFAULT_TCP_LIMITS: DnsTcpLimits = { idleMs: 10_000, messageMs: 5_000, maxConnections: 512, maxPerAddress: 16 };

export interface BoundAddress {
  transport: 'udp' | 'tcp';
  address: string;
  port: number;
}

export const DEFAULT_TRANSFER_ACL = ['127.0.0.0/8', '::1'];

const ipv6Unavailable = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

/**
 * The authoritative DNS listeners: UDP (udp4/udp6) and TCP (2-byte framing, pipelined queries
 * answered in order, idle and message timeouts, connection caps) on every configured address,
 * all feeding one QueryHandler over one ZoneCache.
 */
export class DnsServer {
  readonly cache: ZoneCache;
  readonly handler: QueryHandler;
  private readonly o: DnsServerOptions;
  private udp: dgram.Socket[] = [];
  private tcp: net.Server[] = [];
  private readonly tcpLimits: DnsTcpLimits;
  /** Queries received on a connection and not yet answered in full (an AXFR counts until written). */
  private readonly pending = new WeakMap<net.Socket, number>();
  private readonly guard: ConnectionGuard;
  private bound: BoundAddress[] = [];

  constructor(options: DnsServerOptions) {
    this.o = options;
    this.tcpLimits = { ...DEFAULT_TCP_LIMITS, ...options.tcp };
    const { maxConnections: max, maxPerAddress: perAddress } = this.tcpLimits;
    this.guard = new ConnectionGuard({ max, perAddress }, (socket) => (this.pending.get(socket) ?? 0) > 0, options.log);
    this.cache = new ZoneCache(options.source);
    this.handler = new QueryHandler({
      cache: this.cache,
      transferAcl: compileTransferAcl(options.transferAcl ?? DEFAULT_TRANSFER_ACL),
      ...(options.tsigKeys ? { tsigKeys: options.tsigKeys } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      udpSize: options.udpSize ?? 1232,
      log: options.log,
    });
  }

  /** The port the listeners share. */
  get port(): number {
    const first = this.bound[0];
    if (!first) throw new Error('the DNS server is not listening');
    return first.port;
  }

  addresses(): BoundAddress[] {
    return [...this.bound];
  }

  async listen(): Promise<void> {
    // With port 0 the TCP port is chosen first; UDP may find it taken, so try a few ports.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.bindAll();
        return;
      } catch (err) {
        await this.close();
        const code = (err as NodeJS.ErrnoException).code;
        if (this.o.port !== 0 || code !== 'EADDRINUSE' || attempt >= 5) throw err;
      }
    }
  }

  private async bindAll(): Promise<void> {
    let port = this.o.port;
    for (const host of this.o.hosts) {
      const v6 = net.isIPv6(host);
      let tcpPort: number;
      try {
        tcpPort = await this.bindTcp(host, port);
      } catch (err) {
        if (v6 && ipv6Unavailable.has((err as NodeJS.ErrnoException).code ?? '')) {
          this.o.log.warn({ host }, 'no IPv6 on this host: DNS listener on it skipped');
          continue;
        }
        throw err;
      }
      if (port === 0) port = tcpPort;
      await this.bindUdp(host, port, v6);
    }
    if (this.bound.length === 0) throw new Error(`the DNS server could not bind any of ${this.o.hosts.join(', ')}`);
  }

  private bindTcp(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ noDelay: true }, (socket) => this.onConnection(socket));
      server.once('error', reject);
      server.listen({ host, port, ipv6Only: net.isIPv6(host) }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.o.log.error({ err }, 'DNS TCP listener error'));
        this.tcp.push(server);
        const a = server.address() as net.AddressInfo;
        this.bound.push({ transport: 'tcp', address: a.address, port: a.port });
        resolve(a.port);
      });
    });
  }

  private bindUdp(host: string, port: number, v6: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
      socket.once('error', reject);
      socket.bind({ address: host, port }, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.o.log.error({ err }, 'DNS UDP socket error'));
        socket.on('message', (msg, rinfo) => this.onDatagram(socket, msg, rinfo));
        this.udp.push(socket);
        const a = socket.address();
        this.bound.push({ transport: 'udp', address: a.address, port: a.port });
        resolve();
      });
    });
  }

  private onDatagram(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.handler.handle(msg, 'udp', rinfo.address).then(
      (out) => {
        for (const m of out) socket.send(m, rinfo.port, rinfo.address, () => {});
      },
      (err) => this.o.log.error({ err }, 'DNS UDP answer failed'),
    );
  }

  private onConnection(socket: net.Socket): void {
    if (!this.guard.admit(socket)) return;
    const { idleMs, messageMs } = this.tcpLimits;
    socket.on('error', () => socket.destroy());
    // The deadlines below cover a client that sends too slowly; this one (restarted by any byte
    // either way) drops one that stops reading the answer it asked for.
    socket.setTimeout(idleMs, () => socket.destroy());
    const remote = socket.remoteAddress ?? '';
    const frames = new FrameReader();
    this.pending.set(socket, 0);
    const pending = () => this.pending.get(socket) ?? 0;

    // One deadline at a time: for the message that has begun to arrive, else for the next query
    // while none is being answered. Neither moves for bytes that trickle in.
    let deadline: NodeJS.Timeout | undefined;
    let waiting: 'message' | 'idle' | undefined;
    const arm = (fresh: boolean) => {
      const want = frames.buffered > 0 && !socket.isPaused() ? 'message' : pending() === 0 ? 'idle' : undefined;
      if (want === waiting && !fresh) return;
      clearTimeout(deadline);
      waiting = want;
      deadline = want ? setTimeout(() => socket.destroy(), want === 'message' ? messageMs : idleMs) : undefined;
    };
    arm(true);
    socket.on('close', () => clearTimeout(deadline));

    let chain = Promise.resolve();
    // A client that pipelines faster than it reads its answers is paused, not buffered without end.
    socket.on('data', (chunk) => {
      const messages = frames.push(chunk);
      for (const msg of messages) {
        this.pending.set(socket, pending() + 1);
        if (pending() >= 64) socket.pause();
        chain = chain
          .then(async () => {
            const out = await this.handler.handle(msg, 'tcp', remote);
            for (const m of out) {
              if (socket.destroyed) return;
              if (!socket.write(frame(m))) await drained(socket);
            }
          })
          .catch((err) => {
            this.o.log.error({ err, remote }, 'DNS TCP answer failed');
            socket.destroy();
          })
          .finally(() => {
            this.pending.set(socket, pending() - 1);
            if (pending() < 16 && socket.isPaused()) socket.resume();
            if (!socket.destroyed) arm(pending() === 0);
          });
      }
      // A message that completed restarts the clock for the next one.
      arm(messages.length > 0);
    });
  }

  async close(): Promise<void> {
    this.guard.closeAll();
    await Promise.all(this.udp.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await Promise.all(this.tcp.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.udp = [];
    this.tcp = [];
    this.bound = [];
  }
}

function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
