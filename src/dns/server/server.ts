import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../obs/logger.ts';
import { FrameReader, frame } from '../wire/tcp-framing.ts';
import type { ZoneSource } from '../zone-source.ts';
import { compileAcl } from './acl.ts';
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
  /** Addresses and prefixes allowed to transfer zones; default loopback only. */
  transferAcl?: readonly string[];
  log: Logger;
  /** A TCP connection idle this long is closed (RFC 7766 §6.2.3 suggests seconds). */
  tcpIdleMs?: number;
  maxTcpConnections?: number;
}

export interface BoundAddress {
  transport: 'udp' | 'tcp';
  address: string;
  port: number;
}

export const DEFAULT_TRANSFER_ACL = ['127.0.0.0/8', '::1'];

const ipv6Unavailable = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

/**
 * The authoritative DNS listeners: UDP (udp4/udp6) and TCP (2-byte framing, pipelined queries
 * answered in order, idle timeout, connection cap) on every configured address, all feeding one
 * QueryHandler over one ZoneCache.
 */
export class DnsServer {
  readonly cache: ZoneCache;
  readonly handler: QueryHandler;
  private readonly o: DnsServerOptions;
  private udp: dgram.Socket[] = [];
  private tcp: net.Server[] = [];
  private readonly connections = new Set<net.Socket>();
  private bound: BoundAddress[] = [];

  constructor(options: DnsServerOptions) {
    this.o = options;
    this.cache = new ZoneCache(options.source);
    this.handler = new QueryHandler({
      cache: this.cache,
      transferAcl: compileAcl(options.transferAcl ?? DEFAULT_TRANSFER_ACL),
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
    if (this.connections.size >= (this.o.maxTcpConnections ?? 512)) {
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(this.o.tcpIdleMs ?? 10_000, () => socket.destroy());
    const remote = socket.remoteAddress ?? '';
    const frames = new FrameReader();
    let chain = Promise.resolve();
    // A client that pipelines faster than it reads its answers is paused, not buffered without end.
    let pending = 0;
    socket.on('data', (chunk) => {
      for (const msg of frames.push(chunk)) {
        if (++pending >= 64) socket.pause();
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
            if (--pending < 16 && socket.isPaused()) socket.resume();
          });
      }
    });
  }

  async close(): Promise<void> {
    for (const s of this.connections) s.destroy();
    this.connections.clear();
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
