import type { Clock } from './core/clock.ts';
import type { Config } from './config/config.ts';
import type { Db, Dialect } from './db/database.ts';
import type { Logger } from './obs/logger.ts';
import type { TldCatalogue } from './tld/catalogue.ts';
import type { AnswerKeys } from './services/answer-keys.ts';
import type { Metrics } from './obs/metrics.ts';

/** The shared services every layer receives explicitly (no container). */
export interface AppDeps {
  readonly db: Db;
  readonly dialect: Dialect;
  readonly clock: Clock;
  /**
   * What job leases are measured on: wall time in a server, so that moving the sandbox clock
   * (`dmapid clock advance`) never makes running jobs look abandoned; the test clock in tests.
   */
  readonly leaseClock: Clock;
  readonly config: Config;
  readonly log: Logger;
  readonly tlds: TldCatalogue;
  /** Keys mailed to people: only their hashes are stored (src/services/answer-keys.ts). */
  readonly keys: AnswerKeys;
  /** Seals the DNSSEC private keys in the database (src/zone/dnssec-keys.ts). */
  readonly dnssecKek: Buffer;
  /** Prometheus metrics of this app (src/obs/metrics.ts). */
  readonly metrics: Metrics;
  /** Wakes the in-process worker after a commit that queued jobs. */
  readonly wake: () => void;
  /** Re-reads a clock offset another process (the CLI) may have moved; a no-op for fixed clocks. */
  readonly syncClock: () => Promise<void>;
}
