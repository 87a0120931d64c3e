import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type { LedgerKind } from '../db/schema.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { formatAmount, mulRatio } from '../core/money.ts';
import type { OrderStatus, OrderType } from './operations.ts';
import { recordEvent } from '../services/events.ts';

/**
 * The ledger: every change of an account's money is one `ledger` row, written in the same
 * transaction as the `accounts` update it describes (and as the change it pays for, when the
 * caller passes its request or job transaction). `accounts.balance` and `accounts.reserved` stay
 * the fast summary: `balance` is booked money (query-account-balance's total), `reserved` the part
 * held for queued operations (`pending`), `balance - reserved` what is available.
 *
 * Funds are checked by one conditional UPDATE (`… WHERE balance - reserved >= amount`), so parallel
 * charges can never drive the available money below zero on either database: PostgreSQL
 * re-evaluates the condition on the row it waited for, SQLite runs writers one at a time.
 *
 * Every function takes the executor of the surrounding transaction; given the bare database it
 * opens a transaction of its own.
 */

/** What an order costs: netto, VAT rate and brutto, all in the account's currency. A Quote fits. */
export interface Priced {
  netto: number;
  vatBp: number;
  brutto: number;
}

export interface OrderInput {
  accountId: number;
  /** query-order-list `type` (create, renew, privacy_pp1, …; see orderTypes). */
  type: OrderType;
  /** The domain, handle or other object the order concerns. */
  identifier: string;
  tld?: string | null;
  /** The Proc-ID of the request that placed the order, when there is one. */
  procId?: number | null;
  now: number;
  note?: string;
}

/** The order written and the account's money after the change. */
export interface OrderRef {
  orderId: number;
  balance: number;
  reserved: number;
}

/** Runs `fn` in the caller's transaction, or in a new one when given the bare database. */
export async function inTransaction<T>(db: Executor, fn: (tx: Executor) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute((trx) => fn(trx));
}

interface Move {
  balance: number;
  reserved: number;
  /** Available money (balance - reserved) the account must have before the move; null: no check. */
  need: number | null;
}

/** The one conditional UPDATE every movement goes through; undefined when the funds check failed. */
async function moveMoney(db: Executor, accountId: number, m: Move) {
  let q = db
    .updateTable('accounts')
    .set((eb) => ({ balance: eb('balance', '+', m.balance), reserved: eb('reserved', '+', m.reserved) }))
    .where('id', '=', accountId);
  if (m.need !== null) {
    const need = m.need;
    q = q.where((eb) => eb(eb('balance', '-', eb.ref('reserved')), '>=', need));
  }
  return q.returning(['balance', 'reserved', 'currency', 'low_balance']).executeTakeFirst();
}

async function insufficient(db: Executor, accountId: number, needed: number, what: string): Promise<DmapiError> {
  const a = await db.selectFrom('accounts').select(['balance', 'reserved', 'currency']).where('id', '=', accountId).executeTakeFirst();
  if (!a) return new DmapiError('INTERNAL', `account ${accountId} does not exist`);
  const m = (n: number) => `${formatAmount(n, a.currency)} ${a.currency}`;
  return new DmapiError('INSUFFICIENT_FUNDS', `insufficient funds for ${what} (${m(needed)} needed, ${m(a.balance - a.reserved)} available)`);
}

async function writeLedger(
  db: Executor,
  r: { accountId: number; orderId: number | null; kind: LedgerKind; amount: number; reservedDelta: number; after: { balance: number; reserved: number; currency: string; low_balance: number }; now: number; note?: string | undefined },
): Promise<void> {
  // The available money fell below the account's threshold with this movement (not on every later one).
  const available = r.after.balance - r.after.reserved;
  const before = available - (r.amount - r.reservedDelta);
  if (before >= r.after.low_balance && available < r.after.low_balance) {
    const data = { available: formatAmount(available, r.after.currency), threshold: formatAmount(r.after.low_balance, r.after.currency), currency: r.after.currency };
    await recordEvent(db, { accountId: r.accountId, type: 'balance.low', object: '', data, now: r.now });
  }
  await db
    .insertInto('ledger')
    .values({
      account_id: r.accountId,
      order_id: r.orderId,
      kind: r.kind,
      amount: r.amount,
      reserved_delta: r.reservedDelta,
      balance_after: r.after.balance,
      reserved_after: r.after.reserved,
      created_at: r.now,
      note: r.note ?? '',
    })
    .execute();
}

