import type { PeriodicTask } from './worker.ts';
import { purgeResultContent } from '../services/results.ts';
import { pruneAuthState } from '../dmapi/sessions.ts';
import { DAY, HOUR } from '../core/clock.ts';

/** The lifecycle scheduler's tasks; each reads the clock and is safe to run in several processes. */
export const periodicTasks: PeriodicTask[] = [
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
