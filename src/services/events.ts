import type { Executor } from '../db/database.ts';
import type { EventRow } from '../db/schema.ts';
import { isoSeconds } from '../core/dates.ts';
import { queueDeliveries } from './webhook-queue.ts';

/**
 * The event feed: one row per state change an integrator cares about, written in the
 * transaction of the change (rolled back with it), numbered 1, 2, 3 … per account. The number
 * comes from the account's event_counters row, incremented in the same transaction: on
 * PostgreSQL the row stays locked until the commit, so an account's events commit in the order
 * of their numbers (a reader never sees 7 before 6 is visible); SQLite has one writer anyway.
 */
export const eventTypes = [
  'result.completed',
  'domain.registered',
  'domain.renewed',
  'domain.expired',
  'domain.deleted',
  'domain.transferred-in',
  'domain.transferred-away',
  'domain.owner-changed',
  'zone.changed',
  'balance.low',
  'verification.due',
] as const;
export type EventType = (typeof eventTypes)[number];

export interface NewEvent {
  accountId: number;
  type: EventType;
  /** The domain (or handle, e-mail address) concerned; '' when none. */
  object: string;
  procId?: number | null;
  data?: Record<string, unknown>;
  now: number;
}

/** Takes the account's next event number (locking its counter row until the transaction ends). */
async function nextSeq(db: Executor, accountId: number): Promise<number> {
  const row = await db
    .insertInto('event_counters')
    .values({ account_id: accountId, last_seq: 1 })
    .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({ last_seq: eb('event_counters.last_seq', '+', 1) })))
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return Number(row.last_seq);
}

/** Writes the event and queues its webhook deliveries; call it with the change's transaction. Returns its number. */
export async function recordEvent(db: Executor, e: NewEvent): Promise<number> {
  const write = async (tx: Executor) => {
    const seq = await nextSeq(tx, e.accountId);
    const { id } = await tx
      .insertInto('events')
      .values({ account_id: e.accountId, seq, type: e.type, object: e.object, proc_id: e.procId ?? null, data: JSON.stringify(e.data ?? {}), created_at: e.now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await queueDeliveries(tx, { accountId: e.accountId, eventId: id, now: e.now });
    return seq;
  };
  // A caller without a transaction still gets the event, its number and its deliveries as one.
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

/** How long events (and their delivery logs) are kept; their numbers are never reused. */
export const EVENT_RETENTION_DAYS = 90;

/** Deletes events written before `olderThan`, with their deliveries and attempts; returns how many. */
export async function purgeEvents(db: Executor, olderThan: number): Promise<number> {
  const res = await db.deleteFrom('events').where('created_at', '<', olderThan).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The account's events after number `after`, oldest first. */
export function eventsAfter(db: Executor, accountId: number, after: number, limit: number): Promise<EventRow[]> {
  return db.selectFrom('events').selectAll().where('account_id', '=', accountId).where('seq', '>', after).orderBy('seq').limit(limit).execute();
}

export function eventBySeq(db: Executor, accountId: number, seq: number): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('account_id', '=', accountId).where('seq', '=', seq).executeTakeFirst();
}

/** The JSON a webhook receives (and what event-list's data column details). */
export interface EventJson {
  seq: number;
  type: string;
  object: string;
  proc_id: number | null;
  time: string;
  data: Record<string, unknown>;
}

export function eventJson(e: EventRow): EventJson {
  return { seq: e.seq, type: e.type, object: e.object, proc_id: e.proc_id, time: isoSeconds(e.created_at), data: JSON.parse(e.data) as Record<string, unknown> };
}
