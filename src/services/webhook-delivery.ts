import type { AppDeps } from '../app-deps.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { wallClock } from '../core/clock.ts';
import { productVersion } from '../obs/version.ts';
import { eventJson } from './events.ts';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.ts';
import { WEBHOOK_DELIVER_JOB } from './webhook-queue.ts';

/** How long a receiver has to answer one POST. */
export const DELIVERY_TIMEOUT_MS = 10_000;

interface DeliveryJob {
  deliveryId: number;
}

/** A receiver that did not take the event (no answer, or not 2xx): the job queue tries again later. */
class DeliveryFailed extends Error {
  /** A receiver's fault, not the platform's: logged as a warning (jobs/worker.ts). */
  readonly expected = true;
}

type Prepared = { skip: true } | { skip: false };

/** The delivery with its event and endpoint; undefined when gone (the endpoint was deleted). */
function loadDelivery(deps: AppDeps, id: number) {
  return deps.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.status', 'w.url', 'w.secret', 'e.id as event_id', 'e.account_id', 'e.seq', 'e.type', 'e.object', 'e.proc_id', 'e.data', 'e.created_at'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/**
 * One POST of the event (outside any transaction). The attempt is logged at once, on its own,
 * so that the log keeps failed attempts too; a crash after the POST repeats it (at least once).
 */
async function post(deps: AppDeps, job: DeliveryJob): Promise<Prepared> {
  const d = await loadDelivery(deps, job.deliveryId);
  if (!d || d.status !== 'pending') return { skip: true };
  const body = JSON.stringify(eventJson({ id: d.event_id, account_id: d.account_id, seq: d.seq, type: d.type, object: d.object, proc_id: d.proc_id, data: d.data, created_at: d.created_at }));
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': `dmapid/${productVersion}`,
        // Real time, not the sandbox clock: the receiver compares it with its own.
        [SIGNATURE_HEADER]: signatureHeader(d.secret, body, wallClock.now()),
        'Dmapid-Event': d.type,
        'Dmapid-Delivery': String(d.id),
      },
    });
    statusCode = res.status;
    await res.body?.cancel().catch(() => {});
    if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    error = (cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))).slice(0, 200);
  }
  const durationMs = Math.round(performance.now() - started);
  await deps.db.insertInto('webhook_attempts').values({ delivery_id: d.id, at: deps.clock.now(), status_code: statusCode, error, duration_ms: durationMs }).execute();
  await deps.db.updateTable('webhook_deliveries').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', d.id).execute();
  if (error !== null) throw new DeliveryFailed(`webhook delivery ${d.id} to ${d.url}: ${error}`);
  return { skip: false };
}

const deliver: JobHandler = async (ctx, job: DeliveryJob) => {
  if ((ctx.prepared as Prepared).skip) return;
  await ctx.db.updateTable('webhook_deliveries').set({ status: 'delivered', finished_at: ctx.now }).where('id', '=', job.deliveryId).where('status', '=', 'pending').execute();
};
deliver.outside = (deps, job: DeliveryJob) => post(deps, job);
// The last attempt failed: the endpoint's next delivery may go; this one can be sent again with webhook-redeliver.
deliver.failed = async (ctx, job: DeliveryJob) => {
  await ctx.db.updateTable('webhook_deliveries').set({ status: 'failed', finished_at: ctx.now }).where('id', '=', job.deliveryId).where('status', '=', 'pending').execute();
};

export const webhookJobHandlers: Array<[string, JobHandler]> = [[WEBHOOK_DELIVER_JOB, deliver]];
