import { randomBytes } from 'node:crypto';

/** 100-ns ticks between 1601-01-01 (Windows FILETIME epoch) and 1970-01-01. */
const FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000n;

/**
 * Random hex for Tracking-Ids, cut from a pool refilled 4 KiB at a time: one randomBytes call per
 * request cost more than the rest of making the id. (Secrets, randomToken below, are not pooled.)
 */
const pool = Buffer.alloc(4096);
let used = pool.length;
function pooledHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomBytes(pool.length).copy(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/** The FILETIME part of the last id: requests within one millisecond share it. */
let lastAt = NaN;
let lastTicks = '';

/** Tracking-Id / SvTrId: 16 hex digits of FILETIME for `at`, then 16 random hex digits (dmapi-wire §1.5). */
export function trackingId(at: number): string {
  if (at !== lastAt) {
    lastTicks = (BigInt(at) * 10_000n + FILETIME_EPOCH_OFFSET).toString(16).padStart(16, '0');
    lastAt = at;
  }
  return lastTicks + pooledHex(8);
}

/** Decodes the instant carried by a Tracking-Id. */
export function trackingIdTime(id: string): number {
  return Number((BigInt('0x' + id.slice(0, 16)) - FILETIME_EPOCH_OFFSET) / 10_000n);
}

export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
