import Fastify from 'fastify';

/**
 * The second floor of bench/reads.ts: fastify answering the same 200-byte DMAPI-shaped text as
 * baseline-server.ts from a route, with no work behind it. It prints its port once listening.
 */
const head = 'Status-Code: 0\nStatus-Text: Command completed successfully\nSvTrId: 01dc8616797e6000d33d07d10e617334\nTracking-Id: 01dc8616797e6000d33d07d10e617334\nVersion: 1.2.53\n\n';
const body = head + 'customer-id: 1\n'.padEnd(200 - head.length, ' ');

const app = Fastify({ logger: false });
app.addContentTypeParser('*', { parseAs: 'buffer' }, async (_req: unknown, b: Buffer) => b);
app.all('/request/*', async (_req, reply) => reply.header('Content-Type', 'text/plain; charset=utf-8').send(body));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`fastify constant listening ${new URL(address).port}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
