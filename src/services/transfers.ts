import type { Selectable, Updateable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { keyHash } from './answer-keys.ts';
import type { Executor } from '../db/database.ts';
import type { PrivacyLevel, TransferOutcome, TransferState, TransfersInTable } from '../db/schema.ts';
import { DAY } from '../core/clock.ts';
import { isoDate } from '../core/dates.ts';
import { addMonths } from '../core/period.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { checkMaxPrice, money, quote, type Quote } from '../billing/quote.ts';
import { commitReservation, reserve } from '../billing/ledger.ts';
import { orderTypeOf } from '../billing/operations.ts';
import { enqueue } from '../jobs/queue.ts';
import type { OutsideContext } from '../jobs/worker.ts';
import { queueMail } from '../mail/outbox.ts';
import { answerUrl } from '../mail/links.ts';
import { isPlainAddress } from '../mail/address.ts';
import { transferFoaMail } from '../mail/templates.ts';
import { registryOf, simulatorOf, RegistryError } from '../registry/index.ts';
import type { DomainInfo, TransferInfo } from '../registry/port.ts';
import type { TldInfo } from '../tld/catalogue.ts';
import { createDefaultZone } from '../zone/store.ts';
import { atRegistry } from './registry-errors.ts';
import { transferRequestedEarlier } from './registry-checks.ts';
import { completeResult } from './results.ts';
import { isPostgres, type DomainRecord } from './domain-access.ts';
import { startVerification } from './verification.ts';
import {
  accountRow,
  catalogPremium,
  checkOwnBailiwick,
  ensureExternalHosts,
  isGenericTld,
  lockNames,
  parseDomainName,
  parseNsList,
  releasePending,
  resolveContacts,
  resultLines,
  setDelegation,
  usesPlatformNs,
  type RoleHandles,
} from './domains.ts';
import { checkPrivacyOffered, privacyOperation, REDACTED, type PaidPrivacy } from './privacy.ts';
import { corLockUntil } from './owner-change.ts';
import { heldDomain, holderEmails, internalRefusal, lastTransferIn, moveAtRegistry, moveToAccount, operationsPending, type MovedAtRegistry } from './internal-transfer.ts';
import {
  endInternalOut,
  gainingLabel,
  internalOutOf,
  markInternalOutApproved,
  openInternalOut,
  openOutStates,
  requestInternalTransferOut,
  withdrawInternalOut,
  type TransferOutRow,
} from './transfer-out.ts';

/**
 * Transfers in: domain-transfer-in-reseller and the state machine domain-transfer-control shows
 * (the seeds' states, in their natural order):
 *
 *   IN_DB → PAYMENT_PREPARED → PAYMENT_ACQUIRED            request accepted, price held
 *     → FOA_BEEN_SENT (or PENDING_FOA_SENDING)             worker: registry checks, FOA to owner and admin
 *     → FOA_ACK | FOA_NACK                                  the FOA's answer page (5 days, else FOA_NACK)
 *     → REGISTRY_REQUEST_SENT → REGISTRY_REQUEST_RECEIVED_NOW_WAITING
 *                                                           the registry's transfer request; the losing
 *                                                           registrar approves, rejects, or stays silent
 *                                                           until the registry approves after 5 days
 *     (→ REGISTRY_CANCELATION_PENDING → TRANSFER_CANCELLED  action=cancel while waiting)
 *     → DOMAIN_WITH_JOKER_PENDING_COMPLETE → PAYMENT_COMMITTED → TRANSFER_PROCESSED_SUCCESSFULLY
 *
 * A transfer that does not complete ends in FOA_NACK, TRANSFER_CANCELLED or TRANSFER_FAILED, its
 * money is released, and the request's result (pending until then) becomes a nack with the reason.
 * Every step is one transaction that re-reads the transfer locked and moves it only from the state
 * it expects, so several workers may run the steps at once. What a step needs from the registry is
 * asked before that transaction (a job's outside step, or the periodic task before its own), and the
 * step's transaction acts on the answer (docs/jobs.md).
 *
 * A domain another reseller of this platform holds takes the same states (internal-transfer.ts):
 * the "registry request" asks the holding reseller instead (a transfer away in its account), and
 * its answer, or its silence until the window ends, stands for the losing registrar's.
 */

export type TransferRow = Selectable<TransfersInTable>;

/** The answer-page kind of FOA links. */
export const TRANSFER_PAGE = 'transfer';
/** The owner has this long to answer the FOA (seeds: "Owner has 5 days to react"). */
export const FOA_DAYS = 5;

export const TRANSFER_REQUEST_JOB = 'transfer-registry-request';
export const TRANSFER_COMPLETE_JOB = 'transfer-complete';
export const TRANSFER_CANCEL_JOB = 'transfer-cancel';
/** How long a move within the platform waits before it looks again at the holder's requests still in the worker. */
const MOVE_WAIT_MS = 30_000;

/** States in which the transfer is still open, in order. */
export const transferStates: readonly TransferState[] = [
  'IN_DB',
  'PAYMENT_PREPARED',
  'PAYMENT_ACQUIRED',
  'PENDING_FOA_SENDING',
  'FOA_BEEN_SENT',
  'FOA_NACK',
  'FOA_ACK',
  'REGISTRY_REQUEST_SENT',
  'REGISTRY_REQUEST_RECEIVED_NOW_WAITING',
  'REGISTRY_CANCELATION_PENDING',
  'DOMAIN_WITH_JOKER_PENDING_COMPLETE',
  'PAYMENT_COMMITTED',
  'TRANSFER_PROCESSED_SUCCESSFULLY',
  'TRANSFER_CANCELLED',
  'TRANSFER_FAILED',
];

/** Before the registry is asked, a cancel simply ends the transfer. */
const cancelNow: readonly TransferState[] = ['IN_DB', 'PAYMENT_PREPARED', 'PAYMENT_ACQUIRED', 'PENDING_FOA_SENDING', 'FOA_BEEN_SENT', 'FOA_ACK'];

/** The transaction and the clock reading. */
export interface TxContext {
  readonly db: Executor;
  readonly now: number;
}

/** What the flows need: the transaction, the clock reading and the app's services. */
export interface FlowContext extends TxContext {
  readonly deps: AppDeps;
}

// ------------------------------------------------------------------ request

export interface TransferInRequest {
  domain: string;
  authCode: string | undefined;
  roles: Partial<Record<'owner-c' | 'admin-c' | 'tech-c' | 'billing-c', string | undefined>>;
  /** `lock`, `production`, or both comma-separated. */
  status: string | undefined;
  autorenew: boolean | undefined;
  nsList: string | undefined;
  privacy: 'basic' | 'pro' | 'none' | undefined;
  maxPrice: string | undefined;
}

/**
 * Request time (the request's transaction): every check that needs no registry, the price held,
 * the transfer row in PAYMENT_ACQUIRED. Returns the row and the price.
 */
export async function acceptTransferIn(ctx: FlowContext & { readonly accountId: number; readonly procId: number }, p: TransferInRequest): Promise<{ transfer: TransferRow; price: Quote }> {
  const { db, now, deps } = ctx;
  const { tlds } = deps;
  const d = parseDomainName(tlds, p.domain);
  // Another reseller's domain is asked for like one at a foreign registrar (internal-transfer.ts): nothing here tells them apart.
  const held = await db.selectFrom('domains').select('id').where('name', '=', d.name).where('account_id', '=', ctx.accountId).executeTakeFirst();
  if (held) throw new DmapiError('OBJECT_EXISTS', `${d.name} is already in your account`);
  const open = await openTransfer(db, ctx.accountId, d.name);
  if (open) throw new DmapiError('STATUS_PROHIBITS', `a transfer of ${d.name} is already in progress (state ${open.state}); see domain-transfer-control`);
  const authCode = p.authCode?.trim() || undefined;
  if (d.tld.transfer.authCode && !authCode) throw new DmapiError('PARAM_MISSING', `missing parameter 'transfer-auth-id' (.${d.tld.tld} transfers need the AUTH-ID from the current registrar)`);
  if (!p.roles['owner-c']?.trim()) throw new DmapiError('PARAM_MISSING', "missing parameter 'owner-c' (the owner contact the domain gets with this registrar)");
  const roles = await resolveContacts(db, tlds, ctx.accountId, d.tld, p.roles, false);
  // Roles the TLD uses but the request leaves out go to the owner (the older docs required them all).
  const owner = roles.owner!;
  for (const role of d.tld.contacts.roles) roles[role] ??= owner;
  const lockAfter = statusWordsLock(p.status);
  const ns = p.nsList !== undefined ? parseNsList(p.nsList, tlds, d.tld) : null;
  if (ns) await checkOwnBailiwick(db, tlds, ns);
  const privacy: PaidPrivacy | null = p.privacy && p.privacy !== 'none' ? p.privacy : null;
  if (privacy) checkPrivacyOffered(d.tld, privacy);

  const account = await accountRow(db, ctx.accountId);
  // A TLD whose registry adds no time (DENIC-style) still costs one transfer fee: the price of a year.
  const priceMonths = d.tld.periods.transfer || 12;
  const price = await quote(db, account, { tld: d.tld.tld, operation: 'transfer', periodMonths: priceMonths, domain: d.name, now, premium: catalogPremium(tlds) });
  checkMaxPrice(price, p.maxPrice, `the transfer of ${d.name}`);
  const order = { accountId: account.id, identifier: d.name, tld: d.tld.tld, procId: ctx.procId, now };
  const transferOrder = await reserve(db, { ...order, type: 'transfer', price });
  let privacyOrderId: number | null = null;
  if (privacy) {
    const op = privacyOperation(privacy);
    const pq = await quote(db, account, { tld: d.tld.tld, operation: op, periodMonths: 12, now });
    privacyOrderId = (await reserve(db, { ...order, type: orderTypeOf[op], price: pq })).orderId;
  }
  const row = await db
    .insertInto('transfers_in')
    .values({
      account_id: account.id,
      result_id: ctx.procId,
      domain: d.name,
      tld: d.tld.tld,
      state: 'IN_DB',
      outcome: 'open',
      reason: null,
      auth_code: authCode ?? null,
      owner_c: roles.owner!,
      admin_c: roles.admin ?? null,
      tech_c: roles.tech ?? null,
      billing_c: roles.billing ?? null,
      ns_list: ns ? JSON.stringify(ns) : null,
      lock_after: lockAfter ? 1 : 0,
      autorenew: p.autorenew === false ? 0 : 1,
      privacy: privacy ?? 'off',
      period_months: d.tld.periods.transfer,
      transfer_order_id: transferOrder.orderId,
      privacy_order_id: privacyOrderId,
      losing_registrar: null,
      foa_key: null,
      foa_owner_email: null,
      foa_admin_email: null,
      foa_sent_at: null,
      foa_deadline_at: null,
      foa_answered_at: null,
      registry_requested_at: null,
      registry_act_by: null,
      created_at: now,
      updated_at: now,
      completed_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await event(db, row.id, 'IN_DB', now, 'request accepted');
  let t = await move(db, now, row, 'PAYMENT_PREPARED', `price ${money(price.brutto, price.currency)}`);
  t = await move(db, now, t, 'PAYMENT_ACQUIRED', 'price held on the account');
  return { transfer: t, price };
}

/** `status=lock` (or `lock,production`) locks the domain once it arrives; `production` alone does not. */
function statusWordsLock(status: string | undefined): boolean {
  if (status === undefined || status.trim() === '') return false;
  const words = status.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
  for (const w of words) if (w !== 'lock' && w !== 'production') throw new DmapiError('PARAM_SYNTAX', `invalid 'status' (${w} is not a domain status a transfer can set; use lock or production)`);
  return words.includes('lock');
}

// ------------------------------------------------------------------ worker: checks and FOA

/** What a transfer's checks and FOA need from the registry, asked before the step's transaction. */
export interface RegistryView {
  info: DomainInfo | undefined;
  /** The stored auth code is valid, or the TLD needs none. */
  codeValid: boolean;
  /** The FOA recipients the losing registrar's whois shows (a name at another registrar). */
  whois: { owner: string | null; admin: string | null };
}

/** Asks the registry about the transfer's name: its record, the auth code, the losing registrar's whois. */
async function viewAtRegistry(deps: AppDeps, t: TransferRow, now: number): Promise<RegistryView> {
  const registry = registryOf(deps).open(deps.db, now);
  const info = await atRegistry(() => registry.infoDomain(t.domain));
  const tld = deps.tlds.get(t.tld);
  const codeValid = !tld?.transfer.authCode || (!!info && !!t.auth_code && (await atRegistry(() => registry.verifyAuthCode(t.domain, t.auth_code!))));
  const whois = info && info.sponsor !== registry.registrarId ? await whoisEmails(deps, info, now) : { owner: null, admin: null };
  return { info, codeValid, whois };
}

/** The transfer row as the worker's outside steps read it (no lock: the step's transaction re-reads it). */
async function transferRow(db: Executor, id: number): Promise<TransferRow | undefined> {
  return db.selectFrom('transfers_in').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The request job's outside step: the registry's view of the name, while the transfer waits for its checks. */
export async function checksAtRegistry(deps: AppDeps, transferId: number, o: OutsideContext): Promise<RegistryView | undefined> {
  const t = await transferRow(deps.db, transferId);
  if (!t || t.outcome !== 'open' || t.state !== 'PAYMENT_ACQUIRED') return undefined;
  if (!deps.tlds.get(t.tld)) throw new DmapiError('PARAM_POLICY', `.${t.tld} is no longer offered`);
  return viewAtRegistry(deps, t, o.now);
}

/**
 * The request's job, with the registry's view (checksAtRegistry): whether the name can move at all
 * (so no FOA goes out for a transfer that cannot happen), then the FOA. A refusal is thrown (a
 * nack; `failTransferJob` releases the money in the failure's transaction).
 */
export async function checkAndSendFoa(ctx: FlowContext, transferId: number, view: RegistryView | undefined): Promise<void> {
  const { db, deps } = ctx;
  const t = await lockedTransfer(db, transferId);
  if (!t || t.outcome !== 'open' || t.state !== 'PAYMENT_ACQUIRED') return;
  if (!view) throw new Error(`the registry was not asked about ${t.domain}; the checks are retried`);
  const tld = deps.tlds.get(t.tld);
  if (!tld) throw new DmapiError('PARAM_POLICY', `.${t.tld} is no longer offered`);
  const { info } = view;
  if (!info) throw new DmapiError('OBJECT_NOT_FOUND', `${t.domain} is not registered, so it cannot be transferred (register it with domain-register)`);
  const holder = await holderOf(ctx, t, info);
  await checkMovable(ctx, t, tld, view, holder);
  const withLosing = { ...t, losing_registrar: info.sponsor, losing_account_id: holder?.account_id ?? null };
  await db.updateTable('transfers_in').set({ losing_registrar: withLosing.losing_registrar, losing_account_id: withLosing.losing_account_id }).where('id', '=', t.id).execute();
  await sendFoaOrWait(ctx, withLosing, view);
}

/**
 * The account that holds a name this registrar sponsors (a transfer within the platform), or
 * undefined for a name at another registrar. A name sponsored here but in no account, or in the
 * asking account already, cannot be transferred in.
 */
async function holderOf(ctx: FlowContext, t: TransferRow, info: DomainInfo): Promise<DomainRecord | undefined> {
  if (info.sponsor !== registryOf(ctx.deps).registrarId) return undefined;
  const holder = await heldDomain(ctx.db, t.domain);
  if (!holder) throw new DmapiError('OBJECT_EXISTS', `${t.domain} is already with this registrar`);
  if (holder.account_id === t.account_id) throw new DmapiError('OBJECT_EXISTS', `${t.domain} is already in your account`);
  return holder;
}

/**
 * What the registry (and, within the platform, this registrar as the losing one) refuses before
 * anybody is asked: locks, deletion, a transfer under way, the windows after create and transfer,
 * a wrong auth code. A transfer within the platform gets each of them in the same words, and the
 * refusals of internalRefusal. Thrown as DmapiError.
 */
async function checkMovable(ctx: FlowContext, t: TransferRow, tld: TldInfo, view: RegistryView, holder: DomainRecord | undefined): Promise<void> {
  const { db, now } = ctx;
  const info = view.info!;
  if (info.statuses.includes('serverTransferProhibited')) throw new DmapiError('STATUS_PROHIBITS', `${t.domain} has a registry lock (serverTransferProhibited); the current registrar must have it lifted first`);
  if (info.statuses.includes('clientTransferProhibited')) throw new DmapiError('STATUS_PROHIBITS', `${t.domain} is locked by its current registrar (clientTransferProhibited); it must be unlocked there first`);
  if (info.statuses.includes('pendingDelete')) throw new DmapiError('STATUS_PROHIBITS', `${t.domain} is pending deletion`);
  const pendingTo = info.pendingTransfer?.gaining ?? (holder && (await openInternalOut(db, t.domain))?.gaining);
  if (pendingTo) throw new DmapiError('STATUS_PROHIBITS', `${t.domain} is already pending transfer to ${pendingTo}`);
  const lockDays = tld.transfer.lockAfterCreate;
  if (lockDays > 0 && info.createdAt + lockDays * DAY > now) {
    throw new DmapiError('POLICY_VIOLATION', `${t.domain} was registered on ${isoDate(info.createdAt)}, less than ${lockDays} days ago; it can be transferred from ${isoDate(info.createdAt + lockDays * DAY)}`);
  }
  const afterTransfer = tld.transfer.lockAfterTransfer;
  // The registry knows only transfers between registrars; a move within the platform counts too.
  const moved = holder ? await lastTransferIn(db, t.domain) : null;
  const transferredAt = Math.max(info.transferredAt ?? 0, moved ?? 0) || null;
  if (afterTransfer > 0 && transferredAt !== null && transferredAt + afterTransfer * DAY > now) {
    throw new DmapiError('POLICY_VIOLATION', `${t.domain} was transferred on ${isoDate(transferredAt)}, less than ${afterTransfer} days ago; it can be transferred again from ${isoDate(transferredAt + afterTransfer * DAY)}`);
  }
  if (!view.codeValid) {
    throw new DmapiError('ACCESS_DENIED', `the transfer-auth-id (AUTH-ID) is not valid for ${t.domain}; ask the current registrar for a new one`);
  }
  // Only past the code does the requester learn more than a domain at another registrar would tell.
  if (!holder) return;
  const refusal = await internalRefusal(db, holder, info);
  if (refusal) throw new DmapiError('STATUS_PROHIBITS', refusal);
  if (await operationsPending(db, t.domain)) throw new DmapiError('STATUS_PROHIBITS', `${t.domain} has an operation pending at its current registrar; try again when it is done`);
}

/** The FOA's recipients as the losing registrar's whois shows them (within the platform: its own contacts); null where none is known. */
async function foaRecipients(ctx: FlowContext, t: TransferRow, view: RegistryView): Promise<{ owner: string | null; admin: string | null }> {
  if (t.losing_account_id === null) return view.whois;
  const holder = await heldDomain(ctx.db, t.domain);
  return holder ? holderEmails(ctx.db, holder) : { owner: null, admin: null };
}

/** The owner and admin addresses of a name at another registrar, from its whois. */
async function whoisEmails(deps: AppDeps, info: DomainInfo, now: number): Promise<{ owner: string | null; admin: string | null }> {
  // A real registry hides other registrars' contacts; the simulator plays the losing registrar's whois.
  if (registryOf(deps).kind !== 'simulated') return { owner: null, admin: null };
  const whois = simulatorOf(deps).openAs(info.sponsor, deps.db, now);
  const email = async (handle: string | null) => {
    if (!handle) return null;
    try {
      const c = await whois.infoContact(handle);
      const e = c?.postal.email.trim().toLowerCase() ?? '';
      return isPlainAddress(e) ? e : null;
    } catch (err) {
      if (err instanceof RegistryError) return null;
      throw err;
    }
  };
  return { owner: await email(info.registrant), admin: await email(info.admin) };
}

/** Mails the FOA when a recipient is known (FOA_BEEN_SENT); otherwise PENDING_FOA_SENDING. */
async function sendFoaOrWait(ctx: FlowContext, t: TransferRow, view: RegistryView): Promise<TransferRow> {
  const { db, now } = ctx;
  const to = await foaRecipients(ctx, t, view);
  if (!to.owner && !to.admin) {
    // A real registry publishes no contact data of other registrars' names: then the valid auth
    // code is the authorisation (ICANN Temporary Specification, Appendix G: no gaining FOA when
    // the registrant's data is not available), and the request goes to the registry.
    if (t.losing_account_id === null && registryOf(ctx.deps).kind !== 'simulated' && view.codeValid && ctx.deps.tlds.get(t.tld)?.transfer.authCode) {
      const next = await move(db, now, t, 'FOA_ACK', 'no FOA: the registry publishes no contact data; the valid auth code authorises the transfer');
      await enqueue(db, now, TRANSFER_REQUEST_JOB, { transferId: t.id }, { accountId: t.account_id, objectKey: `domain:${t.domain}` });
      return next;
    }
    if (t.state === 'PENDING_FOA_SENDING') return t;
    return move(db, now, t, 'PENDING_FOA_SENDING', 'no e-mail address of the owner or admin contact is known');
  }
  // The key derives from the nonce (resend-foa mails it again); only its hash is stored.
  const { nonce, hash } = ctx.deps.keys.issue('transfer-foa');
  const deadline = now + FOA_DAYS * DAY;
  const next = await move(db, now, t, 'FOA_BEEN_SENT', `FOA sent to ${[to.owner, to.admin].filter(Boolean).join(', ')}`, {
    foa_key: hash,
    foa_nonce: nonce,
    foa_owner_email: to.owner,
    foa_admin_email: to.admin,
    foa_sent_at: now,
    foa_deadline_at: deadline,
  });
  await mailFoa(ctx, next, false);
  return next;
}

/** The FOA key: derived from its nonce; a transfer stored before keys were derived gets a new one (the old link stops working). */
async function foaKey(ctx: FlowContext, t: TransferRow): Promise<string> {
  if (t.foa_nonce) return ctx.deps.keys.derive('transfer-foa', t.foa_nonce);
  const issued = ctx.deps.keys.issue('transfer-foa');
  await ctx.db.updateTable('transfers_in').set({ foa_key: issued.hash, foa_nonce: issued.nonce }).where('id', '=', t.id).execute();
  return issued.key;
}

async function mailFoa(ctx: FlowContext, t: TransferRow, resent: boolean): Promise<void> {
  const { config } = ctx.deps;
  const targets = new Map<string, 'owner' | 'admin' | 'owner and admin'>();
  if (t.foa_owner_email) targets.set(t.foa_owner_email, 'owner');
  if (t.foa_admin_email) targets.set(t.foa_admin_email, targets.has(t.foa_admin_email) ? 'owner and admin' : 'admin');
  const key = await foaKey(ctx, t);
  for (const [to, role] of targets) {
    const mail = transferFoaMail({ domain: t.domain, role, losing: t.losing_registrar ?? 'unknown', link: answerUrl(config, TRANSFER_PAGE, key), key, deadline: t.foa_deadline_at!, publicUrl: config.publicUrl, resent });
    await queueMail(ctx, { to, kind: resent ? 'transfer-foa-resent' : 'transfer-foa', ...mail, accountId: t.account_id, object: t.domain });
  }
}

/** The request job's failure (its own writes rolled back): the transfer ends failed, the money comes back. */
export async function failTransferJob(ctx: FlowContext, transferId: number, reason: string): Promise<void> {
  const t = await lockedTransfer(ctx.db, transferId);
  if (!t || t.outcome !== 'open') return;
  // The worker writes the nack of the result itself.
  await finish(ctx, t, 'failed', 'TRANSFER_FAILED', reason, false);
}

// ------------------------------------------------------------------ the FOA answer

export interface FoaView {
  domain: string;
  losing: string;
  deadline: number;
  state: TransferState;
}

/** What the FOA page shows; undefined for an unknown key. */
export async function describeFoa(db: Executor, key: string): Promise<FoaView | undefined> {
  const t = await db.selectFrom('transfers_in').selectAll().where('foa_key', '=', keyHash(key)).executeTakeFirst();
  if (!t) return undefined;
  return { domain: t.domain, losing: t.losing_registrar ?? 'unknown', deadline: t.foa_deadline_at ?? t.created_at, state: t.state };
}

export type FoaOutcome = { outcome: 'accepted' | 'refused' | 'expired'; domain: string } | { outcome: 'unknown' } | { outcome: 'closed'; domain: string; state: TransferState };

/**
 * Records the answer to the FOA (the answer page's transaction). Yes: FOA_ACK, and the worker asks
 * the registry. No: FOA_NACK, the transfer ends. After the deadline the transfer has ended already.
 */
export async function answerFoa(ctx: TxContext, key: string, answer: 'yes' | 'no'): Promise<FoaOutcome> {
  const { db, now } = ctx;
  const found = await db.selectFrom('transfers_in').select('id').where('foa_key', '=', keyHash(key)).executeTakeFirst();
  if (!found) return { outcome: 'unknown' };
  const t = (await lockedTransfer(db, found.id))!;
  if (t.outcome !== 'open' || t.state !== 'FOA_BEEN_SENT') return { outcome: 'closed', domain: t.domain, state: t.state };
  if (t.foa_deadline_at !== null && t.foa_deadline_at <= now) {
    await expireFoa(ctx, t);
    return { outcome: 'expired', domain: t.domain };
  }
  if (answer === 'no') {
    await finish(ctx, await move(db, now, t, 'FOA_NACK', 'the FOA was refused', { foa_answered_at: now }), 'failed', 'FOA_NACK', `the transfer of ${t.domain} was refused in answer to the FOA`, true);
    return { outcome: 'refused', domain: t.domain };
  }
  await move(db, now, t, 'FOA_ACK', 'the FOA was confirmed', { foa_answered_at: now });
  await enqueue(db, now, TRANSFER_REQUEST_JOB, { transferId: t.id }, { accountId: t.account_id, objectKey: `domain:${t.domain}` });
  return { outcome: 'accepted', domain: t.domain };
}

async function expireFoa(ctx: TxContext, t: TransferRow): Promise<void> {
  const next = await move(ctx.db, ctx.now, t, 'FOA_NACK', 'the FOA was not answered in time');
  await finish(ctx, next, 'failed', 'FOA_NACK', `the FOA for ${t.domain} was not confirmed within ${FOA_DAYS} days (by ${isoDate(t.foa_deadline_at ?? ctx.now)})`, true);
}

// ------------------------------------------------------------------ worker: the registry request

/** What the registry request's outside step learnt: the registry's transfer (or its refusal), or, within the platform, the registry's view for the checks. */
export type RequestAnswer =
  | { kind: 'sent'; info: TransferInfo }
  | { kind: 'refused'; message: string; code: number }
  | { kind: 'holder'; view: RegistryView }
  | { kind: 'holder-refused'; reason: string };

/**
 * The registry request job's outside step. A name at another registrar: the transfer moves to
 * REGISTRY_REQUEST_SENT in a short transaction of its own (so a cancel no longer ends it quietly
 * while the registry may act), then the registry's transfer request. A transfer found in
 * REGISTRY_REQUEST_SENT was requested by an earlier attempt whose answer was lost: the registry is
 * asked whether that request went through before a second one is made. Within the platform the
 * registry is only asked (the checks once more); the holder is asked in the job's transaction.
 */
export async function requestAtRegistry(deps: AppDeps, transferId: number, o: OutsideContext): Promise<RequestAnswer | undefined> {
  const t = await transferRow(deps.db, transferId);
  if (!t || t.outcome !== 'open' || (t.state !== 'FOA_ACK' && t.state !== 'REGISTRY_REQUEST_SENT')) return undefined;
  if (t.losing_account_id !== null) {
    try {
      return { kind: 'holder', view: await viewAtRegistry(deps, t, o.now) };
    } catch (err) {
      if (!(err instanceof DmapiError)) throw err;
      return { kind: 'holder-refused', reason: err.details[0]! };
    }
  }
  const registry = registryOf(deps).open(deps.db, o.now);
  if (t.state === 'REGISTRY_REQUEST_SENT') {
    const earlier = await transferRequestedEarlier(deps.db, registry, t, t.foa_answered_at ?? t.created_at);
    if (earlier) return { kind: 'sent', info: earlier };
  } else {
    const marked = await deps.db.transaction().execute(async (db) => {
      const row = await lockedTransfer(db, t.id);
      return row?.outcome === 'open' && row.state === 'FOA_ACK' ? move(db, o.now, row, 'REGISTRY_REQUEST_SENT', 'transfer request sent to the registry') : undefined;
    });
    if (!marked) return undefined;
  }
  try {
    return { kind: 'sent', info: await registry.requestTransfer(t.domain, t.auth_code ?? undefined, t.period_months) };
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err;
    return { kind: 'refused', message: err.message, code: err.code };
  }
}

/** The registry request job's transaction: REGISTRY_REQUEST_RECEIVED_NOW_WAITING with the registry's transfer, or the end when it was refused. */
export async function sendRegistryRequest(ctx: FlowContext, transferId: number, answer: RequestAnswer | undefined): Promise<void> {
  const { db, now } = ctx;
  const t = await lockedTransfer(db, transferId);
  if (!t || t.outcome !== 'open' || (t.state !== 'FOA_ACK' && t.state !== 'REGISTRY_REQUEST_SENT')) return;
  await lockNames(db, [`domain:${t.domain}`]);
  if (!answer) throw new Error(`the transfer of ${t.domain} was not requested; the request is retried`);
  switch (answer.kind) {
    case 'holder':
    case 'holder-refused':
      if (t.state !== 'FOA_ACK') return;
      return requestFromHolder(ctx, await move(db, now, t, 'REGISTRY_REQUEST_SENT', 'transfer requested from the current holder'), answer);
    case 'refused':
      await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the registry refused the transfer of ${t.domain}: ${answer.message} (EPP ${answer.code})`, true);
      return;
    case 'sent':
      await move(db, now, t, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING', `waiting for ${answer.info.losing}; the registry approves on ${isoDate(answer.info.actBy)} unless it is rejected`, {
        auth_code: null,
        losing_registrar: answer.info.losing,
        // The registry's own time of the request (an adopted one was made by an earlier attempt).
        registry_requested_at: answer.info.requestedAt,
        registry_act_by: answer.info.actBy,
      });
  }
}

/**
 * Within the platform the request goes to the holding reseller: the registry's checks once more
 * (as the registry enforces them again), the IRTP-C lock of a recent change of registrant (refused
 * at once, as for a transfer away), then the transfer away in the holder's account, waiting for its
 * answer until the TLD's pending days end.
 */
async function requestFromHolder(ctx: FlowContext, t: TransferRow, answer: Extract<RequestAnswer, { kind: 'holder' | 'holder-refused' }>): Promise<void> {
  const { db, now, deps } = ctx;
  const ours = registryOf(deps).registrarId;
  const tld = deps.tlds.get(t.tld);
  let holder: DomainRecord | undefined;
  try {
    if (!tld) throw new DmapiError('PARAM_POLICY', `.${t.tld} is no longer offered`);
    if (answer.kind === 'holder-refused') throw new DmapiError('COMMAND_FAILED', answer.reason);
    const info = answer.view.info;
    if (!info) throw new DmapiError('OBJECT_NOT_FOUND', `${t.domain} is no longer registered`);
    holder = await holderOf(ctx, t, info);
    if (!holder) throw new DmapiError('OBJECT_NOT_FOUND', `${t.domain} is no longer with this registrar`);
    await checkMovable(ctx, t, tld, answer.view, holder);
  } catch (err) {
    if (!(err instanceof DmapiError)) throw err;
    await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the transfer of ${t.domain} was refused: ${err.details[0]}`, true);
    return;
  }
  const actBy = now + tld.transfer.pendingDays * DAY;
  const out = await requestInternalTransferOut(ctx, { domain: t.domain, accountId: holder.account_id, transferInId: t.id, actBy });
  const waiting = await move(db, now, t, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING', `waiting for the current holder; approved on ${isoDate(actBy)} unless it is rejected`, {
    auth_code: null,
    losing_registrar: ours,
    losing_account_id: holder.account_id,
    registry_requested_at: now,
    registry_act_by: actBy,
  });
  const lock = await corLockUntil(db, holder.id, now);
  if (lock !== null) {
    // IRTP-C: the losing registrar must deny it; the holder hears of it as of a refused transfer away.
    await endInternalOut(ctx, out, { state: 'rejected', reason: `the registrant changed recently: ${t.domain} is locked against transfers until ${isoDate(lock)} (IRTP-C)` });
    await finish(ctx, waiting, 'failed', 'TRANSFER_FAILED', `the transfer of ${t.domain} was rejected by the losing registrar ${ours} (the registrant changed recently; IRTP-C)`, true);
  }
}

/** The registry request job failed for good (not a refusal: those end the transfer themselves). */
export async function registryRequestFailed(ctx: TxContext, transferId: number, reason: string): Promise<void> {
  const t = await lockedTransfer(ctx.db, transferId);
  if (!t || t.outcome !== 'open' || (t.state !== 'FOA_ACK' && t.state !== 'REGISTRY_REQUEST_SENT')) return;
  await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the transfer of ${t.domain} could not be requested at the registry: ${reason}`, true);
}

/** The registry cancel job failed for good: back to waiting, where the registry's own decision ends it. */
export async function registryCancelFailed(ctx: TxContext, transferId: number, reason: string): Promise<void> {
  const t = await lockedTransfer(ctx.db, transferId);
  if (!t || t.outcome !== 'open' || t.state !== 'REGISTRY_CANCELATION_PENDING') return;
  await move(ctx.db, ctx.now, t, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING', `the cancel could not be sent to the registry: ${reason}`);
}

// ------------------------------------------------------------------ periodic: deadlines, the losing side, the registry's answer

/**
 * The scheduler's step: FOA deadlines, FOA recipients still unknown, the simulated losing
 * registrars' answers, and the registry's outcome of every waiting transfer. For each transfer the
 * registry is asked first, then one transaction acts on the answer if the transfer is still in the
 * state it was asked for. Returns what moved.
 */
export async function runTransfers(deps: AppDeps, now: number): Promise<{ moved: string[] }> {
  const open = await deps.db
    .selectFrom('transfers_in')
    .selectAll()
    .where('outcome', '=', 'open')
    .where('state', 'in', ['PENDING_FOA_SENDING', 'FOA_BEEN_SENT', 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING'])
    .orderBy('id')
    .limit(500)
    .execute();
  const moved: string[] = [];
  for (const o of open) {
    try {
      const asked = await stepAtRegistry(deps, o, now);
      const to = await deps.db.transaction().execute(async (db) => {
        const t = await lockedTransfer(db, o.id);
        if (!t || t.outcome !== 'open' || t.state !== o.state) return undefined;
        const after = await stepTransfer({ db, now, deps }, t, asked);
        return after.state !== t.state ? after.state : undefined;
      });
      if (to) moved.push(`${o.domain}: ${to}`);
    } catch (err) {
      deps.log.error({ err, domain: o.domain, transfer: o.id }, 'transfer step failed');
    }
  }
  return { moved };
}

/** What a periodic step learnt from the registry before its transaction. */
type StepAnswer = { kind: 'none' } | { kind: 'view'; view: RegistryView } | { kind: 'transfer'; info: TransferInfo | undefined };

/** The registry's part of a periodic step: the name again for a FOA still without recipients; the transfer's status (the losing registrar's answer) for a waiting one. */
async function stepAtRegistry(deps: AppDeps, t: TransferRow, now: number): Promise<StepAnswer> {
  if (t.state === 'PENDING_FOA_SENDING' && t.created_at + FOA_DAYS * DAY > now) return { kind: 'view', view: await viewAtRegistry(deps, t, now) };
  if (t.state !== 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING' || t.losing_account_id !== null) return { kind: 'none' };
  const info = await registryOf(deps).open(deps.db, now).queryTransfer(t.domain).catch((err: unknown) => {
    if (err instanceof RegistryError && err.code === 2303) return undefined;
    throw err;
  });
  return { kind: 'transfer', info };
}

async function stepTransfer(ctx: FlowContext, t: TransferRow, asked: StepAnswer): Promise<TransferRow> {
  const { now } = ctx;
  if (t.state === 'FOA_BEEN_SENT') {
    if (t.foa_deadline_at !== null && t.foa_deadline_at <= now) {
      await expireFoa(ctx, t);
      return { ...t, state: 'FOA_NACK' };
    }
    return t;
  }
  if (t.state === 'PENDING_FOA_SENDING') {
    if (t.created_at + FOA_DAYS * DAY <= now) {
      await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `no e-mail address for the FOA of ${t.domain} was found within ${FOA_DAYS} days`, true);
      return { ...t, state: 'TRANSFER_FAILED' };
    }
    if (asked.kind !== 'view') return t;
    if (!asked.view.info) {
      await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `${t.domain} is no longer registered`, true);
      return { ...t, state: 'TRANSFER_FAILED' };
    }
    return sendFoaOrWait(ctx, t, asked.view);
  }
  if (t.state !== 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING') return t;
  if (t.losing_account_id !== null) return settleWithHolder(ctx, t);
  return asked.kind === 'transfer' ? settleWithRegistry(ctx, t, asked.info) : t;
}

/** Acts on the registry's view of the transfer: still pending, approved, rejected, or gone. */
async function settleWithRegistry(ctx: FlowContext, t: TransferRow, info: TransferInfo | undefined): Promise<TransferRow> {
  const { db, now, deps } = ctx;
  const ours = registryOf(deps).registrarId;
  if (!info || info.gaining !== ours || (t.registry_requested_at !== null && info.requestedAt < t.registry_requested_at)) {
    await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the registry no longer knows the transfer of ${t.domain}`, true);
    return { ...t, state: 'TRANSFER_FAILED' };
  }
  switch (info.status) {
    case 'pending':
      return t;
    case 'clientApproved':
    case 'serverApproved': {
      const how = info.status === 'clientApproved' ? `approved by ${info.losing}` : `approved by the registry after ${isoDate(info.actBy)} (${info.losing} did not answer)`;
      const next = await move(db, now, t, 'DOMAIN_WITH_JOKER_PENDING_COMPLETE', how);
      await enqueue(db, now, TRANSFER_COMPLETE_JOB, { transferId: t.id }, { accountId: t.account_id, objectKey: `domain:${t.domain}` });
      return next;
    }
    case 'clientRejected':
      await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the transfer of ${t.domain} was rejected by the losing registrar ${info.losing}`, true);
      return { ...t, state: 'TRANSFER_FAILED' };
    case 'clientCancelled':
      await finish(ctx, t, 'cancelled', 'TRANSFER_CANCELLED', `the transfer of ${t.domain} was cancelled`, true);
      return { ...t, state: 'TRANSFER_CANCELLED' };
    case 'serverCancelled':
      await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the registry cancelled the transfer of ${t.domain} (the name was deleted)`, true);
      return { ...t, state: 'TRANSFER_FAILED' };
  }
}

