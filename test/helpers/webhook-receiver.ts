import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifySignature } from '../../src/services/webhook-signature.ts';

/** One POST the receiver saw. */
export interface Received {
  seq: number;
  type: string;
  body: string;
  /** Whether the Dmapid-Signature header matched the secret and a recent time stamp. */
  verified: boolean;
  /** The status this receiver answered. */
  answered: number;
  delivery: string | undefined;
}

/**
 * A webhook endpoint on 127.0.0.1 for tests: it checks every signature (a bad one is answered
 * 401), answers what `answer` says (default 200), and can go down (the port refuses connections)
 * and come back on the same port.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  answer: (n: number, body: Record<string, unknown>) => number = () => 200;
  /** How long each answer takes (a slow receiver keeps a delivery in flight). */
  delayMs = 0;
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  private port = 0;
  private readonly secret: string;

  constructor(secret: string) {
    this.secret = secret;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** The sequence numbers answered 2xx, in arrival order. */
  get accepted(): number[] {
    return this.received.filter((r) => r.answered >= 200 && r.answered < 300).map((r) => r.seq);
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req).then((code) => res.writeHead(code).end()));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections: deliveries now fail with a refused connection. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const header = req.headers['dmapid-signature'];
    const verified = verifySignature(this.secret, Array.isArray(header) ? header[0] : header, body, Date.now());
    const event = JSON.parse(body) as Record<string, unknown>;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const answered = verified ? this.answer(this.received.length, event) : 401;
    const delivery = req.headers['dmapid-delivery'];
    this.received.push({ seq: Number(event['seq']), type: String(event['type']), body, verified, answered, delivery: Array.isArray(delivery) ? delivery[0] : delivery });
    return answered;
  }
}

/**
 * Runs the worker until no job is queued: after each round the test clock moves to the next
 * queued job's time (a retry's backoff), so nothing sleeps. Returns the clock time it moved.
 */
export async function drainJobs(t: { work(): Promise<number>; clock: { now(): number; set(at: number): void }; app: { deps: { db: import('../../src/db/database.ts').Db } } }, maxRounds = 500): Promise<number> {
  const start = t.clock.now();
  for (let i = 0; i < maxRounds; i++) {
    const ran = await t.work();
    const { db } = t.app.deps;
    const queued = await db.selectFrom('jobs').select('id').where('status', '=', 'queued').limit(1).executeTakeFirst();
    if (!queued) return t.clock.now() - start;
    if (ran > 0) continue;
    // Nothing could run now: the due ones wait behind a job backing off; move to its time.
    const next = await db.selectFrom('jobs').select((eb) => eb.fn.min('run_at').as('at')).where('status', '=', 'queued').where('run_at', '>', t.clock.now()).executeTakeFirst();
    if (next?.at === null || next?.at === undefined) break;
    t.clock.set(Number(next.at));
  }
  const left = await t.app.deps.db.selectFrom('jobs').select(['id', 'kind', 'status', 'run_at', 'attempts', 'object_key', 'last_error', 'locked_until']).where('status', 'in', ['queued', 'running']).execute();
  throw new Error(`jobs still queued after the last round: ${JSON.stringify(left)}`);
}
