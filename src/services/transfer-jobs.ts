import type { AppDeps } from '../app-deps.ts';
import type { JobHandler } from '../jobs/worker.ts';
import {
  arrivalAtRegistry,
  cancelAtRegistry,
  completeTransferIn,
  registryCancelFailed,
  registryRequestFailed,
  requestAtRegistry,
  runTransfers,
  sendRegistryRequest,
  settleCancel,
  settleInternalTransfer,
  TRANSFER_CANCEL_JOB,
  TRANSFER_COMPLETE_JOB,
  TRANSFER_REQUEST_JOB,
  type ArrivalAnswer,
  type CancelAnswer,
  type RequestAnswer,
} from './transfers.ts';
import { outAnswerAtRegistry, performTransferOutAnswer, runTransfersOut, transferInOf, TRANSFER_OUT_ANSWER_JOB, type OutAnswerAtRegistry } from './transfer-out.ts';
import { COR_APPLY_JOB, failOwnerChange, ownerChangeAtRegistry, performOwnerChangeJob, runOwnerChangeDeadlines } from './owner-change.ts';

/**
 * The worker's part of transfers and changes of registrant: one job kind per step that talks to the
 * registry (registered in jobs/handlers.ts), and the periodic task (jobs/tasks.ts). Each step's
 * registry calls are its `outside` part; the handler acts on their answer (`ctx.prepared`).
 */
const applyOwnerChange: JobHandler = (ctx, p: { id: number }) => performOwnerChangeJob(ctx, p.id, ctx.prepared as string | undefined);
applyOwnerChange.outside = (deps, p: { id: number }, o) => ownerChangeAtRegistry(deps, p.id, o);
// Its writes were rolled back: the change ends failed and the domain-owner-change result says why.
applyOwnerChange.failed = (ctx, p: { id: number }, reason) => failOwnerChange(ctx, p.id, reason, true);

type TransferJob = { transferId: number };

const registryRequest: JobHandler = (ctx, p: TransferJob) => sendRegistryRequest(ctx, p.transferId, ctx.prepared as RequestAnswer | undefined);
registryRequest.outside = (deps, p: TransferJob, o) => requestAtRegistry(deps, p.transferId, o);
registryRequest.failed = (ctx, p: TransferJob, reason) => registryRequestFailed(ctx, p.transferId, reason);

// Should it fail for good the transfer stays in DOMAIN_WITH_JOKER_PENDING_COMPLETE, the seeds' "manual work is necessary".
const complete: JobHandler = (ctx, p: TransferJob) => completeTransferIn(ctx, p.transferId, ctx.prepared as ArrivalAnswer | undefined);
complete.outside = (deps, p: TransferJob, o) => arrivalAtRegistry(deps, p.transferId, o);

const registryCancel: JobHandler = (ctx, p: TransferJob) => settleCancel(ctx, p.transferId, ctx.prepared as CancelAnswer | undefined);
registryCancel.outside = (deps, p: TransferJob, o) => cancelAtRegistry(deps, p.transferId, o);
registryCancel.failed = (ctx, p: TransferJob, reason) => registryCancelFailed(ctx, p.transferId, reason);

// A transfer away within the platform has no registry to tell: the gaining side's transfer takes the answer.
const outAnswer: JobHandler = async (ctx, p: { id: number }) => {
  const transferIn = await transferInOf(ctx.db, p.id);
  return transferIn !== null ? settleInternalTransfer(ctx, transferIn) : performTransferOutAnswer(ctx, p.id, ctx.prepared as OutAnswerAtRegistry | undefined);
};
outAnswer.outside = (deps, p: { id: number }, o) => outAnswerAtRegistry(deps, p.id, o);

export const transferJobHandlers: Array<[string, JobHandler]> = [
  [TRANSFER_REQUEST_JOB, registryRequest],
  [TRANSFER_COMPLETE_JOB, complete],
  [TRANSFER_CANCEL_JOB, registryCancel],
  [TRANSFER_OUT_ANSWER_JOB, outAnswer],
  [COR_APPLY_JOB, applyOwnerChange],
];

export async function runTransferTasks(deps: AppDeps, now: number): Promise<void> {
  await runTransfers(deps, now);
  await runTransfersOut(deps, now);
  await runOwnerChangeDeadlines(deps, now);
}
