import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialectsToTest, persistentDatabase } from '../helpers/databases.ts';
import { startServer, stopServer } from '../helpers/serve.ts';
import { parseHttp, rawExchange, trickle, type RawClient } from '../helpers/sockets.ts';
import { buildQuery, query, tcpExchange, transferComplete } from '../../src/dns/client.ts';
import { decodeMessage } from '../../src/dns/wire/message.ts';
import { TYPE } from '../../src/dns/wire/types.ts';
import { parseReply } from '../../src/dmapi/reply.ts';
import { DEMO } from '../../src/services/demo.ts';

/**
 * The attack of the security review, against `dmapid serve` with 400 open files: hundreds of
 * connections trickling headers, bodies and DNS length prefixes from many addresses (127.0.X.Y
 * are all loopback). With the caps below the fd limit and the oldest idle connection making room,
 * a normal DMAPI request and a zone transfer from 127.0.0.1 still get through; without them the
 * process runs out of file descriptors and refuses everything.
 */
for (const dialect of dialectsToTest()) {
  describe(`dmapid serve under slow clients [${dialect}]`, () => {
    it('answers a DMAPI request and an AXFR while hundreds of slow connections are held', async () => {
      const db = await persistentDatabase(dialect);
      const server = await startServer(
        db.url,
        {
          DMAPID_DNS: 'on',
          DMAPID_DNS_HOST: '127.0.0.1',
          DMAPID_DNS_PORT: '0',
          DMAPID_HTTP_MAX_CONNECTIONS: '200',
          DMAPID_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '8',
          DMAPID_DNS_TCP_MAX_CONNECTIONS: '100',
        },
        { fileLimit: 400 },
      );
      const slow: RawClient[] = [];
      try {
        const port = Number(new URL(server.base).port);
        const deadline = Date.now() + 30_000;
        while (!/DNS 127\.0\.0\.1:\d+/.test(server.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const dnsPort = Number(/DNS 127\.0\.0\.1:(\d+)/.exec(server.output())![1]);
        const dmapi = async (request: string) => parseReply(parseHttp(await rawExchange(port, `${request}\r\nHost: dmapi.test\r\nConnection: close\r\n\r\n`)).body);

        // A hosted zone to transfer: the demo reseller's domain, put over DMAPI.
        const handle = db.open();
        const demo = await handle.db.selectFrom('accounts').select('id').where('login', '=', DEMO.login).executeTakeFirstOrThrow();
        const now = Date.now();
        await handle.db.insertInto('domains').values({ account_id: demo.id, name: 'held.com', tld: 'com', created_at: now, expires_at: now + 365 * 86_400_000, updated_at: now, autorenew: 0, locked: 0 }).execute();
        await handle.close();
        const login = await dmapi(`GET /request/login?username=${DEMO.login}&password=${DEMO.password} HTTP/1.1`);
        const sid = login.get('Auth-Sid')!;
        const put = await dmapi(`GET /request/dns-zone-put?auth-sid=${sid}&domain=held.com&zone=${encodeURIComponent('www A 0 192.0.2.10 3600\nlong TXT 0 "' + 'x'.repeat(250) + '" 3600')} HTTP/1.1`);
        assert.equal(put.get('Status-Code'), '0', put.get('Error'));

        const from = (block: number, i: number, perAddress: number) => `127.0.${block}.${1 + Math.floor(i / perAddress)}`;
        for (let i = 0; i < 250; i++) {
          slow.push(await trickle(port, { from: from(2, i, 5), start: 'GET /request/query-profile HTTP/1.1\r\n', drip: 'X-Slow: 1\r\n', everyMs: 1000 }));
        }
        const bodyHead = 'POST /request/login HTTP/1.1\r\nHost: dmapi.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nusername=';
        for (let i = 0; i < 100; i++) slow.push(await trickle(port, { from: from(3, i, 4), start: bodyHead, drip: 'a', everyMs: 1000 }));
        for (let i = 0; i < 150; i++) slow.push(await trickle(dnsPort, { from: from(4, i, 10), start: Buffer.from([0]), drip: Buffer.from([0]), everyMs: 1000 }));

        const profile = await dmapi(`GET /request/query-profile?auth-sid=${sid} HTTP/1.1`);
        assert.equal(profile.get('Status-Code'), '0');
        const target = { host: '127.0.0.1', port: dnsPort };
        const axfr = await tcpExchange(target, [buildQuery('held.com', TYPE.AXFR)], transferComplete);
        const records = axfr.flatMap((a) => decodeMessage(a).answers);
        assert.equal(records.filter((r) => r.data.type === 'SOA').length, 2);
        assert.ok(records.some((r) => r.name === 'www.held.com' && r.data.type === 'A'));
        assert.equal((await query(target, 'long.held.com', TYPE.TXT, { tcp: true })).answers.length, 1, 'TCP fallback');
        // The slots were held, not freed by deadlines: the caps' worth of slow connections is still open.
        const open = slow.filter((c) => c.isOpen()).length;
        assert.ok(open >= 250, `${open} slow connections still open`);
        assert.equal(server.child.exitCode, null, 'the server is still running');
        assert.doesNotMatch(server.output(), /open-file limit/, 'caps that fit the limit are not warned about');
      } finally {
        for (const c of slow) c.end();
        await stopServer(server);
        await db.drop();
      }
    });

    it('warns at start when the connection caps do not fit the open-file limit', async () => {
      const db = await persistentDatabase(dialect);
      const server = await startServer(db.url, {}, { fileLimit: 400 });
      try {
        assert.match(server.output(), /dmapid: warning: the connection caps \(DMAPI 1024\) and about 64 other files exceed the open-file limit of 400/);
      } finally {
        await stopServer(server);
        await db.drop();
      }
    });
  });
}
