import type { AppDeps } from '../app-deps.ts';
import type { JobHandler } from '../jobs/worker.ts';
import {
  cancelAtRegistry,
  completeTransferIn,
  registryCancelFailed,
  registryRequestFailed,
  runTransfers,
  sendRegistryRequest,
  settleInternalTransfer,
  TRANSFER_CANCEL_JOB,
  TRANSFER_COMPLETE_JOB,
  TRANSFER_REQUEST_JOB,
} from './transfers.ts';
import { performTransferOutAnswer, runTransfersOut, transferInOf, TRANSFER_OUT_ANSWER_JOB } from './transfer-out.ts';
import { COR_APPLY_JOB, failOwnerChange, ownerChangeAtRegistry, performOwnerChangeJob, runOwnerChangeDeadlines } from './owner-change.ts';

/**
 * The worker's part of transfers and changes of registrant: one job kind per step that talks to the
 * registry (registered in jobs/handlers.ts), and the periodic task (jobs/tasks.ts).
 */
const applyOwnerChange: JobHandler = (ctx, p: { id: number }) => performOwnerChangeJob(ctx, p.id, ctx.prepared as string | undefined);
applyOwnerChange.outside = (deps, p: { id: number }, o) => ownerChangeAtRegistry(deps, p.id, o);
// Its writes were rolled back: the change ends failed and the domain-owner-change result says why.
applyOwnerChange.failed = (ctx, p: { id: number }, reason) => failOwnerChange(ctx, p.id, reason, true);

const registryRequest: JobHandler = (ctx, p: { transferId: number }) => sendRegistryRequest(ctx, p.transferId);
registryRequest.failed = (ctx, p: { transferId: number }, reason) => registryRequestFailed(ctx, p.transferId, reason);
const registryCancel: JobHandler = (ctx, p: { transferId: number }) => cancelAtRegistry(ctx, p.transferId);
registryCancel.failed = (ctx, p: { transferId: number }, reason) => registryCancelFailed(ctx, p.transferId, reason);

// A transfer away within the platform has no registry to tell: the gaining side's transfer takes the answer.
const outAnswer: JobHandler = async (ctx, p: { id: number }) => {
  const transferIn = await transferInOf(ctx.db, p.id);
  return transferIn !== null ? settleInternalTransfer(ctx, transferIn) : performTransferOutAnswer(ctx, p.id);
};

export const transferJobHandlers: Array<[string, JobHandler]> = [
  [TRANSFER_REQUEST_JOB, registryRequest],
  // Should it fail for good the transfer stays in DOMAIN_WITH_JOKER_PENDING_COMPLETE, the seeds' "manual work is necessary".
  [TRANSFER_COMPLETE_JOB, (ctx, p: { transferId: number }) => completeTransferIn(ctx, p.transferId)],
  [TRANSFER_CANCEL_JOB, registryCancel],
  [TRANSFER_OUT_ANSWER_JOB, outAnswer],
  [COR_APPLY_JOB, applyOwnerChange],
];

/** The periodic step: transfers in, transfers out, change-of-registrant deadlines. */
export async function runTransferTasks(deps: AppDeps, now: number): Promise<void> {
  await runTransfers(deps, now);
  await runTransfersOut(deps, now);
  await runOwnerChangeDeadlines(deps, now);
}
