import type { Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { Executor } from '../db/database.ts';
import type { TransferOutState, TransfersOutTable } from '../db/schema.ts';
import { isoDate } from '../core/dates.ts';
import { randomToken, trackingId } from '../core/ids.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { enqueue } from '../jobs/queue.ts';
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
  readonly deps: Pick<AppDeps, 'config' | 'tlds' | 'dialect'>;
}

export type TransferOutRequestOutcome = { state: 'pending'; actBy: number; id: number } | { state: 'rejected'; reason: string; id: number };

/**
 * A foreign (simulated) registrar requests `domain` (the sandbox's `dmapid registry transfer-out`).
 * Registry refusals come out as RegistryError; a COR-locked domain is rejected at once.
 */
export async function requestTransferOut(ctx: OutContext, p: { domain: string; gaining: string; authCode?: string | undefined }): Promise<TransferOutRequestOutcome> {
  const { db, now, deps } = ctx;
  const sim = simulatorOf(deps);
  const name = normalizeDomainName(p.domain);
  if (p.gaining === sim.registrarId) throw new Error(`${p.gaining} is this platform; name another registrar`);
  const known = await db.selectFrom('registry_registrars').select('id').where('id', '=', p.gaining).executeTakeFirst();
  if (!known) throw new Error(`registrar ${p.gaining} does not exist (dmapid registry registrars)`);
  const d = await db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst();
  if (!d) throw new Error(`${name} is not a domain of this platform`);
  await lockNames(db, [`domain:${name}`]);
  const t = await sim.openAs(p.gaining, db, now).requestTransfer(name, p.authCode);
  const row = await db
    .insertInto('transfers_out')
    .values({ account_id: d.account_id, result_id: null, domain: name, gaining: p.gaining, state: 'pending', reason: null, answer_key: randomToken(16), requested_at: now, act_by: t.actBy, answered_at: null, completed_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  const resultId = await openResult(db, { accountId: d.account_id, svtrid: trackingId(now), cltrid: null, requestType: TRANSFER_OUT_RESULT, now });
  await setResultObject(db, resultId, name);
  await db.updateTable('transfers_out').set({ result_id: resultId }).where('id', '=', row.id).execute();
  const out = { ...row, result_id: resultId };

  const lock = await corLockUntil(db, d.id, now);
  if (lock !== null) {
    // IRTP-C: the losing registrar must deny a transfer inside the lock after a change of registrant.
    const reason = `the registrant changed recently: ${name} is locked against transfers until ${isoDate(lock)} (IRTP-C)`;
    await sim.open(db, now).rejectTransfer(name);
    await endOut(ctx, out, 'rejected', reason, 'nack');
    return { state: 'rejected', reason, id: row.id };
  }
  const account = await db.selectFrom('accounts').select('email').where('id', '=', d.account_id).executeTakeFirstOrThrow();
  if (isPlainAddress(account.email)) {
    const mail = transferOutRequestMail({ domain: name, gaining: p.gaining, actBy: t.actBy, link: answerUrl(deps.config, TRANSFER_OUT_PAGE, row.answer_key), publicUrl: deps.config.publicUrl });
    await queueMail(ctx, { to: account.email, kind: 'transfer-out-request', ...mail, accountId: d.account_id, object: name });
  }
  return { state: 'pending', actBy: t.actBy, id: row.id };
}

export type OutAnswerOutcome = { outcome: 'approving' | 'rejecting'; domain: string; gaining: string } | { outcome: 'unknown' } | { outcome: 'closed'; domain: string; state: TransferOutState };

/** The reseller's answer (answer page by key, or DMAPI by domain): the worker tells the registry. */
export async function answerTransferOut(ctx: { readonly db: Executor; readonly now: number }, by: { key: string } | { accountId: number; domain: string }, answer: 'approve' | 'reject'): Promise<OutAnswerOutcome> {
  const { db, now } = ctx;
  let q = db.selectFrom('transfers_out').selectAll();
  q = 'key' in by ? q.where('answer_key', '=', by.key.trim()) : q.where('account_id', '=', by.accountId).where('domain', '=', normalizeDomainName(by.domain));
  const found = await q.orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!found) return { outcome: 'unknown' };
  const row = (await lockedOut(db, found.id))!;
  if (row.state !== 'pending') return { outcome: 'closed', domain: row.domain, state: row.state };
  const state = answer === 'approve' ? 'approving' : 'rejecting';
  await db.updateTable('transfers_out').set({ state, answered_at: now }).where('id', '=', row.id).where('state', '=', 'pending').execute();
  await enqueue(db, now, TRANSFER_OUT_ANSWER_JOB, { id: row.id }, { accountId: row.account_id });
  return { outcome: state, domain: row.domain, gaining: row.gaining };
}

/** domain-transfer-control action=approve-out|reject-out: the account must manage the domain. */
export async function answerTransferOutByDomain(ctx: OutContext & { readonly account: { readonly id: number } }, domain: string, answer: 'approve' | 'reject'): Promise<string> {
  const { domain: d } = await requireDomain(ctx, domain, 'manage');
  const out = await answerTransferOut(ctx, { accountId: d.account_id, domain: d.name }, answer);
  if (out.outcome === 'unknown') throw new DmapiError('OBJECT_NOT_FOUND', `no transfer of ${d.name} to another registrar was requested`);
  if (out.outcome === 'closed') throw new DmapiError('STATUS_PROHIBITS', `the transfer of ${d.name} to another registrar is ${out.state} already`);
  return out.outcome === 'approving' ? `${d.name} is released to ${out.gaining}` : `the transfer of ${d.name} to ${out.gaining} is rejected`;
}

/** The worker: the reseller's answer, given to the registry as the losing registrar. */
export async function performTransferOutAnswer(ctx: OutContext, id: number): Promise<void> {
  const { db, now, deps } = ctx;
  const row = await lockedOut(db, id);
  if (!row || (row.state !== 'approving' && row.state !== 'rejecting')) return;
  await lockNames(db, [`domain:${row.domain}`]);
  const registry = registryOf(deps).open(db, now);
  try {
    if (row.state === 'approving') await registry.approveTransfer(row.domain);
    else await registry.rejectTransfer(row.domain);
  } catch (err) {
    // The registry decided first (its deadline, or the gaining side withdrew): that decision stands.
    if (!(err instanceof RegistryError)) throw err;
  }
  const info = await registry.queryTransfer(row.domain).catch(() => undefined);
  await settleOut(ctx, row, info, row.state === 'rejecting' ? 'rejected by the reseller' : undefined);
}

/** The scheduler's step: every waiting transfer away, against the registry (its 5-day approval included). */
export async function runTransfersOut(deps: AppDeps, now: number): Promise<{ transferred: string[]; ended: string[] }> {
  // Answered ones too: should the answer's job have failed for good, the registry's deadline still ends them.
  const waiting = await deps.db.selectFrom('transfers_out').select(['id', 'domain']).where('state', 'in', ['pending', 'approving', 'rejecting']).orderBy('act_by').limit(500).execute();
  const transferred: string[] = [];
  const ended: string[] = [];
  for (const w of waiting) {
    try {
      const state = await deps.db.transaction().execute(async (db) => {
        const row = await lockedOut(db, w.id);
        if (!row || !(row.state === 'pending' || row.state === 'approving' || row.state === 'rejecting')) return undefined;
        const info = await registryOf(deps).open(db, now).queryTransfer(row.domain).catch(() => undefined);
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

async function endOut(ctx: OutContext, row: TransferOutRow, state: TransferOutState, reason: string, status: 'ack' | 'nack'): Promise<void> {
  const { db, now, deps } = ctx;
  await db.updateTable('transfers_out').set({ state, reason, completed_at: now }).where('id', '=', row.id).execute();
  if (row.result_id !== null) await completeResult(db, row.result_id, { status, object: row.domain, text: resultLines([['result_msg', reason], ['gaining_registrar', row.gaining]]) }, now);
  // The reseller hears of the outcomes it did not cause itself.
  if (state === 'transferred' || (state === 'rejected' && row.state === 'pending')) {
    const account = await db.selectFrom('accounts').select('email').where('id', '=', row.account_id).executeTakeFirst();
    if (account && isPlainAddress(account.email)) {
      const mail = transferOutResultMail({ domain: row.domain, gaining: row.gaining, outcome: state, reason, publicUrl: deps.config.publicUrl });
      await queueMail(ctx, { to: account.email, kind: `transfer-out-${state}`, ...mail, accountId: row.account_id, object: row.domain });
    }
  }
}

/** What the reseller's answer page shows. */
export async function describeTransferOut(db: Executor, key: string): Promise<TransferOutRow | undefined> {
  return db.selectFrom('transfers_out').selectAll().where('answer_key', '=', key.trim()).executeTakeFirst();
}

/** The transfers away of an account (for action=list-out). */
export async function listTransfersOut(db: Executor, accountId: number): Promise<string[]> {
  const rows = await db.selectFrom('transfers_out').selectAll().where('account_id', '=', accountId).where('state', 'in', ['pending', 'approving', 'rejecting']).orderBy('requested_at').execute();
  return rows.map((r) => [r.domain, r.state, r.gaining, isoDate(r.act_by)].join('\t'));
}

async function lockedOut(db: Executor, id: number): Promise<TransferOutRow | undefined> {
  let q = db.selectFrom('transfers_out').selectAll().where('id', '=', id);
  if (isPostgres(db)) q = q.forUpdate();
  return q.executeTakeFirst();
}
