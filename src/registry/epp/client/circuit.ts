/**
 * A registry's circuit: consecutive failures (no connection, failed login, lost or late answers)
 * open it after `threshold` of them: nothing is sent until its wait is over (doubling with each
 * further failure up to `maxMs`), then one call probes (half open); its success closes the
 * circuit, its failure opens it again for longer. Failed connection attempts also back off
 * exponentially before the circuit opens; a session the registry merely dropped is replaced at once.
 */
export interface CircuitOptions {
  threshold: number;
  /** First wait; each further failure doubles it up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  now: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export class Circuit {
  private failures = 0;
  private connectFailures = 0;
  private lastFailureAt = 0;
  private lastConnectFailureAt = 0;
  private probing = false;
  private readonly o: CircuitOptions;

  constructor(o: CircuitOptions) {
    this.o = o;
  }

  get state(): CircuitState {
    if (this.failures < this.o.threshold) return 'closed';
    return this.o.now() >= this.openUntil() ? 'half-open' : 'open';
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  private backoff(n: number): number {
    return Math.min(this.o.maxMs, this.o.baseMs * 2 ** Math.max(0, n - 1));
  }

  private openUntil(): number {
    return this.lastFailureAt + this.backoff(this.failures - this.o.threshold + 1);
  }

  private connectAt(): number {
    return this.connectFailures === 0 ? 0 : this.lastConnectFailureAt + this.backoff(this.connectFailures);
  }

  /** Milliseconds until a call or a new connection may be tried (0: now). */
  waitMs(): number {
    const at = Math.max(this.connectAt(), this.failures >= this.o.threshold ? this.openUntil() : 0);
    return Math.max(0, at - this.o.now());
  }

  /** Whether a call may go out now: always while closed; one probe at a time once an open circuit's wait is over. */
  allow(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Whether a new connection may be tried now (the backoff after failed ones). */
  mayConnect(): boolean {
    return this.o.now() >= this.connectAt();
  }

  /** The probe allowed by `allow` was not made after all (no session could be had): let another try. */
  abandon(): void {
    this.probing = false;
  }

  success(): void {
    this.failures = 0;
    this.connectFailures = 0;
    this.probing = false;
  }

  /** `connect`: the connection or login failed; otherwise an exchange broke or the registry ended the session. */
  failure(kind: 'connect' | 'exchange'): void {
    const now = this.o.now();
    this.failures++;
    this.lastFailureAt = now;
    if (kind === 'connect') {
      this.connectFailures++;
      this.lastConnectFailureAt = now;
    }
    this.probing = false;
  }
}

/**
 * Commands per second for one registry: each command takes the next free slot, 1/rate apart;
 * `delay` says how long the caller waits for its slot.
 */
export class RateLimit {
  private next = 0;
  private readonly gapMs: number;
  private readonly now: () => number;

  constructor(perSecond: number, now: () => number) {
    this.gapMs = 1000 / perSecond;
    this.now = now;
  }

  delay(): number {
    const t = this.now();
    const slot = Math.max(t, this.next);
    this.next = slot + this.gapMs;
    return slot - t;
  }
}
