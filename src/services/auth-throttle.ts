import { clientPrefix } from '../core/ip.ts';
import type { Executor } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';

/**
 * Limits on guessing credentials, in one place for login, api-key requests and DynDNS.
 *
 * Password attempts are counted per account (not per typed name: the login name and the e-mail
 * alias are one account) and *before* the password is checked: an attempt is written first, then
 * counted, and only a success takes it back. N parallel wrong passwords therefore never get more
 * than the limit checked. To keep an attacker from locking the owner out everywhere, the tight
 * limit is per (account, address); the account as a whole is blocked only at ten times that.
 * Unknown names are counted the same way under the typed name, so blocking tells nothing about
 * which names exist. Guesses of API keys and DynDNS passwords are counted per address.
 */

export const FAILURE_WINDOW_MS = 15 * 60_000;

export interface ThrottleKey {
  key: string;
  limit: number;
  /** For the error text: what is blocked ("for this account from this address"). */
  what: string;
}

export interface Throttled {
  what: string;
  /** When the attempts in the window have dropped below the limit again. */
  retryAt: number;
}

/** The keys a password login for `subject` (an account id, or the unknown name typed) from `ip` counts against. */
export function passwordKeys(subject: { accountId: number } | { name: string }, ip: string, limit: number): ThrottleKey[] {
  const from = clientPrefix(ip);
  const who = 'accountId' in subject ? `account:${subject.accountId}` : `name:${subject.name.trim().toLowerCase()}`;
  return [
    { key: `${who}@${from}`, limit, what: 'for this account from this address' },
    { key: who, limit: limit * 10, what: 'for this account' },
    addressKey(ip, limit),
  ];
}

/** Guesses from one address across accounts (and of API keys, which name no account). */
export const addressKey = (ip: string, limit: number): ThrottleKey => ({ key: `ip:${clientPrefix(ip)}`, limit: limit * 5, what: 'from this address' });

/** A key of its own kind (DynDNS credentials per address). */
export const namedKey = (key: string, limit: number, what: string): ThrottleKey => ({ key, limit, what });

/**
 * The first of `keys` whose attempts in the window leave no room for one more. `own` is how many
 * of the rows read are the caller's own attempt (written before counting), which does not stay.
 */
const attemptsSince = prepared((db: Executor, key: string, since: number) => db.selectFrom('login_failures').select('at').where('key', '=', key).where('at', '>', since).orderBy('at').orderBy('id'));

async function firstBlocked(db: Executor, keys: readonly ThrottleKey[], now: number, own: 0 | 1): Promise<Throttled | undefined> {
  const since = now - FAILURE_WINDOW_MS;
  for (const k of keys) {
    const rows = await attemptsSince.all(db, k.key, since);
    const others = rows.length - own;
    if (others < k.limit) continue;
    // Blocked until enough of the oldest attempts age out to leave fewer than `limit`.
    return { what: k.what, retryAt: rows[others - k.limit]!.at + FAILURE_WINDOW_MS };
  }
  return undefined;
}

/** The block in force for `keys` before an attempt, without counting one. */
export async function blocked(db: Executor, keys: readonly ThrottleKey[], now: number): Promise<Throttled | undefined> {
  return firstBlocked(db, keys, now, 0);
}

/** Counts a failed attempt against `keys` after the fact: for credentials checked by one lookup (API keys, DynDNS). */
export async function recordFailure(db: Executor, keys: readonly ThrottleKey[], now: number): Promise<void> {
  await db.insertInto('login_failures').values(keys.map((k) => ({ key: k.key, at: now }))).execute();
}

/**
 * Runs `verify` as one counted attempt: the attempt is written before, so concurrent attempts see
 * each other, and is taken back when `verify` succeeds. A blocked attempt is not run and not
 * counted (hammering a block does not extend it).
 */
export async function countedAttempt(db: Executor, keys: readonly ThrottleKey[], now: number, verify: () => Promise<boolean>): Promise<{ ok: boolean; throttled?: Throttled }> {
  const rows = await db.insertInto('login_failures').values(keys.map((k) => ({ key: k.key, at: now }))).returning('id').execute();
  const ids = rows.map((r) => r.id);
  const forget = () => db.deleteFrom('login_failures').where('id', 'in', ids).execute();
  const throttled = await firstBlocked(db, keys, now, 1);
  if (throttled) {
    await forget();
    return { ok: false, throttled };
  }
  let ok = false;
  try {
    ok = await verify();
  } finally {
    if (ok) await forget();
  }
  return { ok };
}

/** "try again in 12 minutes" (no colon: clients cut Error values at the first one). */
export function retryText(t: Throttled, now: number): string {
  const minutes = Math.max(1, Math.ceil((t.retryAt - now) / 60_000));
  return `too many failed logins ${t.what}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Forgets attempts older than the window. */
export async function pruneAttempts(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('login_failures').where('at', '<', now - FAILURE_WINDOW_MS).execute();
}
