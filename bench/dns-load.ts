import dgram from 'node:dgram';

/**
 * The UDP load generator of bench/dns.ts, in a child process so that it does not share an
 * event loop (or a core) with the server: keeps `concurrency` queries in flight from one socket, cycling
 * through the prepared queries, for `seconds`; a query unanswered after 1 s counts as lost.
 */
export interface LoadInput {
  port: number;
  seconds: number;
  concurrency: number;
  /** Encoded queries in base64; bytes 0-1 (the id) are overwritten per send. */
  queries: string[];
}

export interface LoadResult {
  answered: number;
  lost: number;
  seconds: number;
  /** Latency percentiles in ms. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const input = await new Promise<LoadInput>((resolve) => process.once('message', (m) => resolve(m as LoadInput)));
const { port, seconds, concurrency } = input;
const socket = dgram.createSocket('udp4');
socket.on('error', () => {});
const sentAt = new Float64Array(65536).fill(-1);
const latencies: number[] = [];
let nextId = 0;
let next = 0;
let lost = 0;
let stopping = false;
const start = performance.now();
const bufs = input.queries.map((q) => Buffer.from(q, 'base64'));

function send(): void {
  if (stopping) return;
  // Find an id not in flight (ids wrap at 65536; in flight are far fewer).
  while (sentAt[nextId] !== -1) nextId = (nextId + 1) & 0xffff;
  const id = nextId;
  nextId = (nextId + 1) & 0xffff;
  // A copy per send: dgram reads the buffer only after the address lookup, a tick later.
  const b = Buffer.from(bufs[next]!);
  next = (next + 1) % bufs.length;
  b.writeUInt16BE(id, 0);
  sentAt[id] = performance.now();
  socket.send(b, port, '127.0.0.1');
}

socket.on('message', (msg) => {
  const id = msg.readUInt16BE(0);
  const t = sentAt[id]!;
  if (t < 0) return;
  latencies.push(performance.now() - t);
  sentAt[id] = -1;
  send();
});

const sweeper = setInterval(() => {
  const now = performance.now();
  for (let id = 0; id < 65536; id++) {
    if (sentAt[id]! >= 0 && now - sentAt[id]! > 1000) {
      sentAt[id] = -1;
      lost++;
      send();
    }
  }
}, 200);

socket.bind(0, '127.0.0.1', () => {
  for (let i = 0; i < concurrency; i++) send();
  setTimeout(() => {
    stopping = true;
    const elapsed = (performance.now() - start) / 1000;
    clearInterval(sweeper);
    socket.close();
    const sorted = Float64Array.from(latencies).sort();
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
    const result: LoadResult = { answered: sorted.length, lost, seconds: elapsed, p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1] ?? NaN };
    process.send!(result, () => process.exit(0));
  }, seconds * 1000);
});
