import type { Config } from '../config/config.ts';
import type { Executor } from '../db/database.ts';
import type { MailRow } from '../db/schema.ts';
import { randomToken } from '../core/ids.ts';
import { enqueue } from '../jobs/queue.ts';
import { addressDomain, isPlainAddress } from './address.ts';

/** Job kind that delivers one outbox row. */
export const MAIL_SEND_JOB = 'mail-send';

/**
 * What writing a mail needs: the transaction of the change that causes it, the clock reading and
 * the configuration. A RequestContext and a JobContext both fit.
 */
export interface MailContext {
  readonly db: Executor;
  readonly now: number;
  readonly deps: { readonly config: Config };
}

export interface OutgoingMail {
  to: string;
  /** The template (or flow) that produced it, for listing and tests. */
  kind: string;
  subject: string;
  /** Plain text, LF line ends. */
  body: string;
  accountId?: number | null;
  /** The domain or other object the mail is about. */
  object?: string;
}

/**
 * Writes a mail into the outbox inside the caller's transaction, so the mail exists exactly when
 * the change that caused it is committed. With an SMTP relay configured a `mail-send` job is queued
 * in the same transaction; without one the mail is `held` and stays readable (`dmapid mail show`).
 */
export async function queueMail(ctx: MailContext, mail: OutgoingMail): Promise<number> {
  const { config } = ctx.deps;
  const to = mail.to.trim();
  if (!isPlainAddress(to)) throw new Error(`mail ${mail.kind}: recipient ${JSON.stringify(mail.to)} is not an e-mail address`);
  const deliver = config.smtpHost !== undefined;
  const row = await ctx.db
    .insertInto('mail_outbox')
    .values({
      account_id: mail.accountId ?? null,
      kind: mail.kind,
      object_name: mail.object ?? '',
      to_address: to,
      from_address: config.mailFrom,
      // A header value is one line; the template's text never legitimately spans more.
      subject: mail.subject.replace(/\s+/g, ' ').trim(),
      body: mail.body.replace(/\r\n?/g, '\n'),
      message_id: `<${randomToken(12)}.${ctx.now.toString(36)}@${addressDomain(config.mailFrom)}>`,
      status: deliver ? 'queued' : 'held',
      last_error: null,
      created_at: ctx.now,
      next_attempt_at: deliver ? ctx.now : null,
      sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (deliver) await enqueueDelivery(ctx.db, ctx.now, row.id, mail.accountId ?? null, ctx.now);
  return row.id;
}

/** Queues the delivery job of an outbox row for `runAt`. */
export function enqueueDelivery(db: Executor, now: number, id: number, accountId: number | null, runAt: number): Promise<number> {
  // SMTP failures are handled (and rescheduled) by the handler itself; the job's own retries only
  // cover database trouble.
  return enqueue(db, now, MAIL_SEND_JOB, { id }, { accountId, runAt, maxAttempts: 5 });
}

export interface MailFilter {
  status?: MailRow['status'];
  to?: string;
  kind?: string;
  accountId?: number;
  limit?: number;
}

/** Outbox rows, newest first. */
export async function listMail(db: Executor, f: MailFilter = {}): Promise<MailRow[]> {
  let q = db.selectFrom('mail_outbox').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.to) q = q.where('to_address', '=', f.to);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.accountId !== undefined) q = q.where('account_id', '=', f.accountId);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit ?? 50)
    .execute();
}

export function getMail(db: Executor, id: number): Promise<MailRow | undefined> {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Puts a held or failed mail back in the queue (after an SMTP relay was configured or fixed). */
export async function requeueMail(ctx: MailContext, id: number): Promise<MailRow> {
  const row = await getMail(ctx.db, id);
  if (!row) throw new Error(`no mail ${id} in the outbox`);
  if (row.status === 'sent' || row.status === 'queued') throw new Error(`mail ${id} is ${row.status} already`);
  if (ctx.deps.config.smtpHost === undefined) throw new Error('no SMTP relay configured (DMAPID_SMTP_HOST): the mail would only be held again');
  await ctx.db.updateTable('mail_outbox').set({ status: 'queued', attempts: 0, next_attempt_at: ctx.now, last_error: null }).where('id', '=', id).execute();
  await enqueueDelivery(ctx.db, ctx.now, id, row.account_id, ctx.now);
  return { ...row, status: 'queued', attempts: 0, next_attempt_at: ctx.now, last_error: null };
}

/** The mail as it goes over the wire (headers and body), for `dmapid mail show`. */
export function formatMail(row: MailRow): string {
  const lines = [
    `Message-ID: ${row.message_id}`,
    `Date: ${new Date(row.created_at).toUTCString()}`,
    `From: ${row.from_address}`,
    `To: ${row.to_address}`,
    `Subject: ${row.subject}`,
  ];
  return `${lines.join('\n')}\n\n${row.body}${row.body.endsWith('\n') ? '' : '\n'}`;
}
