import http from 'node:http';

/**
 * The baseline of bench/run.ts: a bare node:http handler answering a DMAPI-shaped 200-byte text,
 * with the Content-Type the real server sends. It prints its port once listening.
 */
const head = 'Status-Code: 0\nStatus-Text: Command completed successfully\nSvTrId: 01dc8616797e6000d33d07d10e617334\nTracking-Id: 01dc8616797e6000d33d07d10e617334\nVersion: 1.2.53\n\n';
const body = Buffer.from(head + 'customer-id: 1\n'.padEnd(200 - head.length, ' '));
if (body.length !== 200) throw new Error(`baseline body is ${body.length} bytes`);

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`baseline listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
