import type { PeriodicTask } from './worker.ts';
import { purgeResultContent } from '../services/results.ts';
import { pruneAuthState } from '../dmapi/sessions.ts';
import { DAY, HOUR } from '../core/clock.ts';
import { runVerificationDeadlines } from '../services/verification.ts';

/** The lifecycle scheduler's tasks; each reads the clock and is safe to run in several processes. */
export const periodicTasks: PeriodicTask[] = [
  {
    // Whois e-mail verification: reminders before, suspension at the 15-day deadline.
    name: 'whois-verification-deadlines',
    everyMs: 5 * 60_000,
    run: (deps, now) => deps.db.transaction().execute(async (db) => void (await runVerificationDeadlines({ db, now, deps }))),
  },
  {
    name: 'purge-result-content',
    everyMs: HOUR,
    run: async (deps, now) => {
      await purgeResultContent(deps.db, now - deps.config.resultRetentionDays * DAY);
    },
  },
  {
    name: 'prune-auth-state',
    everyMs: HOUR,
    run: (deps, now) => pruneAuthState(deps.db, now, deps.config.sessionTimeout * 1000),
  },
];
