import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { ConnectionGuard } from '../../../net/connection-guard.ts';
import { FrameError, FrameReader, MAX_FRAME_BYTES, encodeFrame } from '../framing.ts';
import { EppServerSession, type EppServerDeps } from './handler.ts';
import type { TlsPair } from './certificate.ts';

export interface EppListenOptions {
  host: string;
  port: number;
  tls: TlsPair;
  /** A session without a command for this long is closed (also bounds the TLS handshake). */
  idleMs: number;
  maxConnections: number;
  maxPerAddress: number;
  maxFrameBytes?: number;
}

/** Frames a client may send ahead of the answers (more is not a real client). */
const MAX_QUEUED = 16;

/**
 * The simulated registry's EPP face (RFC 5734): TLS 1.2+ over TCP, a greeting on connect, then
 * one command at a time, each answered in order. Connection caps and idle timeouts come from
 * the shared ConnectionGuard; a broken frame ends the connection.
 */
export class EppServer {
  private readonly server: net.Server;
  private readonly guard: ConnectionGuard;
  private readonly busy = new WeakSet<net.Socket>();
  private readonly context: tls.SecureContext;
  private readonly o: EppListenOptions;
  private readonly deps: EppServerDeps;

  constructor(deps: EppServerDeps, o: EppListenOptions) {
    this.deps = deps;
    this.o = o;
    this.context = tls.createSecureContext({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' });
    this.guard = new ConnectionGuard({ max: o.maxConnections, perAddress: o.maxPerAddress }, (s) => this.busy.has(s), deps.log);
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.address();
  }

  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.guard.closeAll();
    await closed;
  }

  private accept(raw: net.Socket): void {
    raw.on('error', () => raw.destroy());
    if (!this.guard.admit(raw)) return;
    raw.setTimeout(this.o.idleMs, () => raw.destroy());
    const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: this.context });
    socket.on('error', () => raw.destroy());
    const session = new EppServerSession(this.deps);
    const reader = new FrameReader(this.o.maxFrameBytes ?? MAX_FRAME_BYTES);
    const queue: string[] = [];
    let running = false;
    let ending = false;

    const send = (xml: string) => {
      if (!socket.destroyed) socket.write(encodeFrame(xml));
    };
    const drain = async () => {
      if (running) return;
      running = true;
      this.busy.add(raw);
      while (queue.length && !ending) {
        const { reply, close } = await session.handle(queue.shift()!);
        send(reply);
        if (close) {
          ending = true;
          socket.end();
        }
      }
      this.busy.delete(raw);
      running = false;
    };
    socket.once('secure', () => send(session.greeting()));
    socket.on('data', (chunk: Buffer) => {
      if (ending) return;
      try {
        queue.push(...reader.push(chunk));
      } catch (e) {
        if (e instanceof FrameError) return void raw.destroy();
        throw e;
      }
      if (queue.length > MAX_QUEUED) return void raw.destroy();
      void drain();
    });
  }
}
