/**
 * Money is an integer count of the currency's minor unit, always checked to be a safe integer.
 * Exponents follow ISO 4217 for the currencies accounts may hold.
 */
export const currencyExponent: Record<string, number> = { USD: 2, EUR: 2, GBP: 2, CHF: 2, SEK: 2, JPY: 0 };

export function exponentOf(currency: string): number {
  const e = currencyExponent[currency];
  if (e === undefined) throw new RangeError(`unsupported currency ${currency}`);
  return e;
}

export function assertSafe(amount: number): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount ${amount} is not a safe integer`);
  return amount;
}

/** Renders minor units as a plain decimal string, e.g. 100050 USD → `1000.50`. */
export function formatAmount(amount: number, currency: string, decimalMark = '.'): string {
  assertSafe(amount);
  const exp = exponentOf(currency);
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  if (exp === 0) return sign + String(abs);
  const unit = 10 ** exp;
  return `${sign}${Math.floor(abs / unit)}${decimalMark}${String(abs % unit).padStart(exp, '0')}`;
}

/** Parses a decimal string (`12`, `12.5`, `12.50`) into minor units; undefined when malformed or too precise. */
export function parseAmount(text: string, currency: string): number | undefined {
  const m = /^(-?)(\d{1,13})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const exp = exponentOf(currency);
  const frac = m[3] ?? '';
  if (frac.length > exp && /[1-9]/.test(frac.slice(exp))) return undefined;
  const minor = Number(m[2]) * 10 ** exp + Number((frac.slice(0, exp) || '0').padEnd(exp, '0'));
  return m[1] === '-' ? -minor : minor;
}

/** amount × num / den rounded half-up (away from zero), computed in bigint. */
export function mulRatio(amount: number, num: number, den: number): number {
  assertSafe(amount);
  const a = BigInt(amount) * BigInt(num);
  const d = BigInt(den);
  const neg = a < 0n !== d < 0n;
  const absA = a < 0n ? -a : a;
  const absD = d < 0n ? -d : d;
  const q = (absA * 2n + absD) / (absD * 2n);
  return assertSafe(Number(neg ? -q : q));
}
