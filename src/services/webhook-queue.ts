import type { Executor } from '../db/database.ts';
import { enqueue } from '../jobs/queue.ts';

export const WEBHOOK_DELIVER_JOB = 'webhook-deliver';

/**
 * Attempts per delivery: with the queue's backoff (5 s doubling, at most an hour between
 * attempts; jobs/queue.ts retryLater) the last one is about ten hours after the first.
 */
export const DELIVERY_ATTEMPTS = 20;

/** The job key of an endpoint: its deliveries run one at a time, in the order they were queued. */
export const endpointKey = (webhookId: number) => `webhook:${webhookId}`;

/**
 * Queues the delivery of event `eventId` to each endpoint in `webhookIds` (default: every
 * endpoint of the account), in the caller's transaction: the delivery exists exactly when the
 * event does. Returns the new delivery ids.
 */
export async function queueDeliveries(db: Executor, r: { accountId: number; eventId: number; now: number; webhookIds?: readonly number[] }): Promise<number[]> {
  let ids = r.webhookIds;
  if (!ids) {
    const rows = await db.selectFrom('webhooks').select('id').where('account_id', '=', r.accountId).orderBy('id').execute();
    ids = rows.map((w) => w.id);
  }
  const out: number[] = [];
  for (const webhookId of ids) {
    const { id } = await db
      .insertInto('webhook_deliveries')
      .values({ webhook_id: webhookId, account_id: r.accountId, event_id: r.eventId, status: 'pending', attempts: 0, created_at: r.now, finished_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await enqueue(db, r.now, WEBHOOK_DELIVER_JOB, { deliveryId: id }, { accountId: r.accountId, objectKey: endpointKey(webhookId), maxAttempts: DELIVERY_ATTEMPTS });
    out.push(id);
  }
  return out;
}
