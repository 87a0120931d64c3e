import { isoSeconds } from '../core/dates.ts';
import { recordEvent } from './events.ts';
import type { Executor } from '../db/database.ts';
import type { WhoisEmailStatus, WhoisVerificationState } from '../db/schema.ts';
import { DAY } from '../core/clock.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { queueMail, type MailContext } from '../mail/outbox.ts';
import { answerUrl } from '../mail/links.ts';
import { isPlainAddress } from '../mail/address.ts';
import { whoisSuspendedMail, whoisVerificationMail } from '../mail/templates.ts';
import { normalizeDomainName } from './domain-access.ts';
import { keyHash, type KeyContext } from './answer-keys.ts';

/**
 * Whois (owner e-mail) verification, ICANN RAA style (registry-rules §1.9). A registration,
 * transfer-in or owner change with an owner e-mail that is not verified yet calls
 * startVerification in its transaction: the address gets a key (one per address, shared by all
 * its domains), the owner gets a mail with a link to the answer page, and the domain has
 * `whoisVerificationDays` (15) days. When the deadline passes unanswered, or the owner answers
 * "no", the domain is suspended (`domains.suspended_at`, reason `whois-verification`); answering
 * "yes" at any time verifies the address and lifts the suspension of every domain waiting for it.
 */

export const WHOIS_SUSPENSION = 'whois-verification';
/** The answer-page kind of verification links. */
export const VERIFY_PAGE = 'verify-email';
/** A reminder goes out this long before the deadline. */
export const REMINDER_BEFORE_MS = 3 * DAY;

const openStates: WhoisVerificationState[] = ['pending', 'overdue', 'refused'];

export type StartOutcome =
  | { status: 'verified' }
  | { status: 'pending'; key: string; deadline: number; verificationId: number; mailId: number | null };

/** Lowercase, trimmed; refuses anything that is not a plain address. */
export function normalizeOwnerEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!isPlainAddress(e)) throw new DmapiError('PARAM_SYNTAX', `owner e-mail ${JSON.stringify(email)} is not an e-mail address`);
  return e;
}

/**
 * Starts (or continues) the verification of `email` as the owner address of `domain`. Call it in
 * the transaction of the registration / transfer / owner change. With `accountId` the domain must
 * be in that account's portfolio. An address verified before needs nothing (and lifts a pending
 * whois suspension of the domain); a domain already waiting for the same address keeps its
 * deadline and gets no second mail; a domain waiting for another address drops that one.
 */
