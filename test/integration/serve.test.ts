import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { dialectsToTest, persistentDatabase } from '../helpers/databases.ts';
import { startServer, stopServer } from '../helpers/serve.ts';
import { parseReply } from '../../src/dmapi/reply.ts';

for (const dialect of dialectsToTest()) {
  describe(`dmapid serve [${dialect}]`, () => {
    it('keeps serving DMAPI when the DNS port is taken, and says why DNS is missing', async () => {
      // Something else (an mDNS daemon, say) holds the UDP port the DNS listener wants.
      const squatter = createSocket('udp4');
      await new Promise<void>((resolve) => squatter.bind(0, '127.0.0.1', resolve));
      const busy = squatter.address().port;
      const db = await persistentDatabase(dialect);
      const server = await startServer(db.url, { DMAPID_DNS: 'on', DMAPID_DNS_HOST: '127.0.0.1', DMAPID_DNS_PORT: String(busy) });
      try {
        const deadline = Date.now() + 30_000;
        while (!/DNS not started/.test(server.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.match(server.output(), new RegExp(`dmapid: DNS not started: .*EADDRINUSE.*127\\.0\\.0\\.1:${busy} \\(change DMAPID_DNS_PORT, or turn it off\\)`));
        const login = parseReply(await (await fetch(`${server.base}/request/login?username=demo&password=demo`)).text());
        assert.equal(login.get('Status-Code'), '0');
        assert.equal(server.child.exitCode, null, 'the server is still running');
      } finally {
        await stopServer(server);
        squatter.close();
        await db.drop();
      }
    });
  });
}
