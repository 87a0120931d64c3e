import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ConnectionGuard, type ConnectionLimits } from './connection-guard.ts';

interface Client {
  socket: net.Socket;
  closed: Promise<void>;
  isOpen(): boolean;
  /** Tells the server this connection is busy (or idle again) and waits until it has seen it. */
  mark(state: 'busy' | 'idle'): Promise<void>;
}

/**
 * A plain TCP server guarded by `limits`: a connection is busy while its client last said
 * "busy". Clients come from `127.0.0.X` (all of 127/8 is loopback on Linux), so they count
 * as different addresses.
 */
function guardedServer(limits: ConnectionLimits) {
  const busy = new Set<net.Socket>();
  const guard = new ConnectionGuard(limits, (s) => busy.has(s));
  const server = net.createServer((socket) => {
    if (!guard.admit(socket)) return;
    socket.on('error', () => {});
    socket.on('data', (d) => {
      if (String(d) === 'busy') busy.add(socket);
      else busy.delete(socket);
      socket.write('.');
    });
  });
  let port = 0;
  const connect = (from = '127.0.0.1') =>
    new Promise<Client>((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
      let open = true;
      const closed = new Promise<void>((r) => socket.once('close', () => ((open = false), r())));
      socket.on('error', () => {});
      socket.once('connect', () =>
        resolve({
          socket,
          closed,
          isOpen: () => open,
          mark: (state) =>
            new Promise<void>((r) => {
              socket.once('data', () => r());
              socket.write(state);
            }),
        }),
      );
      socket.once('error', reject);
    });
  return {
    guard,
    connect,
    listen: () => new Promise<void>((r) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as net.AddressInfo).port), r()))),
    close: () => new Promise<void>((r) => (guard.closeAll(), server.close(() => r()))),
  };
}

/** Long enough for a close the server made to reach the client, had it made one. */
const settle = () => new Promise((r) => setTimeout(r, 100));

describe('connection guard', () => {
  describe('per-address cap', () => {
    const s = guardedServer({ max: 100, perAddress: 2 });
    before(() => s.listen());
    after(() => s.close());

    it('refuses a third connection from one address, not one from another, and admits again once one closed', async () => {
      const first = await s.connect('127.0.0.2');
      const second = await s.connect('127.0.0.2');
      const third = await s.connect('127.0.0.2');
      await third.closed;
      const other = await s.connect('127.0.0.3');
      await settle();
      assert.ok(first.isOpen() && second.isOpen() && other.isOpen());
      assert.equal(s.guard.stats().refusedPerAddress, 1);

      first.socket.destroy();
      await first.closed;
      await settle();
      const again = await s.connect('127.0.0.2');
      await again.mark('idle');
      assert.ok(again.isOpen());
      assert.deepEqual(s.guard.stats(), { open: 3, refusedPerAddress: 1, refusedFull: 0, evicted: 0 });
    });
  });

  describe('total cap', () => {
    const s = guardedServer({ max: 3, perAddress: 0 });
    before(() => s.listen());
    after(() => s.close());

    it('closes the oldest idle connection for a newcomer, never a busy one; refuses the newcomer when all are busy', async () => {
      const a = await s.connect('127.0.0.10');
      const b = await s.connect('127.0.0.11');
      const c = await s.connect('127.0.0.12');
      await b.mark('busy');
      const d = await s.connect('127.0.0.13');
      await a.closed; // the oldest, idle
      await d.mark('idle');
      const e = await s.connect('127.0.0.14');
      await c.closed; // b is older but busy
      await d.mark('busy');
      const f = await s.connect('127.0.0.15');
      await e.closed;
      await f.mark('busy');
      assert.ok(b.isOpen() && d.isOpen() && f.isOpen());
      const g = await s.connect('127.0.0.16');
      await g.closed; // every slot busy: the newcomer goes
      await settle();
      assert.ok(b.isOpen() && d.isOpen() && f.isOpen());
      assert.deepEqual(s.guard.stats(), { open: 3, refusedPerAddress: 0, refusedFull: 1, evicted: 3 });
      // Once one is idle again it is the one to make room.
      await d.mark('idle');
      const h = await s.connect('127.0.0.17');
      await d.closed;
      await h.mark('idle');
      assert.ok(b.isOpen() && f.isOpen() && h.isOpen());
    });
  });
});
