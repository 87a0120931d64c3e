import tls from 'node:tls';
import { FrameReader, encodeFrame } from '../../src/registry/epp/framing.ts';
import { encodeCommand, encodeHello } from '../../src/registry/epp/commands.ts';
import { decodeServerFrame } from '../../src/registry/epp/responses.ts';
import type { Command, Greeting, Response } from '../../src/registry/epp/types.ts';

/**
 * A minimal EPP-over-TLS client for tests: sends one frame, waits for the answer. Every
 * frame exchanged is kept in `frames` so a test can validate them all against the schemas.
 */
export class TestEppClient {
  readonly frames: string[] = [];
  private readonly socket: tls.TLSSocket;
  private readonly reader = new FrameReader();
  private readonly waiting: Array<(xml: string) => void> = [];
  private readonly arrived: string[] = [];
  closed = false;

  private constructor(socket: tls.TLSSocket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.reader.push(chunk)) {
        this.frames.push(f);
        const w = this.waiting.shift();
        if (w) w(f);
        else this.arrived.push(f);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w('');
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<{ client: TestEppClient; greeting: Greeting }> {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    const client = new TestEppClient(socket);
    const first = await client.next();
    const f = decodeServerFrame(first);
    if (f.kind !== 'greeting') throw new Error('no greeting');
    return { client, greeting: f.greeting };
  }

  /** The next frame from the server ('' once the connection closed). */
  next(): Promise<string> {
    const ready = this.arrived.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve('');
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends XML as it is; `record: false` keeps a deliberately invalid frame out of `frames`. */
  async raw(xml: string, record = true): Promise<string> {
    if (record) this.frames.push(xml);
    this.socket.write(encodeFrame(xml));
    return this.next();
  }

  async send(c: Command): Promise<Response> {
    const answer = await this.raw(encodeCommand(c));
    const f = decodeServerFrame(answer);
    if (f.kind !== 'response') throw new Error('expected a response');
    return f.response;
  }

  async hello(): Promise<Greeting> {
    const f = decodeServerFrame(await this.raw(encodeHello()));
    if (f.kind !== 'greeting') throw new Error('expected a greeting');
    return f.greeting;
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}
