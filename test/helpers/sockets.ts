import net from 'node:net';

/** A raw TCP client: what it received, and whether (and when) the server closed it. */
export interface RawClient {
  socket: net.Socket;
  /** Resolves when the connection is closed (by either side). */
  closed: Promise<void>;
  isOpen(): boolean;
  received(): string;
  /** Stops trickling and closes the connection. */
  end(): void;
}

export interface TrickleOptions {
  /** Local address to connect from: any 127.0.0.X is loopback on Linux, so each looks like another client. */
  from?: string;
  /** Sent at once on connect. */
  start?: string | Uint8Array;
  /** Then one of these every `everyMs`. */
  drip?: string | Uint8Array;
  everyMs?: number;
}

const opened = new Set<RawClient>();

/** Ends every client still open (an afterEach hook: a failed test leaves none behind). */
export function endAll(): void {
  for (const c of opened) c.end();
  opened.clear();
}

/** Opens a connection that sends `start`, then `drip` every `everyMs` (a slowloris client); resolves once connected. */
export function trickle(port: number, o: TrickleOptions = {}): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', ...(o.from ? { localAddress: o.from } : {}) });
    let open = true;
    let data = '';
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        open = false;
        clearInterval(timer);
        r();
      }),
    );
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      if (o.start) socket.write(o.start);
      if (o.drip) timer = setInterval(() => socket.writable && socket.write(o.drip!), o.everyMs ?? 50);
      const client: RawClient = { socket, closed, isOpen: () => open, received: () => data, end: () => socket.destroy() };
      opened.add(client);
      void closed.then(() => opened.delete(client));
      resolve(client);
    });
    socket.once('error', reject);
  });
}

/** Sends one raw HTTP request (it should say `Connection: close`) and resolves with everything the server sent before closing. */
export async function rawExchange(port: number, request: string | Uint8Array, from?: string): Promise<string> {
  const c = await trickle(port, { start: request, ...(from ? { from } : {}) });
  await c.closed;
  return c.received();
}

/** Splits a raw HTTP response into status, lowercase headers and body. */
export function parseHttp(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = raw.slice(0, end < 0 ? raw.length : end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: end < 0 ? '' : Buffer.from(raw.slice(end + 4), 'latin1').toString('utf8') };
}

/** Resolves after `ms`: long enough for a close the server made to reach the client, had it made one. */
export const pause = (ms = 100) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects when `p` has not settled within `ms` (a connection that should have been closed by now). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}