async function insertOrder(
  db: Executor,
  o: OrderInput,
  v: { status: OrderStatus; brutto: number; netto: number; vatBp: number; currency: string; held?: number; refundOf?: number | null },
): Promise<number> {
  const row = await db
    .insertInto('orders')
    .values({
      account_id: o.accountId,
      proc_id: o.procId ?? null,
      created_at: o.now,
      completed_at: v.status === 'pending' ? null : o.now,
      status: v.status,
      type: o.type,
      amount_brutto: v.brutto,
      amount_netto: v.netto,
      vat_bp: v.vatBp,
      currency: v.currency,
      identifier: o.identifier,
      tld: o.tld ?? null,
      held: v.held ?? 0,
      refund_of: v.refundOf ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function assertPrice(p: Priced): void {
  for (const n of [p.netto, p.brutto, p.vatBp]) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`price figures must be non-negative integers, got ${JSON.stringify(p)}`);
  }
}

/**
 * Charges a price at once: the money leaves the balance and an order with status `ok` is written.
 * Throws INSUFFICIENT_FUNDS (nothing written) when the available money does not cover `price.brutto`.
 */
export async function charge(db: Executor, o: OrderInput & { price: Priced }): Promise<OrderRef> {
  assertPrice(o.price);
  return inTransaction(db, async (tx) => {
    const after = await moveMoney(tx, o.accountId, { balance: -o.price.brutto, reserved: 0, need: o.price.brutto });
    if (!after) throw await insufficient(tx, o.accountId, o.price.brutto, `${o.type} of ${o.identifier}`);
    const orderId = await insertOrder(tx, o, { status: 'ok', brutto: o.price.brutto, netto: o.price.netto, vatBp: o.price.vatBp, currency: after.currency });
    await writeLedger(tx, { accountId: o.accountId, orderId, kind: 'charge', amount: -o.price.brutto, reservedDelta: 0, after, now: o.now, note: o.note });
    return { orderId, balance: after.balance, reserved: after.reserved };
  });
}

/**
 * Holds a price for a queued operation: the money moves from available to `pending`
 * (query-account-balance) and an order with status `pending` is written. Call it in `accept`;
 * in `perform`, `commitReservation` when the registry said yes, `releaseReservation` when it said no.
 * Throws INSUFFICIENT_FUNDS (nothing written) when the available money does not cover the price.
 */
export async function reserve(db: Executor, o: OrderInput & { price: Priced }): Promise<OrderRef> {
  assertPrice(o.price);
  return inTransaction(db, async (tx) => {
    const after = await moveMoney(tx, o.accountId, { balance: 0, reserved: o.price.brutto, need: o.price.brutto });
    if (!after) throw await insufficient(tx, o.accountId, o.price.brutto, `${o.type} of ${o.identifier}`);
    const orderId = await insertOrder(tx, o, { status: 'pending', brutto: o.price.brutto, netto: o.price.netto, vatBp: o.price.vatBp, currency: after.currency, held: o.price.brutto });
    await writeLedger(tx, { accountId: o.accountId, orderId, kind: 'reserve', amount: 0, reservedDelta: o.price.brutto, after, now: o.now, note: o.note });
    return { orderId, balance: after.balance, reserved: after.reserved };
  });
}

/** Claims a pending order for completion; undefined when it is not (or no longer) pending. */
async function closePending(db: Executor, accountId: number, orderId: number, status: 'ok' | 'error', now: number) {
  return db
    .updateTable('orders')
    .set({ status, held: 0, completed_at: now })
    .where('id', '=', orderId)
    .where('account_id', '=', accountId)
    .where('status', '=', 'pending')
    .returning(['amount_brutto'])
    .executeTakeFirst();
}

/**
 * Books a reservation: the held money leaves the balance and the order becomes `ok`.
 * Throws a plain Error when the order is not pending (committed or released already): that is
 * a bug in the caller, never a reseller's mistake.
 */
export async function commitReservation(db: Executor, r: { accountId: number; orderId: number; now: number; note?: string }): Promise<OrderRef> {
  return inTransaction(db, async (tx) => {
    const order = await closePending(tx, r.accountId, r.orderId, 'ok', r.now);
    if (!order) throw new Error(`order ${r.orderId} of account ${r.accountId} is not pending`);
    const x = order.amount_brutto;
    const after = await moveMoney(tx, r.accountId, { balance: -x, reserved: -x, need: null });
    if (!after) throw new Error(`account ${r.accountId} does not exist`);
    await writeLedger(tx, { accountId: r.accountId, orderId: r.orderId, kind: 'commit', amount: -x, reservedDelta: -x, after, now: r.now, note: r.note });
    return { orderId: r.orderId, balance: after.balance, reserved: after.reserved };
  });
}

/**
 * Gives a reservation back: the held money becomes available again and the order becomes
 * `error` (its amount stays as a reference to what the operation would have cost).
 * Throws a plain Error when the order is not pending.
 */
export async function releaseReservation(db: Executor, r: { accountId: number; orderId: number; now: number; note?: string }): Promise<OrderRef> {
  return inTransaction(db, async (tx) => {
    const order = await closePending(tx, r.accountId, r.orderId, 'error', r.now);
    if (!order) throw new Error(`order ${r.orderId} of account ${r.accountId} is not pending`);
    const x = order.amount_brutto;
    const after = await moveMoney(tx, r.accountId, { balance: 0, reserved: -x, need: null });
    if (!after) throw new Error(`account ${r.accountId} does not exist`);
    await writeLedger(tx, { accountId: r.accountId, orderId: r.orderId, kind: 'release', amount: 0, reservedDelta: -x, after, now: r.now, note: r.note });
    return { orderId: r.orderId, balance: after.balance, reserved: after.reserved };
  });
}

/**
 * Refunds a booked (`ok`) order, wholly (default) or in part: the money returns to the balance and
 * an order with negative amounts is written (type of the original unless given, `refund_of` set).
 * The refunded total never exceeds what was paid, also under parallel refunds. Throws a plain Error
 * when the order does not exist, is not booked, or the amount exceeds what is left to refund.
 */
export async function refund(
  db: Executor,
  r: { accountId: number; orderId: number; amount?: number; now: number; procId?: number | null; type?: OrderType; note?: string },
): Promise<OrderRef> {
  return inTransaction(db, async (tx) => {
    const orig = await tx.selectFrom('orders').selectAll().where('id', '=', r.orderId).where('account_id', '=', r.accountId).executeTakeFirst();
    if (!orig || orig.status !== 'ok' || orig.amount_brutto <= 0) throw new Error(`order ${r.orderId} of account ${r.accountId} is not a booked charge`);
    const amount = r.amount ?? orig.amount_brutto - orig.refunded;
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error(`refund of order ${r.orderId}: nothing left to refund`);
    const claimed = await tx
      .updateTable('orders')
      .set((eb) => ({ refunded: eb('refunded', '+', amount) }))
      .where('id', '=', r.orderId)
      .where((eb) => eb(eb('refunded', '+', amount), '<=', eb.ref('amount_brutto')))
      .returning('id')
      .executeTakeFirst();
    if (!claimed) throw new Error(`refund of order ${r.orderId}: ${amount} exceeds what is left to refund`);
    const after = await moveMoney(tx, r.accountId, { balance: amount, reserved: 0, need: null });
    if (!after) throw new Error(`account ${r.accountId} does not exist`);
    const netto = mulRatio(orig.amount_netto, amount, orig.amount_brutto);
    const orderId = await insertOrder(
      tx,
      { accountId: r.accountId, type: r.type ?? (orig.type as OrderType), identifier: orig.identifier, tld: orig.tld, procId: r.procId ?? null, now: r.now },
      { status: 'ok', brutto: -amount, netto: -netto, vatBp: orig.vat_bp, currency: orig.currency, refundOf: orig.id },
    );
    await writeLedger(tx, { accountId: r.accountId, orderId, kind: 'refund', amount, reservedDelta: 0, after, now: r.now, note: r.note ?? `refund of order ${orig.id}` });
    return { orderId, balance: after.balance, reserved: after.reserved };
  });
}

/**
 * Tops an account up (a `credit-increase` order with a negative amount: money received) or, with
 * a negative amount, debits it (a `credit-decrease` order; refused with INSUFFICIENT_FUNDS when the
 * available money does not cover it).
 */
export async function topUp(db: Executor, t: { accountId: number; amount: number; now: number; procId?: number | null; note?: string }): Promise<OrderRef> {
  if (!Number.isSafeInteger(t.amount) || t.amount === 0) throw new RangeError('top-up amount must be a non-zero integer');
  return inTransaction(db, async (tx) => {
    const debit = t.amount < 0;
    const after = await moveMoney(tx, t.accountId, { balance: t.amount, reserved: 0, need: debit ? -t.amount : null });
    if (!after) {
      if (debit) throw await insufficient(tx, t.accountId, -t.amount, 'the debit');
      throw new Error(`account ${t.accountId} does not exist`);
    }
    const orderId = await insertOrder(
      tx,
      { accountId: t.accountId, type: debit ? 'credit-decrease' : 'credit-increase', identifier: '', procId: t.procId ?? null, now: t.now },
      { status: 'ok', brutto: -t.amount, netto: -t.amount, vatBp: 0, currency: after.currency },
    );
    await writeLedger(tx, { accountId: t.accountId, orderId, kind: debit ? 'debit' : 'topup', amount: t.amount, reservedDelta: 0, after, now: t.now, note: t.note });
    return { orderId, balance: after.balance, reserved: after.reserved };
  });
}

/**
 * Records an order that moves no money: a free operation (create-contact, lock …, listed with
 * `show-all=1`) or a failed one kept as a reference (`status: 'error'` with its would-be price).
 */
export async function recordOrder(db: Executor, o: OrderInput & { status: 'ok' | 'error'; price?: Priced; currency?: string }): Promise<number> {
  const price = o.price ?? { netto: 0, vatBp: 0, brutto: 0 };
  if (o.status === 'ok' && price.brutto !== 0) throw new Error('recordOrder books no money: use charge() for a paid order');
  let currency = o.currency;
  if (currency === undefined) {
    const a = await db.selectFrom('accounts').select('currency').where('id', '=', o.accountId).executeTakeFirstOrThrow();
    currency = a.currency;
  }
  return insertOrder(db, o, { status: o.status, brutto: price.brutto, netto: price.netto, vatBp: price.vatBp, currency });
}

/** The last top-up of an account (query-profile `last-payment`), or undefined. */
const lastCredit = prepared((db: Executor, accountId: number) =>
  db.selectFrom('orders').select(['created_at', 'amount_brutto', 'currency']).where('account_id', '=', accountId).where('type', '=', 'credit-increase').orderBy('id', 'desc').limit(sql.lit(1)),
);

export async function lastPayment(db: Executor, accountId: number): Promise<{ at: number; amount: number; currency: string } | undefined> {
  const row = await lastCredit.first(db, accountId);
  return row ? { at: row.created_at, amount: -row.amount_brutto, currency: row.currency } : undefined;
}

/** The pending order a request placed (for a job that only kept its Proc-ID). */
export async function pendingOrdersOf(db: Executor, accountId: number, procId: number): Promise<number[]> {
  const rows = await db.selectFrom('orders').select('id').where('account_id', '=', accountId).where('proc_id', '=', procId).where('status', '=', 'pending').orderBy('id').execute();
  return rows.map((r) => r.id);
}
