import tls from 'node:tls';
import { FrameError, FrameReader, encodeFrame } from '../framing.ts';
import { decodeServerFrame } from '../responses.ts';
import type { Greeting } from '../types.ts';
import { RegistryTransportError } from '../../faults.ts';

export interface ConnectOptions {
  host: string;
  port: number;
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
  serverName?: string | undefined;
  insecure: boolean;
  /** Bounds the TCP connect, the TLS handshake and the greeting together. */
  timeoutMs: number;
}

/** The connection could not be made or greeted: nothing was sent, so trying later is safe. */
export class ConnectFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectFailed';
  }
}

/**
 * One EPP transport connection (RFC 5734): TLS 1.2 or 1.3 with our client certificate, 4-byte
 * length-framed XML, the greeting read on connect, then one exchange at a time. The session
 * state (login) is the pool's; this class only moves frames and notices the connection ending.
 */
export class EppConnection {
  readonly greeting: Greeting;
  private readonly socket: tls.TLSSocket;
  private readonly reader: FrameReader;
  private waiting: { resolve: (xml: string) => void; reject: (e: Error) => void } | undefined;
  private ended: string | undefined;
  private readonly closeHandlers: Array<() => void> = [];

  private constructor(socket: tls.TLSSocket, reader: FrameReader, greeting: Greeting) {
    this.socket = socket;
    this.reader = reader;
    this.greeting = greeting;
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('close', () => this.end('the registry closed the connection'));
    socket.on('error', (e) => this.end(`connection error: ${e.message}`));
  }

  static open(o: ConnectOptions): Promise<EppConnection> {
    return new Promise((resolve, reject) => {
      const reader = new FrameReader();
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(new ConnectFailed(`${o.host}:${o.port}: ${why}`));
      };
      const socket = tls.connect({
        host: o.host,
        port: o.port,
        servername: o.serverName ?? (/^[\d.:]+$/.test(o.host) ? undefined : o.host),
        cert: o.cert,
        key: o.key,
        ca: o.ca,
        rejectUnauthorized: !o.insecure,
        minVersion: 'TLSv1.2',
      });
      const timer = setTimeout(() => fail(`no greeting within ${o.timeoutMs} ms`), o.timeoutMs);
      timer.unref();
      socket.on('error', (e) => fail(e.message));
      socket.on('close', () => fail('closed before the greeting'));
      const first = (chunk: Buffer) => {
        let frames: string[];
        try {
          frames = reader.push(chunk);
        } catch (e) {
          return fail(e instanceof FrameError ? e.message : String(e));
        }
        if (!frames.length) return;
        socket.off('data', first);
        try {
          const f = decodeServerFrame(frames[0]!);
          if (f.kind !== 'greeting') return fail('the first frame was not a greeting');
          settled = true;
          clearTimeout(timer);
          socket.removeAllListeners('error');
          socket.removeAllListeners('close');
          resolve(new EppConnection(socket, reader, f.greeting));
        } catch (e) {
          fail(`unreadable greeting: ${(e as Error).message}`);
        }
      };
      socket.on('data', first);
    });
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }

  /** Sends one frame and waits for the next one; a transport error when none comes in time. */
  exchange(xml: string, timeoutMs: number): Promise<string> {
    if (this.ended) return Promise.reject(new RegistryTransportError(this.ended));
    if (this.waiting) return Promise.reject(new Error('one exchange at a time on an EPP connection'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new RegistryTransportError(`no answer within ${timeoutMs} ms`));
        // The answer may still come and would be taken for the next command's: start afresh.
        this.close();
      }, timeoutMs);
      timer.unref();
      this.waiting = {
        resolve: (x) => {
          clearTimeout(timer);
          resolve(x);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(encodeFrame(xml));
    });
  }

  close(): void {
    this.end('closed by dmapid');
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    let frames: string[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      this.end(`bad frame from the registry: ${(e as Error).message}`);
      this.socket.destroy();
      return;
    }
    for (const f of frames) {
      const w = this.waiting;
      this.waiting = undefined;
      if (w) w.resolve(f);
      // A frame nobody asked for means the session is out of step; it cannot be trusted.
      else this.close();
    }
  }

  private end(why: string): void {
    if (this.ended) return;
    this.ended = why;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(new RegistryTransportError(why));
    for (const h of this.closeHandlers.splice(0)) h();
  }
}
