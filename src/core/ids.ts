import { randomBytes } from 'node:crypto';

/** 100-ns ticks between 1601-01-01 (Windows FILETIME epoch) and 1970-01-01. */
const FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000n;

/** Tracking-Id / SvTrId: 16 hex digits of FILETIME for `at`, then 16 random hex digits (dmapi-wire §1.5). */
export function trackingId(at: number): string {
  const ticks = BigInt(at) * 10_000n + FILETIME_EPOCH_OFFSET;
  return ticks.toString(16).padStart(16, '0') + randomBytes(8).toString('hex');
}

/** Decodes the instant carried by a Tracking-Id. */
export function trackingIdTime(id: string): number {
  return Number((BigInt('0x' + id.slice(0, 16)) - FILETIME_EPOCH_OFFSET) / 10_000n);
}

export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