/** The holding reseller's answer, as the registry would apply a losing registrar's: approved, rejected, or approved when the window ended without one. */
type HolderDecision = { kind: 'pending' } | { kind: 'approved'; how: string } | { kind: 'rejected' } | { kind: 'gone' };

function holderDecision(out: TransferOutRow | undefined, now: number): HolderDecision {
  if (!out || !openOutStates.includes(out.state)) return { kind: 'gone' };
  // An answer after the window is too late, as at the registry.
  const inTime = answeredInTime(out);
  if (out.state === 'approving' && inTime) return { kind: 'approved', how: 'approved by the current holder' };
  if (out.state === 'rejecting' && inTime) return { kind: 'rejected' };
  if (out.state === 'approving' || out.act_by <= now) return { kind: 'approved', how: `approved after ${isoDate(out.act_by)} (the current holder did not answer)` };
  return { kind: 'pending' };
}

function answeredInTime(out: TransferOutRow): boolean {
  return out.answered_at !== null && out.answered_at < out.act_by;
}

/** REGISTRY_REQUEST_RECEIVED_NOW_WAITING within the platform: applies the holder's decision. */
async function settleWithHolder(ctx: FlowContext, t: TransferRow): Promise<TransferRow> {
  const { db, now, deps } = ctx;
  const out = await internalOutOf(db, t.id);
  const decision = holderDecision(out, now);
  const losing = t.losing_registrar ?? registryOf(deps).registrarId;
  switch (decision.kind) {
    case 'pending':
      return t;
    case 'approved': {
      await markInternalOutApproved(db, out!);
      const next = await move(db, now, t, 'DOMAIN_WITH_JOKER_PENDING_COMPLETE', decision.how);
      await enqueue(db, now, TRANSFER_COMPLETE_JOB, { transferId: t.id }, { accountId: t.account_id, objectKey: `domain:${t.domain}` });
      return next;
    }
    case 'rejected':
      await endInternalOut(ctx, out!, { state: 'rejected', reason: 'rejected by the reseller' });
      await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the transfer of ${t.domain} was rejected by the losing registrar ${losing}`, true);
      return { ...t, state: 'TRANSFER_FAILED' };
    case 'gone':
      await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the transfer of ${t.domain} is no longer waiting for its current holder`, true);
      return { ...t, state: 'TRANSFER_FAILED' };
  }
}

