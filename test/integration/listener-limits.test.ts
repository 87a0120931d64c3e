import { afterEach, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { forEachDatabase, withCommands, type TestApp } from '../helpers/harness.ts';
import { endAll, pause, parseHttp, rawExchange, trickle, within } from '../helpers/sockets.ts';
import { parseReply } from '../../src/dmapi/reply.ts';
import { defineCommand } from '../../src/dmapi/command.ts';
import { commands } from '../../src/dmapi/commands/index.ts';
import { createRedirectServer } from '../../src/redirect/server.ts';

const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;
const listen = async (t: TestApp) => {
  if (!t.app.http.server.listening) await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  return portOf(t.app.http.server);
};
/** A normal request: a logged-in reseller asks for its balance. */
const balance = (sid: string) => `GET /request/query-account-balance?auth-sid=${sid} HTTP/1.1\r\nHost: dmapi.test\r\nConnection: close\r\n\r\n`;

/** A DMAPI answer that came over the socket: HTTP status and the parsed reply. */
function dmapiAnswer(raw: string) {
  const http = parseHttp(raw);
  return { status: http.status, reply: parseReply(http.body), headers: http.headers };
}

// Small deadlines, so the timeouts show within a test; the caps stay at their defaults.
forEachDatabase(
  'HTTP listener timeouts',
  (t) => {
    afterEach(endAll);
    it('closes a connection that trickles its headers once the header deadline passed, with a DMAPI answer (408)', async () => {
      const port = await listen(t());
      const c = await trickle(port, { start: 'GET /request/version HTTP/1.1\r\n', drip: 'X-Slow: 1\r\n', everyMs: 50 });
      await within(c.closed, 3000, 'closing the header trickler');
      const a = dmapiAnswer(c.received());
      assert.equal(a.status, 408);
      assert.equal(a.reply.get('Status-Code'), '2400');
      assert.deepEqual(a.reply.all('Error'), ['request not received in time (headers within 0.3 s, the whole request within 0.8 s)']);
      assert.match(a.headers['server']!, /^DMAPI\/1\.2\.53 /);
    });

    it('closes a connection that trickles its body once the request deadline passed (408); a body that keeps pace gets its answer', async () => {
      const port = await listen(t());
      const head = (length: number) => `POST /request/login HTTP/1.1\r\nHost: dmapi.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
      const slow = await trickle(port, { start: head(1000) + 'username=', drip: 'a', everyMs: 50 });
      const body = `username=nobody&password=${'x'.repeat(8000)}`;
      const paced = await trickle(port, { start: head(body.length) });
      for (let i = 0; i < body.length; i += 2000) {
        paced.socket.write(body.slice(i, i + 2000));
        await pause(50);
      }
      await within(slow.closed, 3000, 'closing the body trickler');
      const a = dmapiAnswer(slow.received());
      assert.equal(a.status, 408);
      assert.equal(a.reply.get('Status-Code'), '2400');
      await within(paced.closed, 3000, 'the answer');
      const ok = dmapiAnswer(paced.received());
      assert.equal(ok.status, 200);
      assert.equal(ok.reply.get('Status-Code'), '2200');
    });

    it('closes a keep-alive connection that stays idle after its answer', async () => {
      const port = await listen(t());
      const c = await trickle(port, { start: 'GET /request/version HTTP/1.1\r\nHost: dmapi.test\r\n\r\n' });
      // Node adds a second of grace to the keep-alive deadline it announces.
      await within(c.closed, 3000, 'closing the idle keep-alive connection');
      // version without a session: the -401 answer, at HTTP 401.
      assert.equal(parseHttp(c.received()).status, 401);
    });

    it('applies the same deadlines on the redirect listener', async () => {
      const redirect = createRedirectServer(t().app.deps);
      await redirect.listen({ port: 0, host: '127.0.0.1' });
      const clients = [];
      try {
        const c = await trickle(portOf(redirect.server), { start: 'GET / HTTP/1.1\r\n', drip: 'X-Slow: 1\r\n', everyMs: 50 });
        clients.push(c);
        await within(c.closed, 3000, 'closing the header trickler');
        const idle = await trickle(portOf(redirect.server), { start: 'GET / HTTP/1.1\r\nHost: nowhere.test\r\n\r\n' });
        clients.push(idle);
        await within(idle.closed, 3000, 'closing the idle keep-alive connection');
        assert.equal(parseHttp(idle.received()).status, 404);
      } finally {
        for (const c of clients) c.end();
        await redirect.close();
      }
    });
  },
  { httpHeaderTimeoutMs: 300, httpRequestTimeoutMs: 800, httpIdleTimeoutMs: 200 },
);

/** A request whose handler waits until the test lets it go: a connection being answered. */
function waitingCommand() {
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const command = defineCommand({
    name: 'test-wait',
    summary: 'test only: answers once released',
    access: 'read',
    session: 'none',
    execution: 'sync',
    params: z.object({}),
    errors: [],
    async run() {
      await gate;
      return { body: 'released' };
    },
  });
  return { command, release };
}

// Small caps; long deadlines, so only the caps close anything.
forEachDatabase(
  'HTTP listener connection caps',
  (t) => {
    afterEach(endAll);
    let port = 0;
    let sid = '';
    before(async () => {
      port = await listen(t());
      sid = (await t().reseller('caps')).sid;
    });
    const slowHeaders = (from: string) => trickle(port, { from, start: 'GET /request/version HTTP/1.1\r\n', drip: 'X-Slow: 1\r\n', everyMs: 100 });

    it('refuses a third connection from one address; other addresses still get in', async () => {
      const held = [await slowHeaders('127.0.0.40'), await slowHeaders('127.0.0.40')];
      const third = await slowHeaders('127.0.0.40');
      try {
        await within(third.closed, 2000, 'refusing the third connection');
        assert.equal(third.received(), '', 'refused without an answer');
        const normal = dmapiAnswer(await rawExchange(port, balance(sid)));
        assert.equal(normal.reply.get('Status-Code'), '0');
        assert.ok(held.every((c) => c.isOpen()));
      } finally {
        for (const c of [...held, third]) c.end();
        await pause();
      }
    });

    it('closes the oldest slow connection when every slot is taken, so a normal request gets in', async () => {
      const held = [];
      for (let i = 0; i < 4; i++) held.push(await slowHeaders(`127.0.0.${50 + i}`));
      try {
        const normal = dmapiAnswer(await rawExchange(port, balance(sid)));
        assert.equal(normal.status, 200);
        assert.equal(normal.reply.get('Status-Code'), '0');
        await within(held[0]!.closed, 2000, 'closing the oldest slow connection');
        assert.ok(held.slice(1).every((c) => c.isOpen()));
      } finally {
        for (const c of held) c.end();
        await pause();
      }
    });

    it('never closes a connection whose request is being answered', async () => {
      const wait = waitingCommand();
      const other = await withCommands(t(), [...commands, wait.command]);
      await other.http.listen({ port: 0, host: '127.0.0.1' });
      const otherPort = portOf(other.http.server);
      const slow = [];
      try {
        const busy = await trickle(otherPort, { from: '127.0.0.70', start: 'GET /request/test-wait HTTP/1.1\r\nHost: dmapi.test\r\nConnection: close\r\n\r\n' });
        slow.push(busy);
        await pause();
        for (let i = 0; i < 3; i++) slow.push(await trickle(otherPort, { from: `127.0.0.${71 + i}`, start: 'GET /request/version HTTP/1.1\r\n', drip: 'X-Slow: 1\r\n', everyMs: 100 }));
        const normal = dmapiAnswer(await rawExchange(otherPort, balance(sid)));
        assert.equal(normal.reply.get('Status-Code'), '0');
        await within(slow[1]!.closed, 2000, 'closing the oldest idle connection');
        assert.ok(busy.isOpen(), 'the older, busy connection stays');
        wait.release();
        await within(busy.closed, 2000, 'the answer');
        const answer = dmapiAnswer(busy.received());
        assert.equal(answer.reply.get('Status-Code'), '0');
        assert.equal(answer.reply.body, 'released');
      } finally {
        wait.release();
        for (const c of slow) c.end();
        await other.close();
      }
    });
  },
  { httpMaxConnections: 4, httpMaxConnectionsPerAddress: 2 },
);
