import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface SinkMail {
  /** The envelope recipients (RCPT TO). */
  rcpt: string[];
  from: string;
  parsed: ParsedMail;
  raw: string;
}

export interface SmtpSink {
  port: number;
  mails: SinkMail[];
  /** The options in force; `reject` may be changed while the sink runs. */
  options: SinkOptions;
  /** Resolves when at least `n` mails arrived (fails after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<SinkMail[]>;
  close(): Promise<void>;
}

export interface SinkOptions {
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS (with smtp-server's built-in self-signed certificate). */
  starttls?: boolean;
  /** Answer RCPT TO for these addresses with this SMTP code (e.g. 550 permanent, 451 temporary). */
  reject?: { address: string; code: number } | undefined;
}

/** A real SMTP server on 127.0.0.1 (random port) that keeps every mail it is given. */
export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const mails: SinkMail[] = [];
  const waiters: Array<() => void> = [];
  const serverOptions: SMTPServerOptions = {
    disabledCommands: [...(options.starttls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    // No reverse DNS for 127.0.0.1: it would only slow every connection down.
    disableReverseLookup: true,
    onAuth(auth, _session, cb) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return cb(null, { user: auth.username });
      cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      const r = options.reject;
      if (r && address.address === r.address) return cb(Object.assign(new Error(`mailbox ${r.address} refused`), { responseCode: r.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              rcpt: session.envelope.rcptTo.map((a) => a.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              parsed,
              raw,
            });
            for (const w of waiters.splice(0)) w();
            cb();
          },
          (err: Error) => cb(err),
        );
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return {
    port,
    mails,
    options,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`SMTP sink: expected ${n} mails, got ${mails.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
