import type { Executor } from '../db/database.ts';
import type { DeliveryStatus, WebhookRow } from '../db/schema.ts';
import { DmapiError, notFound } from '../dmapi/errors.ts';
import { randomToken } from '../core/ids.ts';
import { eventBySeq } from './events.ts';
import { queueDeliveries } from './webhook-queue.ts';

/** Endpoints an account may have at once. */
export const MAX_WEBHOOKS = 10;
export const MIN_SECRET = 16;

/** An http(s) URL without credentials in it; anything else is refused as PARAM_SYNTAX. */
export function checkWebhookUrl(input: string): string {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    throw new DmapiError('PARAM_SYNTAX', `invalid 'url' (not a URL)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new DmapiError('PARAM_SYNTAX', `invalid 'url' (only http and https URLs)`);
  if (u.username || u.password) throw new DmapiError('PARAM_SYNTAX', `invalid 'url' (no user or password in the URL; the signature authenticates)`);
  return u.toString();
}

export interface CreatedWebhook {
  row: WebhookRow;
  /** Set when dmapid made the secret: shown this once. */
  generatedSecret?: string;
}

/** Adds an endpoint; it receives the events written from now on. */
export async function createWebhook(db: Executor, r: { accountId: number; url: string; secret?: string | undefined; description?: string | undefined; now: number }): Promise<CreatedWebhook> {
  const url = checkWebhookUrl(r.url);
  if (r.secret !== undefined && r.secret.length < MIN_SECRET) throw new DmapiError('PARAM_RANGE', `invalid 'secret' (at least ${MIN_SECRET} characters)`);
  const { n } = await db.selectFrom('webhooks').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', r.accountId).executeTakeFirstOrThrow();
  if (Number(n) >= MAX_WEBHOOKS) throw new DmapiError('POLICY_VIOLATION', `at most ${MAX_WEBHOOKS} webhooks per account; delete one first`);
  const secret = r.secret ?? `whsec_${randomToken(24)}`;
  const row = await db
    .insertInto('webhooks')
    .values({ account_id: r.accountId, url, secret, description: r.description ?? '', created_at: r.now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, ...(r.secret === undefined ? { generatedSecret: secret } : {}) };
}

export function listWebhooks(db: Executor, accountId: number): Promise<Array<Omit<WebhookRow, 'secret'>>> {
  return db.selectFrom('webhooks').select(['id', 'account_id', 'url', 'description', 'created_at']).where('account_id', '=', accountId).orderBy('id').execute();
}

async function ownWebhook(db: Executor, accountId: number, id: number): Promise<{ id: number; url: string }> {
  const row = await db.selectFrom('webhooks').select(['id', 'url']).where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  if (!row) throw notFound(`webhook ${id}`);
  return row;
}

/** Removes an endpoint with its delivery log; its queued deliveries end without a POST. */
export async function deleteWebhook(db: Executor, accountId: number, id: number): Promise<string> {
  const row = await ownWebhook(db, accountId, id);
  await db.deleteFrom('webhooks').where('id', '=', id).execute();
  return row.url;
}

/** Queues event `seq` again, to one endpoint or to all; the new deliveries wait behind the ones queued. */
export async function redeliver(db: Executor, r: { accountId: number; seq: number; webhookId?: number | undefined; now: number }): Promise<number[]> {
  const event = await eventBySeq(db, r.accountId, r.seq);
  if (!event) throw notFound(`event ${r.seq}`);
  if (r.webhookId !== undefined) await ownWebhook(db, r.accountId, r.webhookId);
  const ids = await queueDeliveries(db, { accountId: r.accountId, eventId: event.id, now: r.now, ...(r.webhookId !== undefined ? { webhookIds: [r.webhookId] } : {}) });
  if (ids.length === 0) throw new DmapiError('OBJECT_NOT_FOUND', 'no webhook to deliver to');
  return ids;
}

export interface DeliveryLine {
  id: number;
  webhookId: number;
  seq: number;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  lastAt: number | null;
  lastCode: number | null;
  lastError: string | null;
}

/** The account's deliveries, newest first, each with its last attempt. */
export async function listDeliveries(db: Executor, r: { accountId: number; webhookId?: number | undefined; status?: DeliveryStatus | undefined; limit: number; offset: number }): Promise<DeliveryLine[]> {
  let q = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .leftJoin('webhook_attempts as a', (j) =>
      j.onRef('a.delivery_id', '=', 'd.id').on((eb) =>
        eb('a.id', '=', eb.selectFrom('webhook_attempts as l').select((s) => s.fn.max('l.id').as('m')).whereRef('l.delivery_id', '=', 'd.id')),
      ),
    )
    .select(['d.id', 'd.webhook_id', 'e.seq', 'e.type', 'd.status', 'd.attempts', 'd.created_at', 'a.at', 'a.status_code', 'a.error'])
    .where('d.account_id', '=', r.accountId);
  if (r.webhookId !== undefined) q = q.where('d.webhook_id', '=', r.webhookId);
  if (r.status !== undefined) q = q.where('d.status', '=', r.status);
  const rows = await q.orderBy('d.id', 'desc').limit(r.limit).offset(r.offset).execute();
  return rows.map((x) => ({ id: x.id, webhookId: x.webhook_id, seq: x.seq, type: x.type, status: x.status, attempts: x.attempts, createdAt: x.created_at, lastAt: x.at, lastCode: x.status_code, lastError: x.error }));
}

/** Every attempt of one of the account's deliveries, oldest first. */
export async function deliveryAttempts(db: Executor, accountId: number, deliveryId: number) {
  const d = await db.selectFrom('webhook_deliveries').select('id').where('id', '=', deliveryId).where('account_id', '=', accountId).executeTakeFirst();
  if (!d) throw notFound(`delivery ${deliveryId}`);
  return db.selectFrom('webhook_attempts').select(['id', 'at', 'status_code', 'error', 'duration_ms']).where('delivery_id', '=', deliveryId).orderBy('id').execute();
}
