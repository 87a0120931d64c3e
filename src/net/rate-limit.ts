import type { Clock } from '../core/clock.ts';
import { clientPrefix } from '../core/ip.ts';

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Buckets kept at most; past this the ones that have refilled are dropped (a flood of addresses costs bounded memory). */
const MAX_BUCKETS = 100_000;

/**
 * Queries per address and minute, as a token bucket: an address may spend `perMinute` queries at
 * once and gets one back every 60/perMinute seconds. Addresses are counted as the connection caps
 * count them (IPv6 by its /64). Time comes from `clock`, so tests move it instead of waiting.
 * `perMinute` 0 lets everything through.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMinute: number;
  private readonly clock: Clock;

  constructor(perMinute: number, clock: Clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** Spends one query of `address`, or says how many seconds until it has one again. */
  take(address: string | undefined): RateDecision {
    if (this.perMinute === 0) return { ok: true };
    const key = clientPrefix(address);
    const now = this.clock.now();
    const msPerToken = 60_000 / this.perMinute;
    const b = this.buckets.get(key);
    // A clock moved backwards (a restarted sandbox) must not lock anyone out.
    const tokens = b ? Math.min(this.perMinute, b.tokens + Math.max(0, now - b.at) / msPerToken) : this.perMinute;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.round((1 - tokens) * msPerToken) / 1000)) };
    }
    if (!b && this.buckets.size >= MAX_BUCKETS) this.prune(now, msPerToken);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return { ok: true };
  }

  /** Drops the buckets that are full again (they behave like absent ones); the oldest half if none is. */
  private prune(now: number, msPerToken: number): void {
    for (const [key, b] of this.buckets) if (b.tokens + (now - b.at) / msPerToken >= this.perMinute) this.buckets.delete(key);
    if (this.buckets.size < MAX_BUCKETS) return;
    let drop = this.buckets.size / 2;
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}