/** The transfer-out answer job of a transfer within the platform (transfer-jobs.ts): the holder answered. */
export async function settleInternalTransfer(ctx: FlowContext, transferId: number): Promise<void> {
  const t = await lockedTransfer(ctx.db, transferId);
  if (!t || t.outcome !== 'open' || t.state !== 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING' || t.losing_account_id === null) return;
  await lockNames(ctx.db, [`domain:${t.domain}`]);
  await settleWithHolder(ctx, t);
}

// ------------------------------------------------------------------ worker: the domain arrives

/** What the completion's outside step did at the registry. */
export type ArrivalAnswer =
  | { kind: 'refused'; reason: string }
  | { kind: 'wait' }
  | { kind: 'arrived'; info: DomainInfo; nameservers: string[]; locked: boolean; warning: string | null }
  | { kind: 'moved'; info: DomainInfo; moved: MovedAtRegistry };

/**
 * The completion job's outside step. From another registrar: the name must be ours at the
 * registry; then the requested contacts, name servers and lock are set (the same data again on a
 * retry, which changes nothing). Within the platform: the checks of the move, then its registry
 * part (internal-transfer.ts moveAtRegistry), unless requests of the holder on the domain are
 * still in the worker: the move waits for them. A refusal is returned for the job's transaction to
 * end the transfer with.
 */
export async function arrivalAtRegistry(deps: AppDeps, transferId: number, o: OutsideContext): Promise<ArrivalAnswer | undefined> {
  const t = await transferRow(deps.db, transferId);
  if (!t || t.outcome !== 'open' || t.state !== 'DOMAIN_WITH_JOKER_PENDING_COMPLETE') return undefined;
  const registry = registryOf(deps).open(deps.db, o.now);
  const info = await atRegistry(() => registry.infoDomain(t.domain));
  if (t.losing_account_id !== null) {
    const refusal = await moveRefusal(deps.db, t, info, registry.registrarId);
    if (refusal) return { kind: 'refused', reason: refusal };
    if (await operationsPending(deps.db, t.domain)) return { kind: 'wait' };
    const holder = (await heldDomain(deps.db, t.domain))!;
    return { kind: 'moved', info: info!, moved: await moveAtRegistry(deps, t, holder, info!, o) };
  }
  if (!info || info.sponsor !== registry.registrarId) return { kind: 'refused', reason: `${t.domain} did not arrive at this registrar` };
  if (await localDomain(deps.db, t.domain)) return { kind: 'refused', reason: `${t.domain} is already in an account of this platform` };
  const tld = deps.tlds.get(t.tld);
  const used = (role: 'admin' | 'tech' | 'billing') => tld?.contacts.roles.includes(role) ?? true;
  const ns = t.ns_list ? (JSON.parse(t.ns_list) as string[]) : info.nameservers;
  // The domain is ours whatever happens now: a refused update leaves it as it came, with a warning.
  try {
    if (t.ns_list) await ensureExternalHosts(registry, deps.tlds, ns);
    const updated = await atRegistry(() =>
      registry.updateDomain(t.domain, {
        registrant: t.owner_c,
        ...(used('admin') ? { admin: t.admin_c } : {}),
        ...(used('tech') ? { tech: t.tech_c } : {}),
        ...(used('billing') ? { billing: t.billing_c } : {}),
        ...(t.ns_list ? { nameservers: ns } : {}),
        ...(t.lock_after && !info.statuses.includes('clientTransferProhibited') ? { addStatuses: ['clientTransferProhibited' as const] } : {}),
      }),
    );
    return { kind: 'arrived', info, nameservers: updated.nameservers, locked: updated.statuses.includes('clientTransferProhibited'), warning: null };
  } catch (err) {
    if (!(err instanceof DmapiError)) throw err;
    return { kind: 'arrived', info, nameservers: info.nameservers, locked: false, warning: err.details[0]! };
  }
}

/** Why a transfer within the platform can no longer move (checked before the registry part and again in the job's transaction), or undefined. */
async function moveRefusal(db: Executor, t: TransferRow, info: DomainInfo | undefined, ours: string): Promise<string | undefined> {
  const holder = await heldDomain(db, t.domain);
  const out = await internalOutOf(db, t.id);
  if (!info || info.sponsor !== ours || !holder || holder.account_id !== t.losing_account_id || !out) return `${t.domain} is no longer with the account that was asked`;
  if (info.pendingTransfer) return `${t.domain} is pending transfer to ${info.pendingTransfer.gaining}`;
  return internalRefusal(db, holder, info);
}

async function localDomain(db: Executor, name: string): Promise<boolean> {
  return (await db.selectFrom('domains').select('id').where('name', '=', name).executeTakeFirst()) !== undefined;
}

/**
 * DOMAIN_WITH_JOKER_PENDING_COMPLETE, with what the registry did (arrivalAtRegistry): puts the
 * domain in the account, books the held money (PAYMENT_COMMITTED) and ends the transfer with the
 * result's ack. Only this transaction leaves the state, so the money is booked once however often
 * the outside step ran.
 */
export async function completeTransferIn(ctx: FlowContext, transferId: number, answer: ArrivalAnswer | undefined): Promise<void> {
  const { db, now, deps } = ctx;
  const t = await lockedTransfer(db, transferId);
  if (!t || t.outcome !== 'open' || t.state !== 'DOMAIN_WITH_JOKER_PENDING_COMPLETE') return;
  await lockNames(db, [`domain:${t.domain}`]);
  if (!answer) throw new Error(`the registry was not asked about the arrival of ${t.domain}; the completion is retried`);
  if (answer.kind === 'refused') {
    const why = t.losing_account_id !== null ? `the transfer of ${t.domain} could not be completed: ${answer.reason}` : answer.reason;
    await finish(ctx, t, 'failed', 'TRANSFER_FAILED', why, true);
    return;
  }
  if (answer.kind === 'wait') {
    // A fresh job, queued after the holder's requests (jobs with the same object key run in order): they land first.
    await enqueue(db, now, TRANSFER_COMPLETE_JOB, { transferId: t.id }, { accountId: t.account_id, objectKey: `domain:${t.domain}`, runAt: now + MOVE_WAIT_MS });
    return;
  }
  if (answer.kind === 'moved') return completeFromHolder(ctx, t, answer.info, answer.moved);
  if (await localDomain(db, t.domain)) {
    await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `${t.domain} is already in an account of this platform`, true);
    return;
  }
  const { info } = answer;
  const lines: Array<[string, string]> = [['result_msg', `${t.domain} transferred from ${t.losing_registrar ?? 'its previous registrar'}; expires ${isoDate(info.expiresAt)}`]];
  const wanted: RoleHandles = { owner: t.owner_c, ...(t.admin_c ? { admin: t.admin_c } : {}), ...(t.tech_c ? { tech: t.tech_c } : {}), ...(t.billing_c ? { billing: t.billing_c } : {}) };
  const roles: RoleHandles = answer.warning === null ? wanted : {};
  if (answer.warning !== null) lines.push(['warning', `the contacts, name servers or lock could not be set: ${answer.warning}`]);
  const delegation = answer.nameservers;
  const locked = answer.locked;
  const privacy: PrivacyLevel = t.privacy;
  const privacyUntil = privacy !== 'off' ? Math.min(addMonths(now, 12), info.expiresAt) : null;
  const row = await db
    .insertInto('domains')
    .values({
      account_id: t.account_id,
      name: t.domain,
      tld: t.tld,
      created_at: info.createdAt,
      expires_at: info.expiresAt,
      updated_at: now,
      autorenew: t.autorenew,
      locked: locked ? 1 : 0,
      owner_c: roles.owner ?? null,
      admin_c: roles.admin ?? null,
      tech_c: roles.tech ?? null,
      billing_c: roles.billing ?? null,
      status: 'active',
      roid: info.roid,
      privacy,
      privacy_origin: privacy,
      privacy_expires_at: privacyUntil,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await setDelegation(db, row.id, delegation);
  if (usesPlatformNs(deps.config.dnsNameservers, delegation)) {
    await createDefaultZone(db, row.id, now);
    lines.push(['zone', `hosted zone ${t.domain} created`]);
  }
  await commitReservation(db, { accountId: t.account_id, orderId: t.transfer_order_id, now });
  if (t.privacy_order_id !== null) await commitReservation(db, { accountId: t.account_id, orderId: t.privacy_order_id, now });
  let next = await move(db, now, t, 'PAYMENT_COMMITTED', 'held money booked');
  if (isGenericTld(t.tld) && roles.owner) {
    const owner = await db.selectFrom('contacts').select('email').where('handle', '=', roles.owner).executeTakeFirst();
    if (owner?.email) {
      const v = await startVerification(ctx, { email: owner.email, domain: t.domain, accountId: t.account_id });
      if (v.status === 'pending') lines.push(['whois_verification', `pending for ${owner.email} until ${isoDate(v.deadline)}`]);
    }
  }
  lines.push(['registry_roid', info.roid]);
  next = await move(db, now, next, 'TRANSFER_PROCESSED_SUCCESSFULLY', 'the domain is in the account', { outcome: 'done', completed_at: now });
  await completeResult(db, next.result_id, { status: 'ack', object: t.domain, text: resultLines(lines) }, now);
}

/**
 * DOMAIN_WITH_JOKER_PENDING_COMPLETE within the platform, after the registry part of the move:
 * the domain moves from the holder's account (internal-transfer.ts moveToAccount), the held money
 * is booked, the holder's transfer away ends as transferred. What can no longer move ends the
 * transfer (checked again here, under the locks).
 */
async function completeFromHolder(ctx: FlowContext, t: TransferRow, info: DomainInfo, atRegistryDone: MovedAtRegistry): Promise<void> {
  const { db, now, deps } = ctx;
  const refusal = await moveRefusal(db, t, info, registryOf(deps).registrarId);
  if (refusal) {
    await finish(ctx, t, 'failed', 'TRANSFER_FAILED', `the transfer of ${t.domain} could not be completed: ${refusal}`, true);
    return;
  }
  const out = (await internalOutOf(db, t.id))!;
  const holder = (await heldDomain(db, t.domain))!;
  const moved = await moveToAccount(ctx, t, holder, atRegistryDone);
  const lines: Array<[string, string]> = [['result_msg', `${t.domain} transferred from ${t.losing_registrar ?? registryOf(deps).registrarId}; expires ${isoDate(moved.expiresAt)}`], ...moved.lines];
  await commitReservation(db, { accountId: t.account_id, orderId: t.transfer_order_id, now });
  if (t.privacy_order_id !== null) await commitReservation(db, { accountId: t.account_id, orderId: t.privacy_order_id, now });
  let next = await move(db, now, t, 'PAYMENT_COMMITTED', 'held money booked');
  if (isGenericTld(t.tld)) {
    const owner = await db.selectFrom('contacts').select('email').where('handle', '=', t.owner_c).executeTakeFirst();
    if (owner?.email) {
      const v = await startVerification(ctx, { email: owner.email, domain: t.domain, accountId: t.account_id });
      if (v.status === 'pending') lines.push(['whois_verification', `pending for ${owner.email} until ${isoDate(v.deadline)}`]);
    }
  }
  lines.push(['registry_roid', info.roid]);
  const how = answeredInTime(out) ? 'approved' : `no answer by ${isoDate(out.act_by)}, so it was approved`;
  await endInternalOut(ctx, out, { state: 'transferred', reason: `${t.domain} was transferred to ${gainingLabel(out)} (${how})` });
  next = await move(db, now, next, 'TRANSFER_PROCESSED_SUCCESSFULLY', 'the domain is in the account', { outcome: 'done', completed_at: now });
  await completeResult(db, next.result_id, { status: 'ack', object: t.domain, text: resultLines(lines) }, now);
}

// ------------------------------------------------------------------ domain-transfer-control

/** action=cancel: before the registry request the transfer simply ends; while waiting the registry is asked to cancel. */
export async function cancelTransferIn(ctx: FlowContext, accountId: number, domain: string): Promise<{ state: TransferState; text: string }> {
  const { db, now } = ctx;
  const t = await openTransferOrFail(db, accountId, domain, true);
  if (cancelNow.includes(t.state)) {
    await finish(ctx, t, 'cancelled', 'TRANSFER_CANCELLED', `the transfer of ${t.domain} was cancelled by the reseller`, true);
    return { state: 'TRANSFER_CANCELLED', text: `transfer of ${t.domain} cancelled; the held money was released` };
  }
  if (t.state === 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING') {
    await move(db, now, t, 'REGISTRY_CANCELATION_PENDING', 'cancel requested by the reseller');
    await enqueue(db, now, TRANSFER_CANCEL_JOB, { transferId: t.id }, { accountId: t.account_id, objectKey: `domain:${t.domain}` });
    return { state: 'REGISTRY_CANCELATION_PENDING', text: `cancellation of the transfer of ${t.domain} sent to the registry` };
  }
  throw new DmapiError('STATUS_PROHIBITS', `the transfer of ${t.domain} can no longer be cancelled (state ${t.state})`);
}

/** What the cancel job's outside step learnt: the registry cancelled, or (it did not) the transfer's status. */
export type CancelAnswer = { cancelled: true } | { cancelled: false; info: TransferInfo | undefined };

/** The cancel job's outside step: the registry's cancel of a transfer from another registrar. Repeating it is harmless: a second cancel is refused and the status says cancelled. */
export async function cancelAtRegistry(deps: AppDeps, transferId: number, o: OutsideContext): Promise<CancelAnswer | undefined> {
  const t = await transferRow(deps.db, transferId);
  if (!t || t.outcome !== 'open' || t.state !== 'REGISTRY_CANCELATION_PENDING' || t.losing_account_id !== null) return undefined;
  const registry = registryOf(deps).open(deps.db, o.now);
  try {
    await registry.cancelTransfer(t.domain);
    return { cancelled: true };
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err;
  }
  return { cancelled: false, info: await registry.queryTransfer(t.domain).catch(() => undefined) };
}

/** REGISTRY_CANCELATION_PENDING, with the registry's answer: cancelled; or, when the registry decided first, that decision. */
export async function settleCancel(ctx: FlowContext, transferId: number, answer: CancelAnswer | undefined): Promise<void> {
  const { db, now } = ctx;
  const t = await lockedTransfer(db, transferId);
  if (!t || t.outcome !== 'open' || t.state !== 'REGISTRY_CANCELATION_PENDING') return;
  if (t.losing_account_id !== null) return cancelWithHolder(ctx, t);
  if (!answer) throw new Error(`the registry was not asked to cancel the transfer of ${t.domain}; the cancel is retried`);
  // An earlier attempt's cancel went through: the registry shows it cancelled.
  if (answer.cancelled || answer.info?.status === 'clientCancelled') {
    await finish(ctx, t, 'cancelled', 'TRANSFER_CANCELLED', `the transfer of ${t.domain} was cancelled by the reseller`, true);
    return;
  }
  const back = answer.info?.status === 'pending' ? await move(db, now, t, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING', 'the registry did not cancel the transfer') : t;
  await settleWithRegistry(ctx, back, answer.info);
}

/** Within the platform the cancel withdraws the holder's transfer away, unless the holder decided first. */
async function cancelWithHolder(ctx: FlowContext, t: TransferRow): Promise<void> {
  const decision = holderDecision(await internalOutOf(ctx.db, t.id), ctx.now);
  if (decision.kind === 'pending' || decision.kind === 'gone') {
    await finish(ctx, t, 'cancelled', 'TRANSFER_CANCELLED', `the transfer of ${t.domain} was cancelled by the reseller`, true);
    return;
  }
  const back = await move(ctx.db, ctx.now, t, 'REGISTRY_REQUEST_RECEIVED_NOW_WAITING', 'the current holder decided before the cancel');
  await settleWithHolder(ctx, back);
}

/** action=resend-foa: the same FOA (same key and deadline) once more; only while it waits for an answer. */
export async function resendFoa(ctx: FlowContext, accountId: number, domain: string): Promise<string> {
  const t = await openTransferOrFail(ctx.db, accountId, domain, true);
  if (t.state !== 'FOA_BEEN_SENT') throw new DmapiError('STATUS_PROHIBITS', `the FOA of ${t.domain} can only be re-sent in state FOA_BEEN_SENT (the transfer is in ${t.state})`);
  await mailFoa(ctx, t, true);
  await event(ctx.db, t.id, 'FOA_BEEN_SENT', ctx.now, 'FOA re-sent');
  const to = t.losing_account_id !== null ? 'the owner and admin contacts of the domain' : [t.foa_owner_email, t.foa_admin_email].filter((e, i, a) => e && a.indexOf(e) === i).join(', ');
  return `FOA for ${t.domain} re-sent to ${to}; answer by ${isoDate(t.foa_deadline_at!)}`;
}

/** action=list: `<domain> <state> <owner-email> <admin-email>`, TAB-separated, for every open transfer. */
export async function listTransfersIn(db: Executor, accountId: number): Promise<string[]> {
  const rows = await db.selectFrom('transfers_in').selectAll().where('account_id', '=', accountId).where('outcome', '=', 'open').orderBy('created_at').orderBy('id').execute();
  return rows.map((t) => [t.domain, t.state, shownEmail(t, t.foa_owner_email), shownEmail(t, t.foa_admin_email)].join('\t'));
}

/** action=show: the account's latest transfer of the domain, open or ended. */
export async function showTransferIn(db: Executor, accountId: number, domain: string): Promise<string[]> {
  const name = normalName(domain);
  const t = await db.selectFrom('transfers_in').selectAll().where('account_id', '=', accountId).where('domain', '=', name).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!t) throw new DmapiError('OBJECT_NOT_FOUND', `no transfer of ${name} in this account`);
  const lines = [`domain: ${t.domain}`, `status: ${t.state}`, `owner_email: ${shownEmail(t, t.foa_owner_email)}`, `admin_email: ${shownEmail(t, t.foa_admin_email)}`, `transfer-id: ${t.result_id}`];
  if (t.reason) lines.push(`reason: ${t.reason}`);
  return lines;
}

/** The states a transfer passed through, oldest first. */
export async function transferHistory(db: Executor, transferId: number): Promise<Array<{ state: TransferState; at: number; note: string }>> {
  return db.selectFrom('transfer_events').select(['state', 'at', 'note']).where('transfer_id', '=', transferId).orderBy('id').execute();
}

// ------------------------------------------------------------------ helpers

/** A FOA address as the requesting reseller sees it: another reseller's contact data stays hidden, as behind whois privacy. */
function shownEmail(t: TransferRow, email: string | null): string {
  if (!email) return '-';
  return t.losing_account_id !== null ? REDACTED : email;
}

function normalName(domain: string): string {
  return domain.trim().replace(/\.$/, '').toLowerCase();
}

async function openTransfer(db: Executor, accountId: number, name: string): Promise<TransferRow | undefined> {
  return db.selectFrom('transfers_in').selectAll().where('account_id', '=', accountId).where('domain', '=', name).where('outcome', '=', 'open').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

async function openTransferOrFail(db: Executor, accountId: number, domain: string, forUpdate: boolean): Promise<TransferRow> {
  const name = normalName(domain);
  const found = await openTransfer(db, accountId, name);
  if (!found) throw new DmapiError('OBJECT_NOT_FOUND', `no transfer of ${name} in progress in this account`);
  return forUpdate ? (await lockedTransfer(db, found.id))! : found;
}

async function lockedTransfer(db: Executor, id: number): Promise<TransferRow | undefined> {
  let q = db.selectFrom('transfers_in').selectAll().where('id', '=', id);
  if (isPostgres(db)) q = q.forUpdate();
  return q.executeTakeFirst();
}

async function event(db: Executor, transferId: number, state: TransferState, at: number, note: string): Promise<void> {
  await db.insertInto('transfer_events').values({ transfer_id: transferId, state, at, note }).execute();
}

/** Moves an open transfer from the state it is in (checked) to `to`, with an event. */
async function move(db: Executor, now: number, t: TransferRow, to: TransferState, note: string, set: Updateable<TransfersInTable> = {}): Promise<TransferRow> {
  const res = await db.updateTable('transfers_in').set({ ...set, state: to, updated_at: now }).where('id', '=', t.id).where('state', '=', t.state).where('outcome', '=', 'open').executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new Error(`transfer ${t.id} of ${t.domain} is no longer in state ${t.state}`);
  await event(db, t.id, to, now, note);
  return { ...t, ...(set as Partial<TransferRow>), state: to, updated_at: now };
}

/** Ends an open transfer that did not complete: final state, money released, and (unless the worker does it) the result's nack. */
async function finish(ctx: TxContext, t: TransferRow, outcome: Exclude<TransferOutcome, 'open' | 'done'>, state: TransferState, reason: string, nack: boolean): Promise<void> {
  const { db, now } = ctx;
  const res = await db
    .updateTable('transfers_in')
    .set({ state, outcome, reason, auth_code: null, updated_at: now, completed_at: now })
    .where('id', '=', t.id)
    .where('outcome', '=', 'open')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return;
  if (state !== t.state) await event(db, t.id, state, now, reason);
  await releasePending(db, t.account_id, [t.transfer_order_id, t.privacy_order_id], now, `transfer of ${t.domain}: ${reason}`);
  if (t.losing_account_id !== null) {
    // The holder learns that the request is gone, not why (that is the gaining side's business).
    const out = await internalOutOf(db, t.id);
    if (out) await withdrawInternalOut(ctx, out, 'the request was withdrawn');
  }
  if (nack) await completeResult(db, t.result_id, { status: 'nack', object: t.domain, text: resultLines([['result_msg', reason], ['transfer_status', state]]) }, now);
}

