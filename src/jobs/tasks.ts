import type { PeriodicTask } from './worker.ts';
import { purgeResultContent } from '../services/results.ts';
import { pruneAuthState } from '../dmapi/sessions.ts';
import { DAY, HOUR } from '../core/clock.ts';
import { runVerificationDeadlines } from '../services/verification.ts';
import { runAutorenew, runExpiry, runPrivacyExpiry, runRedemption } from '../services/domain-lifecycle.ts';
import { registryOf } from '../registry/index.ts';
import { runTransferTasks } from '../services/transfer-jobs.ts';
import { handleRegistryMessages } from '../services/registry-messages.ts';
import { runExpiryReminders } from '../services/expiry-reminders.ts';
import { purgeKeys } from '../services/idempotency.ts';
import { pruneBudgets } from '../services/access-policy.ts';
import { runDnssecMaintenance } from '../zone/dnssec.ts';

/** The lifecycle scheduler's tasks; each reads the clock and is safe to run in several processes. */
export const periodicTasks: PeriodicTask[] = [
  {
    // Whois e-mail verification: reminders before, suspension at the 15-day deadline.
    name: 'whois-verification-deadlines',
    everyMs: 5 * 60_000,
    run: (deps, now) => deps.db.transaction().execute(async (db) => void (await runVerificationDeadlines({ db, now, deps }))),
  },
  // The domain lifecycle (services/domain-lifecycle.ts), in this order: renew what can be renewed
  // before the registry's own sweep sees an expiry; then expiry, redemption, purge, privacy ends.
  { name: 'domain-autorenew', everyMs: 5 * 60_000, run: async (deps, now) => void (await runAutorenew(deps, now)) },
  { name: 'domain-expiry', everyMs: 5 * 60_000, run: async (deps, now) => void (await runExpiry(deps, now)) },
  { name: 'domain-redemption', everyMs: 5 * 60_000, run: async (deps, now) => void (await runRedemption(deps, now)) },
  // ERRP reminders to the registrant, a month and a week ahead and once after an expiry.
  { name: 'expiry-reminders', everyMs: HOUR, run: async (deps, now) => void (await runExpiryReminders(deps, now)) },
  { name: 'domain-privacy-expiry', everyMs: 5 * 60_000, run: async (deps, now) => void (await runPrivacyExpiry(deps, now)) },
  // The simulated registry's time-driven work (auto-renew or expiry, transfer auto-approval, grace
  // ends, purges), or a real registry's poll queue; then what its messages mean for the platform.
  {
    name: 'registry-sweep',
    everyMs: 5 * 60_000,
    run: async (deps, now) => {
      await registryOf(deps).sweep(deps.db, now);
      await handleRegistryMessages(deps, now);
    },
  },
  // Transfers in and out and changes of registrant: FOA and confirmation deadlines, the losing registrars' answers, the registry's outcome.
  { name: 'transfers', everyMs: 5 * 60_000, run: (deps, now) => runTransferTasks(deps, now) },
  // Signed zones: re-signing before signatures expire, key rollovers, the end of an unwinding (src/zone/dnssec.ts).
  { name: 'dnssec-maintenance', everyMs: 15 * 60_000, run: async (deps, now) => void (await runDnssecMaintenance(deps, now)) },
  {
    name: 'purge-result-content',
    everyMs: HOUR,
    run: async (deps, now) => {
      await purgeResultContent(deps.db, now - deps.config.resultRetentionDays * DAY);
    },
  },
  { name: 'purge-idempotency-keys', everyMs: HOUR, run: async (deps, now) => void (await purgeKeys(deps.db, now)) },
  { name: 'prune-request-budgets', everyMs: HOUR, run: (deps, now) => pruneBudgets(deps.db, now) },
  {
    name: 'prune-auth-state',
    everyMs: HOUR,
    run: (deps, now) => pruneAuthState(deps.db, now, deps.config.sessionTimeout * 1000),
  },
];
