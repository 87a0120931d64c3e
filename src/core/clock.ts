/** Every deadline reads time from a Clock, never from Date.now(), so tests and the sandbox can move it. */
export interface Clock {
  /** Current instant in epoch milliseconds. */
  now(): number;
}

/** Wall time plus an offset; the sandbox stores the offset in the database (see settings-clock.ts). */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

/** Plain wall time, which no sandbox offset moves: what job leases are measured on (see queue.ts). */
export const wallClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: number | string = '2026-01-15T12:00:00Z') {
    this.current = typeof start === 'number' ? start : Date.parse(start);
  }
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(at: number): void {
    this.current = at;
  }
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses durations like `90s`, `6h`, `5d`, `1w`, `2d12h`. Returns milliseconds or undefined. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+[smhdw])+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, n, u] of trimmed.matchAll(/(\d+)([smhdw])/g)) total += Number(n) * units[u!]!;
  return total;
}

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
