/**
 * Registry faults that are not a registry's answer: the registry could not be reached, or an
 * answer was lost. Neither is a RegistryError (a refusal ends a job with a nack); the worker
 * tries the job again instead.
 */

/** The command may or may not have reached the registry (connection lost mid-command, timeout, 2400/2500). */
export class RegistryTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryTransportError';
  }
}

/**
 * Nothing was sent: the registry is down, its circuit is open, or no session could be had. The
 * worker reschedules the job after `retryAfterMs` without counting it toward the job's limit,
 * so a registry that is down for hours makes jobs wait, not fail.
 */
export class RegistryUnavailable extends Error {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.name = 'RegistryUnavailable';
    this.retryAfterMs = retryAfterMs;
  }
}
