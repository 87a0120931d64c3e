import { createRequire } from 'node:module';
import type { Transporter } from 'nodemailer';
import type Nodemailer from 'nodemailer';
import type { Config } from '../config/config.ts';
import type { JobContext } from '../dmapi/command.ts';
import type { AppDeps } from '../app-deps.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { redactKeys } from './links.ts';
import { enqueueDelivery } from './outbox.ts';

/** One transport per configuration object (one per app); nodemailer opens a connection per mail. */
const transports = new WeakMap<Config, Transporter>();

const defaultPort = { tls: 465, starttls: 587, opportunistic: 25, none: 25 } as const;

/** The SMTP transport the configuration describes, or undefined when no relay is configured. */
export function transportFor(config: Config): Transporter | undefined {
  if (config.smtpHost === undefined) return undefined;
  let t = transports.get(config);
  if (!t) {
    // Loaded with the first relay: a process that sends no mail starts without it.
    const nodemailer = createRequire(import.meta.url)('nodemailer') as typeof Nodemailer;
    t = nodemailer.createTransport({
      host: config.smtpHost,
      port: config.smtpPort ?? defaultPort[config.smtpTls],
      secure: config.smtpTls === 'tls',
      requireTLS: config.smtpTls === 'starttls',
      ignoreTLS: config.smtpTls === 'none',
      tls: { rejectUnauthorized: config.smtpTlsVerify },
      ...(config.smtpUser !== undefined ? { auth: { user: config.smtpUser, pass: config.smtpPassword ?? '' } } : {}),
      // Bounded, so a slow relay never outlives the job's lease.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    transports.set(config, t);
  }
  return t;
}

/** Wait before attempt n+1 after n failed ones: 1 min, 4 min, 16 min, 64 min, … capped at 6 h. */
export function retryDelay(failedAttempts: number): number {
  return Math.min(6 * 3_600_000, 60_000 * 4 ** Math.max(0, failedAttempts - 1));
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * A 5xx answer to the envelope or the message will not change by retrying: the mail is refused.
 * A 5xx to the login or to STARTTLS is the relay's configuration, which the operator may fix.
 */
function permanent(err: SmtpError): boolean {
  const refused = err.code === 'EENVELOPE' || err.code === 'EMESSAGE';
  return refused && typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600;
}

function describe(err: SmtpError): string {
  const text = err.response ?? err.message ?? String(err);
  return [err.code, text].filter(Boolean).join(': ').slice(0, 500);
}

type Attempt = { kind: 'skip' } | { kind: 'held' } | { kind: 'sent' } | { kind: 'failed'; error: SmtpError };

/** The SMTP exchange, outside any transaction (the worker's `outside` step): reports what happened. */
async function send(deps: AppDeps, payload: { id: number }): Promise<Attempt> {
  const row = await deps.db.selectFrom('mail_outbox').selectAll().where('id', '=', payload.id).executeTakeFirst();
  if (!row || row.status !== 'queued') return { kind: 'skip' };
  const transport = transportFor(deps.config);
  if (!transport) return { kind: 'held' };
  try {
    await transport.sendMail({
      from: row.from_address,
      to: row.to_address,
      subject: row.subject,
      text: row.body,
      messageId: row.message_id,
      date: new Date(row.created_at),
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    return { kind: 'sent' };
  } catch (caught) {
    const e = (caught ?? {}) as SmtpError;
    // Keep only plain fields: the attempt crosses into the transaction step.
    return { kind: 'failed', error: { ...(e.message ? { message: e.message } : {}), ...(e.code ? { code: e.code } : {}), ...(e.responseCode ? { responseCode: e.responseCode } : {}), ...(e.response ? { response: e.response } : {}) } };
  }
}

/**
 * The `mail-send` job: the SMTP exchange runs first, outside the transaction; then, in the
 * worker's transaction, the outcome is recorded on the outbox row. A refused mail (5xx) fails at
 * once; any other failure is rescheduled with a growing delay until `mailMaxAttempts` is reached.
 * The Message-ID was fixed when the mail was written, so a mail sent twice (a crash between the
 * relay's OK and the commit) is recognisably the same message.
 */
export const deliverMail: JobHandler = Object.assign(
  async (ctx: JobContext, payload: { id: number }): Promise<void> => {
    const attempt = ctx.prepared as Attempt;
    const row = await ctx.db.selectFrom('mail_outbox').selectAll().where('id', '=', payload.id).executeTakeFirst();
    if (!row || row.status !== 'queued' || attempt.kind === 'skip') return;
    if (attempt.kind === 'held') {
      await ctx.db.updateTable('mail_outbox').set({ status: 'held', next_attempt_at: null }).where('id', '=', row.id).execute();
      return;
    }
    const attempts = row.attempts + 1;
    if (attempt.kind === 'sent') {
      // Delivered: the keys it carried need not stay readable in the outbox.
      await ctx.db.updateTable('mail_outbox').set({ status: 'sent', attempts, sent_at: ctx.now, next_attempt_at: null, last_error: null, body: redactKeys(row.body) }).where('id', '=', row.id).execute();
      return;
    }
    const err = attempt.error;
    const giveUp = permanent(err) || attempts >= ctx.deps.config.mailMaxAttempts;
    const next = giveUp ? null : ctx.now + retryDelay(attempts);
    ctx.deps.log.warn({ mail: row.id, to: row.to_address, attempt: attempts, error: describe(err), giveUp }, 'mail delivery failed');
    await ctx.db
      .updateTable('mail_outbox')
      .set({ status: giveUp ? 'failed' : 'queued', attempts, last_error: describe(err), next_attempt_at: next })
      .where('id', '=', row.id)
      .execute();
    if (next !== null) await enqueueDelivery(ctx.db, ctx.now, row.id, row.account_id, next);
  },
  { outside: send },
);
