import { z } from 'zod';
import type { Db, Executor } from '../db/database.ts';
import type { Account, AccountRole, Scope } from '../db/schema.ts';
import { hashPassword, tokenHash } from '../core/password.ts';
import { randomToken } from '../core/ids.ts';
import { isoDate } from '../core/dates.ts';
import { currencyExponent } from '../core/money.ts';

/** Profile fields shown by query-profile; free-form strings. */
export const profileFields = [
  'fname', 'lname', 'organization', 'address-1', 'address-2', 'city', 'state', 'postal-code', 'country',
  'phone', 'fax', 'vat-id', 'admin_email', 'robot_email', 'checkd_ip', 'http', 'url', 'whois1', 'whois2', 'whois3', 'whois4',
] as const;
export type Profile = Partial<Record<(typeof profileFields)[number], string>>;

export const newAccountSchema = z.object({
  login: z.string().regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/i, 'login: 2–64 characters of letters, digits, . _ @ -').transform((s) => s.toLowerCase()),
  email: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'email: not an e-mail address'),
  password: z.string().min(4, 'password: at least 4 characters').optional(),
  currency: z.string().refine((c) => c in currencyExponent, 'currency: one of ' + Object.keys(currencyExponent).join(', ')).default('USD'),
  balance: z.number().int().default(0),
  rebateBp: z.number().int().min(0).max(10000).default(0),
  profile: z.record(z.string(), z.string()).default({}),
});
export type NewAccountInput = z.input<typeof newAccountSchema>;

export async function createAccount(db: Executor, input: NewAccountInput, now: number): Promise<Account> {
  const a = newAccountSchema.parse(input);
  const exists = await db.selectFrom('accounts').select('id').where('login', '=', a.login).executeTakeFirst();
  if (exists) throw new Error(`account ${a.login} exists already`);
  return db
    .insertInto('accounts')
    .values({
      login: a.login,
      email: a.email,
      password_hash: a.password ? await hashPassword(a.password) : null,
      currency: a.currency,
      balance: a.balance,
      rebate_bp: a.rebateBp,
      contract_date: isoDate(now),
      profile: JSON.stringify(a.profile),
      created_at: now,
      last_login_at: null,
      last_login_ip: null,
      last_error: null,
      last_error_ip: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Finds an account by login name or e-mail address (DMAPI usernames are e-mail addresses). */
export async function findAccountByUsername(db: Executor, username: string): Promise<Account | undefined> {
  const u = username.trim().toLowerCase();
  const byLogin = await db.selectFrom('accounts').selectAll().where('login', '=', u).executeTakeFirst();
  if (byLogin) return byLogin;
  const byEmail = await db.selectFrom('accounts').selectAll().where('email', '=', username.trim()).orderBy('id').limit(2).execute();
  return byEmail.length === 1 ? byEmail[0] : undefined;
}

/**
 * Sessions end with the credential that opened them: a new password ends the sessions opened
 * with the old one (those opened with an API key stay), disabling an account ends all of its
 * sessions, revoking a key those opened with the key.
 */
async function endSessions(db: Executor, now: number, which: { accountId: number; passwordOnly?: boolean } | { apiKeyId: number }): Promise<void> {
  let q = db.updateTable('sessions').set({ ended_at: now }).where('ended_at', 'is', null);
  if ('apiKeyId' in which) q = q.where('api_key_id', '=', which.apiKeyId);
  else {
    q = q.where('account_id', '=', which.accountId);
    if (which.passwordOnly) q = q.where('api_key_id', 'is', null);
  }
  await q.execute();
}

export async function setPassword(db: Db, accountId: number, password: string, now: number): Promise<void> {
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set({ password_hash: hash }).where('id', '=', accountId).execute();
    await endSessions(trx, now, { accountId, passwordOnly: true });
  });
}

export async function setAccountStatus(db: Db, accountId: number, status: Account['status'], now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set({ status }).where('id', '=', accountId).execute();
    if (status === 'disabled') await endSessions(trx, now, { accountId });
  });
}

/** Makes an account an operator (the console's operator pages) or a reseller again. */
export async function setAccountRole(db: Db, accountId: number, role: AccountRole): Promise<void> {
  await db.updateTable('accounts').set({ role }).where('id', '=', accountId).execute();
}

/** Revokes an active key and ends its sessions; false when there is no active key `id`. */
export async function revokeApiKey(db: Db, id: number, now: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const res = await trx.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await endSessions(trx, now, { apiKeyId: id });
    return true;
  });
}

export const scopes = ['full', 'read-only', 'modify-only'] as const satisfies readonly Scope[];

/** Creates an API key; the clear key is returned once and only its hash is stored. */
export async function createApiKey(
  db: Executor,
  accountId: number,
  scope: Scope,
  label: string,
  now: number,
  key = randomToken(32),
): Promise<{ id: number; key: string }> {
  const row = await db
    .insertInto('api_keys')
    .values({ account_id: accountId, key_hash: tokenHash(key), key_prefix: key.slice(0, 8), scope, label, created_at: now, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key };
}

export function parseProfile(a: Account): Profile {
  try {
    return JSON.parse(a.profile) as Profile;
  } catch {
    return {};
  }
}
