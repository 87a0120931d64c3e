import { createHash } from 'node:crypto';
import type { Executor } from '../db/database.ts';
import type { RawParams } from '../dmapi/command.ts';
import type { HeaderList } from '../dmapi/reply.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { DAY } from '../core/clock.ts';

/** How long a key answers with its first reply (then it is purged and may be used again). */
export const IDEMPOTENCY_WINDOW_MS = DAY;

/** What a keyed request answered: enough to answer the same again. */
export interface StoredReply {
  headers?: HeaderList;
  body?: string;
  procId?: number;
  balance?: string;
}

/** Parameters that do not make two requests different: the credentials, the key itself. */
const notCompared = new Set(['auth-sid', 'api-key', 'username', 'password', 'idempotency-key']);

/** The key a request carries (`idempotency-key`, or the `Idempotency-Key` HTTP header), checked. */
export function idempotencyKeyOf(raw: RawParams, header: string | undefined): string | undefined {
  const key = raw['idempotency-key'] ?? header;
  if (key === undefined || key === '') return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new DmapiError('PARAM_SYNTAX', "invalid 'idempotency-key' (1 to 255 printable ASCII characters without spaces)");
  return key;
}

export function fingerprint(request: string, raw: RawParams): string {
  const fields = Object.keys(raw).filter((k) => !notCompared.has(k)).sort().map((k) => [k, raw[k]]);
  return createHash('sha256').update(JSON.stringify([request, fields])).digest('hex');
}

/**
 * Claims `key` for this request inside its transaction, or returns the reply a first request with
 * the key got. Two requests with one key at once: on PostgreSQL the second insert waits for the
 * first transaction and then finds its row; SQLite runs writers one at a time. A first request that
 * failed rolled its claim back, so a retry runs anew. The same key with other parameters is refused.
 */
export async function claimKey(db: Executor, o: { accountId: number; key: string; request: string; fingerprint: string; now: number }): Promise<StoredReply | undefined> {
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({ account_id: o.accountId, key: o.key, request: o.request, fingerprint: o.fingerprint, reply: '', created_at: o.now })
    .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (claimed) return undefined;
  const prior = await db.selectFrom('idempotency_keys').selectAll().where('account_id', '=', o.accountId).where('key', '=', o.key).executeTakeFirstOrThrow();
  if (prior.request !== o.request || prior.fingerprint !== o.fingerprint) {
    throw new DmapiError('PARAM_POLICY', `invalid 'idempotency-key' (${o.key} was used within the last 24 hours for a ${prior.request} with other parameters; use a new key)`);
  }
  return JSON.parse(prior.reply) as StoredReply;
}

/** Keeps the reply of the request that claimed `key` (same transaction as its effect). */
export async function storeReply(db: Executor, accountId: number, key: string, reply: StoredReply): Promise<void> {
  await db.updateTable('idempotency_keys').set({ reply: JSON.stringify(reply) }).where('account_id', '=', accountId).where('key', '=', key).execute();
}

/** Forgets keys older than the window (a periodic task). */
export async function purgeKeys(db: Executor, now: number): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', now - IDEMPOTENCY_WINDOW_MS).executeTakeFirst();
  return Number(r.numDeletedRows);
}
