import { formatAmount } from '../core/money.ts';

/**
 * An amount the way query-promos-list prints it (`1.9`, `10.0`, `20.01`): the decimal value
 * without trailing zeros but with at least one decimal digit.
 */
export function plainAmount(amount: number, currency: string): string {
  const text = formatAmount(amount, currency);
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '.0');
}

/** ISO 8601 with milliseconds, UTC (`2024-12-01T00:00:00.000Z`), as the promo list shows validity. */
export const isoInstant = (at: number) => new Date(at).toISOString();
