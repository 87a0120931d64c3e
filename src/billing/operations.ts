/**
 * What can be priced. Domain operations are charged per year of the period; `restore` is a flat
 * fee (the restore itself; the year the registry adds is a separate renew quote); privacy and
 * trustee services are per year and may be ordered for part of a year (pro rata by month).
 */
export const priceOperations = ['create', 'renew', 'transfer', 'restore', 'trustee', 'privacy-basic', 'privacy-pro'] as const;
export type PriceOperation = (typeof priceOperations)[number];

/** Operations promos may apply to (query-promos-list: create, renew, transfer). */
export const promoOperations = ['create', 'renew', 'transfer'] as const;
export type PromoOperation = (typeof promoOperations)[number];

/** The operation word in query-price-list (restore appears as `rgp` there, as clients expect). */
export const wireOperation: Record<PriceOperation, string> = {
  create: 'create',
  renew: 'renew',
  transfer: 'transfer',
  restore: 'rgp',
  trustee: 'trustee',
  'privacy-basic': 'privacy-basic',
  'privacy-pro': 'privacy-pro',
};

/** The order type query-order-list shows for a priced operation. */
export const orderTypeOf: Record<PriceOperation, OrderType> = {
  create: 'create',
  renew: 'renew',
  transfer: 'transfer',
  restore: 'restore',
  trustee: 'trustee',
  'privacy-basic': 'privacy_pp1',
  'privacy-pro': 'privacy_pp2',
};

/**
 * Order types of query-order-list. The first group is the seeds' list; `service_request` appears in
 * the seeds' sample output; `trustee` and `credit-decrease` (an operator's debit) are dmapid's own.
 */
export const orderTypes = [
  'create', 'renew', 'transfer', 'restore', 'delete_domain', 'cor', 'create-contact', 'autons', 'lock', 'unlock',
  'privacy_pp1', 'privacy_pp2', 'credit-increase', 'payment_fee', 'service_request', 'trustee', 'credit-decrease',
] as const;
export type OrderType = (typeof orderTypes)[number];

export const orderStatuses = ['ok', 'error', 'pending'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Accepts the wire spelling `rgp` for restore as well. */
export function parseOperation(text: string): PriceOperation | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'rgp') return 'restore';
  return (priceOperations as readonly string[]).includes(t) ? (t as PriceOperation) : undefined;
}

/** Operations whose price may cover part of a year. */
export const proRata = (op: PriceOperation) => op === 'privacy-basic' || op === 'privacy-pro' || op === 'trustee';
