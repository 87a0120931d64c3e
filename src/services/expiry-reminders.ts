import type { AppDeps } from '../app-deps.ts';
import { DAY } from '../core/clock.ts';
import { queueMail } from '../mail/outbox.ts';
import { expiryReminderMail } from '../mail/templates.ts';
import type { ExpiryRemindersTable } from '../db/schema.ts';

type Stage = ExpiryRemindersTable['stage'];

/** ERRP: reminders about a month and a week before expiry, and one within 5 days after it. */
export const REMINDER_MONTH = 30 * DAY;
export const REMINDER_WEEK = 7 * DAY;
export const REMINDER_AFTER = 5 * DAY;

/** The reminder due now for a domain expiring at `expires`, if any (only the latest stage is sent). */
export function dueStage(expires: number, now: number): Stage | undefined {
  if (now >= expires) return now < expires + REMINDER_AFTER ? 'expired' : undefined;
  if (expires - now <= REMINDER_WEEK) return 'week';
  if (expires - now <= REMINDER_MONTH) return 'month';
  return undefined;
}

/**
 * Mails the due expiry reminders to each domain's registrant (its owner contact's address, or the
 * reseller's when the domain has none). A reminder row is claimed first (insert or nothing), so
 * several schedulers never send one twice; each domain gets one reminder per stage and term.
 */
export async function runExpiryReminders(deps: AppDeps, now: number): Promise<number> {
  const candidates = await deps.db
    .selectFrom('domains as d')
    .innerJoin('accounts as a', 'a.id', 'd.account_id')
    .leftJoin('contacts as c', 'c.handle', 'd.owner_c')
    .select(['d.id', 'd.name', 'd.expires_at', 'd.autorenew', 'd.account_id', 'c.email as owner_email', 'a.email as reseller_email'])
    .where('d.status', 'in', ['active', 'redemption'])
    .where('d.expires_at', '>', now - REMINDER_AFTER)
    .where('d.expires_at', '<=', now + REMINDER_MONTH)
    .orderBy('d.expires_at')
    .limit(1000)
    .execute();
  let sent = 0;
  for (const d of candidates) {
    const stage = dueStage(d.expires_at, now);
    if (!stage) continue;
    await deps.db.transaction().execute(async (db) => {
      const claimed = await db
        .insertInto('expiry_reminders')
        .values({ domain_id: d.id, expires_at: d.expires_at, stage, sent_at: now })
        .onConflict((oc) => oc.columns(['domain_id', 'expires_at', 'stage']).doNothing())
        .returning('domain_id')
        .executeTakeFirst();
      if (!claimed) return;
      const mail = expiryReminderMail({ domain: d.name, expires: d.expires_at, stage, autorenew: d.autorenew === 1, publicUrl: deps.config.publicUrl });
      await queueMail({ db, now, deps }, { ...mail, to: d.owner_email ?? d.reseller_email, kind: `expiry-${stage}`, accountId: d.account_id, object: d.name });
      sent++;
    });
  }
  return sent;
}
