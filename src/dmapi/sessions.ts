import type { Executor } from '../db/database.ts';
import type { Account, Scope } from '../db/schema.ts';
import { randomToken } from '../core/ids.ts';
import { tokenHash } from '../core/password.ts';
import { prepared } from '../db/prepared.ts';
import { AccountCache } from './account-cache.ts';
import { addressKey, blocked, pruneAttempts, recordFailure, type Throttled } from '../services/auth-throttle.ts';

export interface ActiveSession {
  account: Account;
  scope: Scope;
  /** Hash of the Auth-Sid; null when the request authenticated with a bare api-key. */
  sessionId: string | null;
}

/**
 * last_seen_at is rewritten at most this often (and at most every 1/120 of the timeout), so a busy
 * session does not write on every request; a session may therefore end up to that much early.
 */
const TOUCH_EVERY_MS = 30_000;

export async function createSession(
  db: Executor,
  s: { accountId: number; scope: Scope; apiKeyId: number | null; ip: string; now: number },
): Promise<string> {
  const sid = randomToken(16);
  await db
    .insertInto('sessions')
    .values({ id: tokenHash(sid), account_id: s.accountId, scope: s.scope, api_key_id: s.apiKeyId, created_at: s.now, last_seen_at: s.now, ended_at: null, ip: s.ip })
    .execute();
  return sid;
}

const sessionCheck = prepared((db: Executor, id: string) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('api_keys as k', 'k.id', 's.api_key_id')
    .select(['s.account_id', 's.scope', 's.last_seen_at', 's.ended_at', 's.api_key_id', 'k.revoked_at as key_revoked', 'a.version', 'a.status'])
    .where('s.id', '=', id),
);
const touchSession = prepared((db: Executor, now: number, id: string) => db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id));

/**
 * The live session for `sid`, or undefined when unknown, logged out, idle past `timeoutMs`, its
 * key was revoked or its account is not active. The session row and the account's version are
 * read on every call; the account itself comes from `accounts` while its version is unchanged.
 */
export async function resolveSession(db: Executor, sid: string, now: number, timeoutMs: number, accounts = new AccountCache()): Promise<ActiveSession | undefined> {
  const id = tokenHash(sid);
  const row = await sessionCheck.first(db, id);
  if (!row || row.ended_at !== null || row.status !== 'active') return undefined;
  if (row.api_key_id !== null && row.key_revoked !== null) return undefined;
  if (now - row.last_seen_at > timeoutMs) return undefined;
  const account = await accounts.get(db, row.account_id, row.version);
  if (account?.status !== 'active') return undefined;
  if (now - row.last_seen_at > Math.min(TOUCH_EVERY_MS, timeoutMs / 120)) await touchSession.run(db, now, id);
  return { account, scope: row.scope, sessionId: id };
}

export async function endSession(db: Executor, sessionId: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ ended_at: now }).where('id', '=', sessionId).execute();
}

const keyCheck = prepared((db: Executor, hash: string) =>
  db
    .selectFrom('api_keys as k')
    .innerJoin('accounts as a', 'a.id', 'k.account_id')
    .select(['k.id', 'k.account_id', 'k.scope', 'k.revoked_at', 'a.version', 'a.status'])
    .where('k.key_hash', '=', hash),
);

/** The account and scope behind an API key, when the key exists, is not revoked and its account is active. */
export async function resolveApiKey(db: Executor, key: string, accounts = new AccountCache()): Promise<{ account: Account; scope: Scope; keyId: number } | undefined> {
  const row = await keyCheck.first(db, tokenHash(key));
  if (!row || row.revoked_at !== null || row.status !== 'active') return undefined;
  const account = await accounts.get(db, row.account_id, row.version);
  if (account?.status !== 'active') return undefined;
  return { account, scope: row.scope, keyId: row.id };
}

/**
 * An API key as a credential: refused while its address is blocked, and a wrong key is counted
 * against the address. A key has 256 random bits, so guessing one is hopeless however the race
 * goes: it is counted after the lookup rather than before, and concurrent valid requests from one
 * address never block each other (at most the per-address connection cap of guesses overshoot).
 */
export async function resolveApiKeyCounted(
  db: Executor,
  key: string,
  ip: string,
  now: number,
  limit: number,
  accounts?: AccountCache,
): Promise<{ found?: { account: Account; scope: Scope; keyId: number } } | { throttled: Throttled }> {
  const keys = [addressKey(ip, limit)];
  const throttled = await blocked(db, keys, now);
  if (throttled) return { throttled };
  const found = await resolveApiKey(db, key, accounts);
  if (!found) await recordFailure(db, keys, now);
  return found ? { found } : {};
}

/** Forgets attempts older than the throttle window and sessions idle for a day past their timeout. */
export async function pruneAuthState(db: Executor, now: number, timeoutMs: number): Promise<void> {
  await pruneAttempts(db, now);
  await db.deleteFrom('sessions').where('last_seen_at', '<', now - timeoutMs - 86_400_000).execute();
}
