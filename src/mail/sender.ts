import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/config.ts';
import type { JobContext } from '../dmapi/command.ts';
import { enqueueDelivery } from './outbox.ts';

/** One transport per configuration object (one per app); nodemailer opens a connection per mail. */
const transports = new WeakMap<Config, Transporter>();

const defaultPort = { tls: 465, starttls: 587, opportunistic: 25, none: 25 } as const;

/** The SMTP transport the configuration describes, or undefined when no relay is configured. */
export function transportFor(config: Config): Transporter | undefined {
  if (config.smtpHost === undefined) return undefined;
  let t = transports.get(config);
  if (!t) {
    t = nodemailer.createTransport({
      host: config.smtpHost,
      port: config.smtpPort ?? defaultPort[config.smtpTls],
      secure: config.smtpTls === 'tls',
      requireTLS: config.smtpTls === 'starttls',
      ignoreTLS: config.smtpTls === 'none',
      tls: { rejectUnauthorized: config.smtpTlsVerify },
      ...(config.smtpUser !== undefined ? { auth: { user: config.smtpUser, pass: config.smtpPassword ?? '' } } : {}),
      // The delivery runs inside the worker's transaction (on SQLite that holds the database):
      // never wait long for a relay.
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

/**
 * The `mail-send` job: delivers one outbox row over SMTP and records the outcome on it. A refused
 * mail (5xx) fails at once; any other failure is rescheduled with a growing delay until
 * `mailMaxAttempts` is reached. The Message-ID was fixed when the mail was written, so a mail sent
 * twice (a crash between the relay's OK and the commit) is recognisably the same message.
 */
export async function deliverMail(ctx: JobContext, payload: { id: number }): Promise<void> {
  // Only this job touches a queued row (the worker's lease makes it exclusive): no row lock needed.
  const row = await ctx.db.selectFrom('mail_outbox').selectAll().where('id', '=', payload.id).executeTakeFirst();
  if (!row || row.status !== 'queued') return;
  const { config, log } = ctx.deps;
  const transport = transportFor(config);
  if (!transport) {
    await ctx.db.updateTable('mail_outbox').set({ status: 'held', next_attempt_at: null }).where('id', '=', row.id).execute();
    return;
  }
  const attempts = row.attempts + 1;
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
    await ctx.db.updateTable('mail_outbox').set({ status: 'sent', attempts, sent_at: ctx.now, next_attempt_at: null, last_error: null }).where('id', '=', row.id).execute();
  } catch (caught) {
    const err = (caught ?? {}) as SmtpError;
    const giveUp = permanent(err) || attempts >= config.mailMaxAttempts;
    const next = giveUp ? null : ctx.now + retryDelay(attempts);
    log.warn({ mail: row.id, to: row.to_address, attempt: attempts, error: describe(err), giveUp }, 'mail delivery failed');
    await ctx.db
      .updateTable('mail_outbox')
      .set({ status: giveUp ? 'failed' : 'queued', attempts, last_error: describe(err), next_attempt_at: next })
      .where('id', '=', row.id)
      .execute();
    if (next !== null) await enqueueDelivery(ctx.db, ctx.now, row.id, row.account_id, next);
  }
}
