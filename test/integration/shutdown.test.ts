import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { dialectsToTest, persistentDatabase } from '../helpers/databases.ts';
import { startServer, stopServer } from '../helpers/serve.ts';
import { parseReply } from '../../src/dmapi/reply.ts';

interface Outcome {
  reply?: ReturnType<typeof parseReply>;
  /** The connection failed before an answer began (refused once the listener closed, or dropped unread). */
  error?: string;
}

/** One request on a connection of its own, so that no answer can arrive on a socket the server already closed as idle. */
function call(base: string, path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ reply: parseReply(body) }));
      res.on('error', (err) => resolve({ error: `cut: ${err.message}` }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

const contact = 'tld=com&name=Load+Test&email=load@example.org&address-1=Main+Street+1&city=Springfield&postal-code=12345&country=US&phone=%2B1.4155552671';

for (const dialect of dialectsToTest()) {
  describe(`shutdown on SIGTERM under load [${dialect}]`, () => {
    it('finishes every request in flight, loses no job, closes the database and exits 0', async () => {
      const db = await persistentDatabase(dialect);
      try {
        let server = await startServer(db.url, { DMAPID_WORKER: 'on' });
        const key = 'api-key=demo-api-key';
        const outcomes: Outcome[] = [];
        let signalled = false;
        const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
        // Eight clients in parallel: reads and asynchronous requests (each queues a job), until the listener is gone.
        const client = async (n: number) => {
          for (let i = 0; ; i++) {
            const o = await call(server.base, i % 2 ? `/request/query-profile?${key}` : `/request/contact-create?${key}&${contact}`);
            outcomes.push(o);
            if (!signalled && outcomes.length >= 120) {
              signalled = true;
              server.child.kill('SIGTERM');
            }
            if (o.error && signalled) return n;
          }
        };
        await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(client));
        assert.equal(await exited, 0, server.output());
        assert.match(server.output(), /dmapid: SIGTERM: shutting down\n[\s\S]*dmapid: stopped\n/);

        // Every answer that began arrived whole, as a DMAPI reply; failures are only connections the closed listener refused or never read.
        const answered = outcomes.filter((o) => o.reply);
        assert.ok(answered.length >= 120);
        for (const o of answered) assert.equal(o.reply!.get('Status-Code'), '0', JSON.stringify(o));
        const errors = new Set(outcomes.filter((o) => o.error).map((o) => o.error));
        for (const e of errors) assert.ok(['ECONNREFUSED', 'ECONNRESET', 'socket hang up'].includes(e!), `unexpected failure ${e}`);
        const procIds = answered.map((o) => o.reply!.get('Proc-ID')).filter((p): p is string => p !== undefined);
        assert.ok(procIds.length >= 60);

        // Nothing was lost: a new server performs what the old one handed back, and every accepted request ends ack.
        server = await startServer(db.url, { DMAPID_WORKER: 'on' });
        try {
          const deadline = Date.now() + 60_000;
          let pending = procIds;
          while (pending.length && Date.now() < deadline) {
            const list = await call(server.base, `/request/result-list?${key}&showall=1&pending=1`);
            const status = new Map(list.reply!.body.split('\n').filter(Boolean).map((l) => l.split(' ')).map((f) => [f[2]!, f[5]!]));
            for (const p of pending) assert.notEqual(status.get(p), 'nack', `Proc-ID ${p}`);
            pending = pending.filter((p) => status.get(p) !== 'ack');
            if (pending.length) await new Promise((r) => setTimeout(r, 200));
          }
          assert.deepEqual(pending, [], 'every accepted request was performed');
        } finally {
          await stopServer(server);
        }
      } finally {
        await db.drop();
      }
    });
  });
}
