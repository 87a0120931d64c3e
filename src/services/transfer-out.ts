import type { Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { keyHash } from './answer-keys.ts';
import type { Db, Executor } from '../db/database.ts';
import type { TransferOutState, TransfersOutTable } from '../db/schema.ts';
import { isoDate } from '../core/dates.ts';
import { trackingId } from '../core/ids.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { enqueue } from '../jobs/queue.ts';
import type { OutsideContext } from '../jobs/worker.ts';
import { queueMail } from '../mail/outbox.ts';
import { answerUrl } from '../mail/links.ts';
import { isPlainAddress } from '../mail/address.ts';
import { transferOutRequestMail, transferOutResultMail } from '../mail/templates.ts';
import { registryOf, simulatorOf, RegistryError } from '../registry/index.ts';
import type { TransferInfo } from '../registry/port.ts';
import { completeResult, openResult, setResultObject } from './results.ts';
import { isPostgres, normalizeDomainName, requireDomain } from './domain-access.ts';
import { lockNames, resultLines } from './domains.ts';
import { corLockUntil } from './owner-change.ts';

/**
 * Transfers out: a foreign registrar asks the registry for one of the platform's domains with its
 * auth code. The registry refuses at once what cannot move (locked: clientTransferProhibited or a
 * registry lock; wrong code; inside the 60 days after create or transfer). This platform, as the
 * losing registrar, refuses at once a domain under the IRTP-C lock of a recent change of
 * registrant. Anything else waits: the reseller is mailed a link to approve or reject, may do the
 * same with domain-transfer-control action=approve-out|reject-out, and without an answer the
 * registry lets the domain go after its 5 days. Then the domain leaves the account.
 *
 * The reseller sees each transfer away as a `domain-transfer-out` result: pending while it waits,
 * ack when the domain left, nack when it was rejected or withdrawn.
 *
 * Another reseller of this platform asking for the domain (internal-transfer.ts) makes the same
 * row, with `transfer_in_id` naming its transfer-in: the reseller is asked and answers the same
 * way, but no registry is involved, so that transfer-in's steps (transfers.ts) settle the row.
 */

export type TransferOutRow = Selectable<TransfersOutTable>;

/** The answer-page kind of the reseller's approve/reject link. */
export const TRANSFER_OUT_PAGE = 'transfer-out';
export const TRANSFER_OUT_ANSWER_JOB = 'transfer-out-answer';
/** The request type of the reseller's result row. */
export const TRANSFER_OUT_RESULT = 'domain-transfer-out';

export interface OutContext {
  readonly db: Executor;
  readonly now: number;
  readonly deps: Pick<AppDeps, 'config' | 'tlds' | 'dialect' | 'keys'>;
}

/** The open states of a transfer away: waiting, or answered and waiting for the worker. */
export const openOutStates: readonly TransferOutState[] = ['pending', 'approving', 'rejecting'];

/** How the reseller reads the gaining side: the foreign registrar, or (within this platform) no one by name. */
export function gainingLabel(row: Pick<TransferOutRow, 'gaining' | 'transfer_in_id'>): string {
  return row.transfer_in_id !== null ? 'another account of this registrar' : row.gaining;
}

export type TransferOutRequestOutcome = { state: 'pending'; actBy: number; id: number } | { state: 'rejected'; reason: string; id: number };

/**
 * A foreign (simulated) registrar requests `domain` (the sandbox's `dmapid registry transfer-out`);
 * registry refusals come out as RegistryError. The rest is `takeTransferOut`'s.
 */
export async function requestTransferOut(ctx: { readonly db: Db; readonly now: number; readonly deps: OutContext['deps'] }, p: { domain: string; gaining: string; authCode?: string | undefined }): Promise<TransferOutRequestOutcome> {
  const { db, now, deps } = ctx;
  if (db.isTransaction) throw new Error('requestTransferOut opens its own transactions; call it with the database');
  const sim = simulatorOf(deps);
  const name = normalizeDomainName(p.domain);
  if (p.gaining === sim.registrarId) throw new Error(`${p.gaining} is this platform; name another registrar`);
  const known = await db.selectFrom('registry_registrars').select('id').where('id', '=', p.gaining).executeTakeFirst();
  if (!known) throw new Error(`registrar ${p.gaining} does not exist (dmapid registry registrars)`);
  const d = await db.selectFrom('domains').select('id').where('name', '=', name).executeTakeFirst();
  if (!d) throw new Error(`${name} is not a domain of this platform`);
  const t = await sim.openAs(p.gaining, db, now).requestTransfer(name, p.authCode);
  return (await takeTransferOut(ctx, t))!;
}

/**
 * The registry tells of a pending transfer away (`info`: the sandbox's request above, or a poll
 * message of a real registry, registry-messages.ts). This platform, as the losing registrar,
 * rejects at once a domain under the IRTP-C lock of a recent change of registrant, or one being
 * moved to another account; anything else waits for the reseller's answer. The registry steps run
 * before the transaction that records the transfer away, so `ctx.db` is the database, not a
 * transaction. Undefined when the name is in no account.
 */
export async function takeTransferOut(ctx: { readonly db: Db; readonly now: number; readonly deps: OutContext['deps'] }, info: TransferInfo): Promise<TransferOutRequestOutcome | undefined> {
  const { db, now, deps } = ctx;
  if (db.isTransaction) throw new Error('takeTransferOut opens its own transaction; call it with the database');
  const name = info.name;
  const d = await db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst();
  if (!d) return undefined;
  const lock = await corLockUntil(db, d.id, now);
  // IRTP-C: the losing registrar must deny a transfer inside the lock after a change of registrant;
  // and one move at a time: a transfer to another account of this registrar is under way.
  const reason =
    lock !== null
      ? `the registrant changed recently: ${name} is locked against transfers until ${isoDate(lock)} (IRTP-C)`
      : (await openInternalOut(db, name))
        ? `${name} is being transferred to another account of this registrar`
        : undefined;
  if (reason) await registryOf(deps).open(db, now).rejectTransfer(name);
  return db.transaction().execute(async (trx): Promise<TransferOutRequestOutcome> => {
    const tx = { db: trx, now, deps };
    await lockNames(trx, [`domain:${name}`]);
    const { out, key } = await recordTransferOut(tx, { accountId: d.account_id, domain: name, gaining: info.gaining, actBy: info.actBy, transferInId: null, requestedAt: info.requestedAt });
    if (reason) {
      await endOut(tx, out, 'rejected', reason, 'nack');
      return { state: 'rejected', reason, id: out.id };
    }
    await mailTransferOutRequest(tx, out, key);
    return { state: 'pending', actBy: info.actBy, id: out.id };
  });
}

/**
 * Another reseller of this platform asks for `domain` (internal-transfer.ts): the holding account
 * gets the transfer away to answer, as from a foreign registrar. Returns the row.
 */
export async function requestInternalTransferOut(ctx: OutContext, p: { domain: string; accountId: number; transferInId: number; actBy: number }): Promise<TransferOutRow> {
  const { out, key } = await recordTransferOut(ctx, { accountId: p.accountId, domain: p.domain, gaining: registryOf(ctx.deps).registrarId, actBy: p.actBy, transferInId: p.transferInId });
  await mailTransferOutRequest(ctx, out, key);
  return out;
}

/**
 * The row and the reseller's `domain-transfer-out` result, pending. The answer key is mailed once
 * and never shown again, so only its hash is stored.
 */
async function recordTransferOut(ctx: OutContext, p: { accountId: number; domain: string; gaining: string; actBy: number; transferInId: number | null; requestedAt?: number }): Promise<{ out: TransferOutRow; key: string }> {
  const { db, now } = ctx;
  const resultId = await openResult(db, { accountId: p.accountId, svtrid: trackingId(now), cltrid: null, requestType: TRANSFER_OUT_RESULT, now });
  await setResultObject(db, resultId, p.domain);
  const { key, hash } = ctx.deps.keys.issue('transfer-out');
  const out = await db
    .insertInto('transfers_out')
    .values({ account_id: p.accountId, result_id: resultId, domain: p.domain, gaining: p.gaining, state: 'pending', reason: null, answer_key: hash, requested_at: p.requestedAt ?? now, act_by: p.actBy, answered_at: null, completed_at: null, transfer_in_id: p.transferInId })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { out, key };
}

async function mailTransferOutRequest(ctx: OutContext, out: TransferOutRow, key: string): Promise<void> {
  const { db, deps } = ctx;
  const account = await db.selectFrom('accounts').select('email').where('id', '=', out.account_id).executeTakeFirstOrThrow();
  if (!isPlainAddress(account.email)) return;
  const link = answerUrl(deps.config, TRANSFER_OUT_PAGE, key);
  const mail = transferOutRequestMail({ domain: out.domain, gaining: out.gaining, internal: out.transfer_in_id !== null, actBy: out.act_by, link, publicUrl: deps.config.publicUrl });
  await queueMail(ctx, { to: account.email, kind: 'transfer-out-request', ...mail, accountId: out.account_id, object: out.domain });
}

/** The open transfer of `domain` to another account of this platform, if any (`except` leaves one row out). */
export async function openInternalOut(db: Executor, domain: string, except?: number): Promise<TransferOutRow | undefined> {
  let q = db.selectFrom('transfers_out').selectAll().where('domain', '=', domain).where('transfer_in_id', 'is not', null).where('state', 'in', openOutStates);
  if (except !== undefined) q = q.where('id', '!=', except);
  return q.orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The transfer away a transfer-in within the platform asked for, locked. */
export async function internalOutOf(db: Executor, transferInId: number): Promise<TransferOutRow | undefined> {
  const row = await db.selectFrom('transfers_out').select('id').where('transfer_in_id', '=', transferInId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? lockedOut(db, row.id) : undefined;
}

/** The transfer-in behind a transfer away, when another account of this platform asked for it. */
export async function transferInOf(db: Executor, outId: number): Promise<number | null> {
  const row = await db.selectFrom('transfers_out').select('transfer_in_id').where('id', '=', outId).executeTakeFirst();
  return row?.transfer_in_id ?? null;
}

/** The domain left for the gaining account, or the holder (or the IRTP-C lock) rejected the request. */
export async function endInternalOut(ctx: OutContext, row: TransferOutRow, outcome: { state: 'transferred' | 'rejected'; reason: string }): Promise<void> {
  if (!openOutStates.includes(row.state)) return;
  await endOut(ctx, row, outcome.state, outcome.reason, outcome.state === 'transferred' ? 'ack' : 'nack');
}

/** The gaining side's transfer ended without the domain: the internal transfer away is withdrawn (no mail: nothing changes for the holder). */
export async function withdrawInternalOut(ctx: { readonly db: Executor; readonly now: number }, row: TransferOutRow, reason: string): Promise<void> {
  if (openOutStates.includes(row.state)) await closeOut(ctx.db, ctx.now, row, 'cancelled', reason, 'nack');
}

/** Marks a waiting internal transfer away as approved (the decision is made; the domain moves next). */
export async function markInternalOutApproved(db: Executor, row: TransferOutRow): Promise<void> {
  if (row.state !== 'approving') await db.updateTable('transfers_out').set({ state: 'approving' }).where('id', '=', row.id).where('state', 'in', openOutStates).execute();
}

export type OutAnswerOutcome = { outcome: 'approving' | 'rejecting'; domain: string; gaining: string } | { outcome: 'unknown' } | { outcome: 'closed'; domain: string; state: TransferOutState };

/** The reseller's answer (answer page by key, or DMAPI by domain): the worker tells the registry. */
export async function answerTransferOut(ctx: { readonly db: Executor; readonly now: number }, by: { key: string } | { accountId: number; domain: string }, answer: 'approve' | 'reject'): Promise<OutAnswerOutcome> {
  const { db, now } = ctx;
  let q = db.selectFrom('transfers_out').selectAll();
  q = 'key' in by ? q.where('answer_key', '=', keyHash(by.key)) : q.where('account_id', '=', by.accountId).where('domain', '=', normalizeDomainName(by.domain));
  const found = await q.orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!found) return { outcome: 'unknown' };
  const row = (await lockedOut(db, found.id))!;
  if (row.state !== 'pending') return { outcome: 'closed', domain: row.domain, state: row.state };
  const state = answer === 'approve' ? 'approving' : 'rejecting';
  await db.updateTable('transfers_out').set({ state, answered_at: now }).where('id', '=', row.id).where('state', '=', 'pending').execute();
  await enqueue(db, now, TRANSFER_OUT_ANSWER_JOB, { id: row.id }, { accountId: row.account_id, objectKey: `domain:${row.domain}` });
  return { outcome: state, domain: row.domain, gaining: gainingLabel(row) };
}

/** domain-transfer-control action=approve-out|reject-out: the account must manage the domain. */
export async function answerTransferOutByDomain(ctx: OutContext & { readonly account: { readonly id: number } }, domain: string, answer: 'approve' | 'reject'): Promise<string> {
  const { domain: d } = await requireDomain(ctx, domain, 'manage');
  const out = await answerTransferOut(ctx, { accountId: d.account_id, domain: d.name }, answer);
  if (out.outcome === 'unknown') throw new DmapiError('OBJECT_NOT_FOUND', `no transfer of ${d.name} to another registrar was requested`);
  if (out.outcome === 'closed') throw new DmapiError('STATUS_PROHIBITS', `the transfer of ${d.name} to another registrar is ${out.state} already`);
  return out.outcome === 'approving' ? `${d.name} is released to ${out.gaining}` : `the transfer of ${d.name} to ${out.gaining} is rejected`;
}

/** What the registry said of a transfer away after this platform's answer (undefined: it knows none). */
export interface OutAnswerAtRegistry {
  info: TransferInfo | undefined;
}

/**
 * The answer job's outside step: the reseller's answer, given to the registry as the losing
 * registrar, and the transfer's status after it. Repeating it is harmless: a second answer is
 * refused (the registry decided already) and the status says what was decided.
 */
export async function outAnswerAtRegistry(deps: AppDeps, id: number, o: OutsideContext): Promise<OutAnswerAtRegistry | undefined> {
  const row = await deps.db.selectFrom('transfers_out').selectAll().where('id', '=', id).executeTakeFirst();
  // Within the platform no registry decides: the transfer-in's step does (transfer-jobs.ts).
  if (!row || row.transfer_in_id !== null || (row.state !== 'approving' && row.state !== 'rejecting')) return undefined;
  const registry = registryOf(deps).open(deps.db, o.now);
  try {
    if (row.state === 'approving') await registry.approveTransfer(row.domain);
    else await registry.rejectTransfer(row.domain);
  } catch (err) {
    // The registry decided first (its deadline, or the gaining side withdrew): that decision stands.
    if (!(err instanceof RegistryError)) throw err;
  }
  return { info: await registry.queryTransfer(row.domain).catch(() => undefined) };
}

/** The answer job's transaction: the registry's decision (outAnswerAtRegistry) applied to the account. */
export async function performTransferOutAnswer(ctx: OutContext, id: number, answer: OutAnswerAtRegistry | undefined): Promise<void> {
  const row = await lockedOut(ctx.db, id);
  if (!row || row.transfer_in_id !== null || (row.state !== 'approving' && row.state !== 'rejecting')) return;
  await lockNames(ctx.db, [`domain:${row.domain}`]);
  if (!answer) throw new Error(`the answer about ${row.domain} was not given to the registry; it is retried`);
  await settleOut(ctx, row, answer.info, row.state === 'rejecting' ? 'rejected by the reseller' : undefined);
}

/** The scheduler's step: every waiting transfer away, against the registry (its 5-day approval included), asked before each one's transaction. */
export async function runTransfersOut(deps: AppDeps, now: number): Promise<{ transferred: string[]; ended: string[] }> {
  // Answered ones too: should the answer's job have failed for good, the registry's deadline still ends them.
  // Transfers to another account of this platform are settled by their transfer-in's step.
  const waiting = await deps.db.selectFrom('transfers_out').select(['id', 'domain']).where('state', 'in', openOutStates).where('transfer_in_id', 'is', null).orderBy('act_by').limit(500).execute();
  const transferred: string[] = [];
  const ended: string[] = [];
  for (const w of waiting) {
    try {
      const info = await registryOf(deps).open(deps.db, now).queryTransfer(w.domain).catch(() => undefined);
      const state = await deps.db.transaction().execute(async (db) => {
        const row = await lockedOut(db, w.id);
        if (!row || !openOutStates.includes(row.state)) return undefined;
        return settleOut({ db, now, deps }, row, info);
      });
      if (state === 'transferred') transferred.push(w.domain);
      else if (state && state !== 'pending') ended.push(w.domain);
    } catch (err) {
      deps.log.error({ err, domain: w.domain }, 'transfer-out step failed');
    }
  }
  return { transferred, ended };
}

/** Applies the registry's view: still pending, gone (the domain leaves the account), rejected, withdrawn. */
async function settleOut(ctx: OutContext, row: TransferOutRow, info: TransferInfo | undefined, rejectReason?: string): Promise<TransferOutState> {
  const mine = info && info.gaining === row.gaining && info.requestedAt >= row.requested_at;
  if (!mine) {
    await endOut(ctx, row, 'cancelled', 'the registry no longer knows the transfer', 'nack');
    return 'cancelled';
  }
  switch (info.status) {
    case 'pending':
      return 'pending';
    case 'clientApproved':
    case 'serverApproved':
      await leaveAccount(ctx, row, info.status === 'serverApproved' ? `no answer by ${isoDate(row.act_by)}: the registry approved it` : 'approved');
      return 'transferred';
    case 'clientRejected':
      await endOut(ctx, row, 'rejected', rejectReason ?? 'rejected by this registrar', 'nack');
      return 'rejected';
    case 'clientCancelled':
    case 'serverCancelled':
      await endOut(ctx, row, 'cancelled', info.status === 'clientCancelled' ? `${row.gaining} withdrew the request` : 'the registry cancelled it', 'nack');
      return 'cancelled';
  }
}

/** The domain went to the gaining registrar: it leaves the account with its zone, delegation, grants and hosts. */
async function leaveAccount(ctx: OutContext, row: TransferOutRow, how: string): Promise<void> {
  const { db } = ctx;
  // By name: the domain may have moved to another account (@creator) while the transfer waited.
  const d = await db.selectFrom('domains').select(['id', 'account_id']).where('name', '=', row.domain).executeTakeFirst();
  if (d) {
    await db.deleteFrom('hosts').where('account_id', '=', d.account_id).where('name', 'like', `%.${row.domain}`).execute();
    // Zone, delegation, grants, verifications and owner changes go with the row (ON DELETE CASCADE).
    await db.deleteFrom('domains').where('id', '=', d.id).execute();
  }
  await endOut(ctx, row, 'transferred', `${row.domain} was transferred to ${row.gaining} (${how})`, 'ack');
}

/** The row's final state and its result. */
async function closeOut(db: Executor, now: number, row: TransferOutRow, state: TransferOutState, reason: string, status: 'ack' | 'nack'): Promise<void> {
  await db.updateTable('transfers_out').set({ state, reason, completed_at: now }).where('id', '=', row.id).execute();
  if (row.result_id !== null) await completeResult(db, row.result_id, { status, object: row.domain, text: resultLines([['result_msg', reason], ['gaining_registrar', row.gaining]]) }, now);
}

async function endOut(ctx: OutContext, row: TransferOutRow, state: TransferOutState, reason: string, status: 'ack' | 'nack'): Promise<void> {
  const { db, now, deps } = ctx;
  await closeOut(db, now, row, state, reason, status);
  // The reseller hears of the outcomes it did not cause itself.
  if (state === 'transferred' || (state === 'rejected' && row.state === 'pending')) {
    const account = await db.selectFrom('accounts').select('email').where('id', '=', row.account_id).executeTakeFirst();
    if (account && isPlainAddress(account.email)) {
      const mail = transferOutResultMail({ domain: row.domain, gaining: gainingLabel(row), outcome: state, reason, publicUrl: deps.config.publicUrl });
      await queueMail(ctx, { to: account.email, kind: `transfer-out-${state}`, ...mail, accountId: row.account_id, object: row.domain });
    }
  }
}

/** What the reseller's answer page shows. */
export async function describeTransferOut(db: Executor, key: string): Promise<TransferOutRow | undefined> {
  return db.selectFrom('transfers_out').selectAll().where('answer_key', '=', keyHash(key)).executeTakeFirst();
}

/** The transfers away of an account (for action=list-out). */
export async function listTransfersOut(db: Executor, accountId: number): Promise<string[]> {
  const rows = await db.selectFrom('transfers_out').selectAll().where('account_id', '=', accountId).where('state', 'in', openOutStates).orderBy('requested_at').orderBy('id').execute();
  return rows.map((r) => [r.domain, r.state, r.gaining, isoDate(r.act_by)].join('\t'));
}

async function lockedOut(db: Executor, id: number): Promise<TransferOutRow | undefined> {
  let q = db.selectFrom('transfers_out').selectAll().where('id', '=', id);
  if (isPostgres(db)) q = q.forUpdate();
  return q.executeTakeFirst();
}