export async function startVerification(ctx: KeyContext, input: { email: string; domain: string; accountId?: number }): Promise<StartOutcome> {
  const { db, now } = ctx;
  const email = normalizeOwnerEmail(input.email);
  const name = normalizeDomainName(input.domain);
  let dq = db.selectFrom('domains').selectAll().where('name', '=', name);
  if (input.accountId !== undefined) dq = dq.where('account_id', '=', input.accountId);
  const domain = await dq.executeTakeFirst();
  if (!domain) throw new DmapiError('OBJECT_NOT_FOUND', `domain ${name} not found`);

  const issued = ctx.deps.keys.issue('whois-verification');
  await db
    .insertInto('whois_emails')
    .values({ email, status: 'pending', verify_key: issued.hash, verify_nonce: issued.nonce, created_at: now, updated_at: now, verified_at: null })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
  const address = await db.selectFrom('whois_emails').selectAll().where('email', '=', email).executeTakeFirstOrThrow();

  const open = await db.selectFrom('whois_verifications').selectAll().where('domain_id', '=', domain.id).where('state', 'in', openStates).execute();
  const others = open.filter((v) => v.email_id !== address.id).map((v) => v.id);
  if (others.length) await db.updateTable('whois_verifications').set({ state: 'superseded', resolved_at: now }).where('id', 'in', others).execute();

  if (address.status === 'verified') {
    await liftSuspension(db, [domain.id]);
    return { status: 'verified' };
  }
  const same = open.find((v) => v.email_id === address.id);
  const key = await verificationKey(ctx, address);
  if (same) return { status: 'pending', key, deadline: same.deadline_at, verificationId: same.id, mailId: null };

  if (address.status === 'invalid') await db.updateTable('whois_emails').set({ status: 'pending', updated_at: now }).where('id', '=', address.id).execute();
  const deadline = now + ctx.deps.config.whoisVerificationDays * DAY;
  const row = await db
    .insertInto('whois_verifications')
    .values({ email_id: address.id, domain_id: domain.id, state: 'pending', started_at: now, deadline_at: deadline, reminded_at: null, resolved_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const mailId = await mailVerification(ctx, { email, key, domains: [domain.name], deadline, accountId: domain.account_id });
  return { status: 'pending', key, deadline, verificationId: row.id, mailId };
}

/**
 * The key of an address: derived from its nonce. An address stored before keys were derived has
 * none; it gets a new key (its old one stops working) the first time a mail needs it.
 */
async function verificationKey(ctx: KeyContext, address: { id: number; verify_nonce: string | null }): Promise<string> {
  if (address.verify_nonce) return ctx.deps.keys.derive('whois-verification', address.verify_nonce);
  const issued = ctx.deps.keys.issue('whois-verification');
  await ctx.db.updateTable('whois_emails').set({ verify_key: issued.hash, verify_nonce: issued.nonce }).where('id', '=', address.id).execute();
  return issued.key;
}

function mailVerification(ctx: MailContext, p: { email: string; key: string; domains: string[]; deadline: number; accountId: number; reminder?: boolean }): Promise<number> {
  const { config } = ctx.deps;
  const mail = whoisVerificationMail({ ...p, link: answerUrl(config, VERIFY_PAGE, p.key), publicUrl: config.publicUrl });
  return queueMail(ctx, { to: p.email, kind: p.reminder ? 'whois-verification-reminder' : 'whois-verification', ...mail, accountId: p.accountId, object: p.domains[0] ?? '' });
}

async function suspend(ctx: MailContext, v: { domainId: number; email: string; reason: 'overdue' | 'refused' }): Promise<void> {
  const res = await ctx.db
    .updateTable('domains')
    .set({ suspended_at: ctx.now, suspension_reason: WHOIS_SUSPENSION })
    .where('id', '=', v.domainId)
    .where('suspended_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) return;
  // Tell the reseller: its customer's domain just went dark.
  const d = await ctx.db
    .selectFrom('domains')
    .innerJoin('accounts', 'accounts.id', 'domains.account_id')
    .select(['domains.name', 'domains.account_id', 'accounts.email'])
    .where('domains.id', '=', v.domainId)
    .executeTakeFirstOrThrow();
  if (!isPlainAddress(d.email)) return;
  const mail = whoisSuspendedMail({ domain: d.name, email: v.email, reason: v.reason, publicUrl: ctx.deps.config.publicUrl });
  await queueMail(ctx, { to: d.email, kind: 'whois-suspended', ...mail, accountId: d.account_id, object: d.name });
}

async function liftSuspension(db: Executor, domainIds: number[]): Promise<void> {
  if (domainIds.length === 0) return;
  await db.updateTable('domains').set({ suspended_at: null, suspension_reason: null }).where('id', 'in', domainIds).where('suspension_reason', '=', WHOIS_SUSPENSION).execute();
}

/** Addresses with verifications on domains of `accountId` (the tenancy filter of the wa-email-* requests). */
function addressesOf(db: Executor, accountId: number) {
  return db
    .selectFrom('whois_verifications')
    .innerJoin('domains', 'domains.id', 'whois_verifications.domain_id')
    .select('whois_verifications.email_id')
    .where('domains.account_id', '=', accountId);
}

export type AnswerOutcome =
  | { outcome: 'verified'; email: string; domains: string[] }
  | { outcome: 'refused'; email: string; domains: string[] }
  | { outcome: 'unknown' }
  | { outcome: 'closed' };

/**
 * Records the owner's answer for `key`. `yes` verifies the address (also after the deadline or
 * after an earlier "no") and lifts the suspensions; `no` marks it invalid and suspends its waiting
 * domains at once. With `accountId` (wa-email-verify) a key that concerns none of that account's
 * domains counts as unknown. `closed`: "no" for an address that is verified already.
 */
export async function answerVerification(ctx: MailContext, key: string, answer: 'yes' | 'no', accountId?: number): Promise<AnswerOutcome> {
  const { db, now } = ctx;
  let q = db.selectFrom('whois_emails').selectAll().where('verify_key', '=', keyHash(key));
  if (accountId !== undefined) q = q.where('id', 'in', addressesOf(db, accountId));
  const address = await q.executeTakeFirst();
  if (!address) return { outcome: 'unknown' };
  if (answer === 'no' && address.status === 'verified') return { outcome: 'closed' };

  const open = await db
    .selectFrom('whois_verifications')
    .innerJoin('domains', 'domains.id', 'whois_verifications.domain_id')
    .select(['whois_verifications.id', 'whois_verifications.domain_id', 'whois_verifications.state', 'domains.name'])
    .where('whois_verifications.email_id', '=', address.id)
    .where('whois_verifications.state', 'in', openStates)
    .orderBy('domains.name')
    .execute();
  const domains = open.map((v) => v.name);
  if (answer === 'yes') {
    await db.updateTable('whois_emails').set({ status: 'verified', verified_at: now, updated_at: now }).where('id', '=', address.id).execute();
    if (open.length) {
      await db.updateTable('whois_verifications').set({ state: 'verified', resolved_at: now }).where('id', 'in', open.map((v) => v.id)).execute();
      await liftSuspension(db, open.map((v) => v.domain_id));
    }
    return { outcome: 'verified', email: address.email, domains };
  }
  await db.updateTable('whois_emails').set({ status: 'invalid', updated_at: now }).where('id', '=', address.id).execute();
  for (const v of open) {
    if (v.state !== 'refused') await db.updateTable('whois_verifications').set({ state: 'refused' }).where('id', '=', v.id).execute();
    await suspend(ctx, { domainId: v.domain_id, email: address.email, reason: 'refused' });
  }
  return { outcome: 'refused', email: address.email, domains };
}

/**
 * The scheduler's step: reminds owners shortly before their deadline and suspends the domains whose
 * deadline passed. Each row changes state with a conditional update, so two processes running it
 * at once never mail or suspend twice.
 */
export async function runVerificationDeadlines(ctx: KeyContext): Promise<{ reminded: number; suspended: number }> {
  const { db, now } = ctx;
  let reminded = 0;
  let suspended = 0;
  const due = await db
    .selectFrom('whois_verifications')
    .innerJoin('whois_emails', 'whois_emails.id', 'whois_verifications.email_id')
    .innerJoin('domains', 'domains.id', 'whois_verifications.domain_id')
    .select([
      'whois_verifications.id',
      'whois_verifications.domain_id',
      'whois_verifications.email_id',
      'whois_verifications.deadline_at',
      'whois_verifications.reminded_at',
      'whois_emails.email',
      'whois_emails.verify_nonce',
      'domains.name',
      'domains.account_id',
    ])
    .where('whois_verifications.state', '=', 'pending')
    .where('whois_verifications.deadline_at', '<=', now + REMINDER_BEFORE_MS)
    .orderBy('whois_verifications.deadline_at')
    .execute();
  const touchedEmails = new Set<number>();
  for (const v of due) {
    if (v.deadline_at <= now) {
      const res = await db.updateTable('whois_verifications').set({ state: 'overdue' }).where('id', '=', v.id).where('state', '=', 'pending').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) continue;
      await suspend(ctx, { domainId: v.domain_id, email: v.email, reason: 'overdue' });
      await recordEvent(db, { accountId: v.account_id, type: 'verification.due', object: v.name, data: { email: v.email, deadline: isoSeconds(v.deadline_at), state: 'overdue' }, now });
      touchedEmails.add(v.email_id);
      suspended++;
    } else if (v.reminded_at === null) {
      const res = await db.updateTable('whois_verifications').set({ reminded_at: now }).where('id', '=', v.id).where('reminded_at', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) continue;
      const key = await verificationKey(ctx, { id: v.email_id, verify_nonce: v.verify_nonce });
      await mailVerification(ctx, { email: v.email, key, domains: [v.name], deadline: v.deadline_at, accountId: v.account_id, reminder: true });
      await recordEvent(db, { accountId: v.account_id, type: 'verification.due', object: v.name, data: { email: v.email, deadline: isoSeconds(v.deadline_at), state: 'reminder' }, now });
      reminded++;
    }
  }
  // "If there is no answer before the deadline, the status is also set to invalid" — once no
  // domain of the address is still within its period.
  for (const emailId of touchedEmails) {
    const stillPending = await db.selectFrom('whois_verifications').select('id').where('email_id', '=', emailId).where('state', '=', 'pending').executeTakeFirst();
    if (!stillPending) await db.updateTable('whois_emails').set({ status: 'invalid', updated_at: now }).where('id', '=', emailId).where('status', '=', 'pending').execute();
  }
  return { reminded, suspended };
}

export interface PendingVerification {
  email: string;
  domain: string;
  deadline: number;
  state: WhoisVerificationState;
}

/** Domains of `accountId` waiting for their owner e-mail (also those suspended for it), by deadline. */
export function pendingVerifications(db: Executor, accountId: number): Promise<PendingVerification[]> {
  return db
    .selectFrom('whois_verifications')
    .innerJoin('whois_emails', 'whois_emails.id', 'whois_verifications.email_id')
    .innerJoin('domains', 'domains.id', 'whois_verifications.domain_id')
    .select(['whois_emails.email as email', 'domains.name as domain', 'whois_verifications.deadline_at as deadline', 'whois_verifications.state as state'])
    .where('domains.account_id', '=', accountId)
    .where('whois_verifications.state', 'in', openStates)
    .orderBy('whois_verifications.deadline_at')
    .orderBy('domains.name')
    .execute();
}

/** The domains of `accountId` a key concerns, with the state of each; empty for an unknown key. */
export async function verificationDetails(db: Executor, key: string, accountId: number): Promise<Array<{ status: 'verification' | 'verified'; email: string; domain: string }>> {
  const rows = await db
    .selectFrom('whois_emails')
    .innerJoin('whois_verifications', 'whois_verifications.email_id', 'whois_emails.id')
    .innerJoin('domains', 'domains.id', 'whois_verifications.domain_id')
    .select(['whois_emails.email', 'domains.name', 'whois_verifications.state'])
    .where('whois_emails.verify_key', '=', keyHash(key))
    .where('domains.account_id', '=', accountId)
    .where('whois_verifications.state', '!=', 'superseded')
    .orderBy('domains.name')
    .execute();
  return rows.map((r) => ({ status: r.state === 'verified' ? 'verified' : 'verification', email: r.email, domain: r.name }));
}

/**
 * Sends the verification mail again, with the same key, listing the account's domains that wait
 * for the address. False (NACK) when the address is verified or not waiting on any of its domains.
 */
export async function resendVerification(ctx: KeyContext, email: string, accountId: number): Promise<boolean> {
  const e = email.trim().toLowerCase();
  const address = await ctx.db.selectFrom('whois_emails').selectAll().where('email', '=', e).executeTakeFirst();
  if (!address || address.status === 'verified') return false;
  const waiting = await ctx.db
    .selectFrom('whois_verifications')
    .innerJoin('domains', 'domains.id', 'whois_verifications.domain_id')
    .select(['domains.name', 'whois_verifications.deadline_at'])
    .where('whois_verifications.email_id', '=', address.id)
    .where('whois_verifications.state', 'in', openStates)
    .where('domains.account_id', '=', accountId)
    .orderBy('whois_verifications.deadline_at')
    .execute();
  if (waiting.length === 0) return false;
  await mailVerification(ctx, { email: address.email, key: await verificationKey(ctx, address), domains: waiting.map((w) => w.name), deadline: waiting[0]!.deadline_at, accountId });
  return true;
}

export type EmailStatusWord = 'verified' | 'unverified' | 'pending' | 'invalid';

/** wa-email-query-status: the address's state as far as it concerns domains of `accountId`. */
export async function emailStatus(db: Executor, email: string, accountId: number): Promise<EmailStatusWord> {
  const row = await db
    .selectFrom('whois_emails')
    .select('status')
    .where('email', '=', email.trim().toLowerCase())
    .where('id', 'in', addressesOf(db, accountId))
    .executeTakeFirst();
  const status: WhoisEmailStatus | undefined = row?.status;
  return status ?? 'unverified';
}

/** Information for the answer page: the address and the domains waiting for it. */
export async function describeVerification(db: Executor, key: string): Promise<{ email: string; status: WhoisEmailStatus; domains: string[]; deadline: number | null } | undefined> {
  const address = await db.selectFrom('whois_emails').selectAll().where('verify_key', '=', keyHash(key)).executeTakeFirst();
  if (!address) return undefined;
  const open = await db
    .selectFrom('whois_verifications')
    .innerJoin('domains', 'domains.id', 'whois_verifications.domain_id')
    .select(['domains.name', 'whois_verifications.deadline_at'])
    .where('whois_verifications.email_id', '=', address.id)
    .where('whois_verifications.state', 'in', openStates)
    .orderBy('whois_verifications.deadline_at')
    .execute();
  return { email: address.email, status: address.status, domains: open.map((o) => o.name), deadline: open[0]?.deadline_at ?? null };
}
