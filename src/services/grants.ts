import type { Executor } from '../db/database.ts';
import { recordEvent } from './events.ts';
import type { AppDeps } from '../app-deps.ts';
import type { Account, GrantRole, GrantRow, PrivacyLevel } from '../db/schema.ts';
import { DAY } from '../core/clock.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { queueMail, type MailContext } from '../mail/outbox.ts';
import { answerUrl } from '../mail/links.ts';
import { isPlainAddress } from '../mail/address.ts';
import { grantInvitationMail, grantNoticeMail } from '../mail/templates.ts';
import { isoDate } from '../core/dates.ts';
import { money, quote } from '../billing/quote.ts';
import { accessDomain, type DomainRecord } from './domain-access.ts';
import { catalogPremium } from './domains.ts';
import { privacySubscribed } from './privacy.ts';
import { keyHash, type AnswerKeys, type KeyContext } from './answer-keys.ts';

/**
 * Grants: roles on a domain for other accounts, the only way one account acts on another's
 * object. The holder invites by e-mail; with a matching `client-uid` the role applies at once,
 * otherwise the invitee gets a mail with a key and accepts on the answer page. `@creator` moves
 * the domain into the invitee's portfolio and ends every grant and invitation on it; since the
 * receiving account pays the domain's renewals from then on, it is never applied at once: the
 * receiving account sees the terms (expiry, autorenew, privacy, its renewal price) and accepts.
 */

/** The answer-page kind of invitation links. */
export const GRANT_PAGE = 'grant';

export interface GrantContext extends KeyContext {
  readonly account: Pick<Account, 'id' | 'login'>;
}

export type InviteOutcome = { kind: 'grant' | 'invitation'; id: number };

export async function inviteGrant(
  ctx: GrantContext,
  p: { domain: string; email: string; role: GrantRole; clientUid?: number | undefined; nickname?: string | undefined },
): Promise<InviteOutcome> {
  const { db, now, account } = ctx;
  const { domain } = await accessDomain(db, account.id, p.domain, 'owner', { forUpdate: true });
  const email = p.email.trim();
  if (!isPlainAddress(email)) throw new DmapiError('PARAM_SYNTAX', `invalid 'email' (${JSON.stringify(p.email)} is not an e-mail address)`);
  const nickname = p.nickname?.trim() || email;

  // A client-uid that matches the address applies the role silently; one that does not falls back
  // to an invitation, so the request never tells which uid has which address.
  const target = p.clientUid !== undefined ? await activeAccountWithEmail(db, p.clientUid, email) : undefined;
  if (target?.id === domain.account_id) throw new DmapiError('PARAM_POLICY', `invalid 'client-uid' (${domain.name} belongs to account ${target.id} already)`);
  if (target && p.role !== '@creator') {
    const dup = await activeGrantId(db, domain.id, target.id, p.role);
    if (dup !== undefined) throw new DmapiError('OBJECT_EXISTS', `account ${target.id} holds ${p.role} on ${domain.name} already (scope ${dup})`);
    const id = await insertGrant(db, { domain, inviter: account.id, role: p.role, email, nickname, invitee: target.id, key: null, state: 'active', now });
    await notify(ctx, target.email, { domain: domain.name, role: p.role, inviter: account.login, event: 'granted' }, target.id);
    return { kind: 'grant', id };
  }

  const pending = await db
    .selectFrom('grants')
    .select(['id', 'email'])
    .where('domain_id', '=', domain.id)
    .where('role', '=', p.role)
    .where('state', '=', 'pending')
    .where('expires_at', '>', now)
    .execute();
  const same = pending.find((g) => g.email.toLowerCase() === email.toLowerCase());
  if (same) throw new DmapiError('OBJECT_EXISTS', `an invitation of ${email} for ${p.role} on ${domain.name} is pending already (scope ${same.id})`);
  const { key, nonce, hash } = ctx.deps.keys.issue('grant-invitation');
  const expires = now + ctx.deps.config.grantInvitationDays * DAY;
  // A @creator offer to a named account is that account's alone to accept.
  const invitee = target?.id ?? null;
  const terms = p.role === '@creator' ? creatorTerms(domain, now) : undefined;
  const id = await insertGrant(db, { domain, inviter: account.id, role: p.role, email, nickname, invitee, key: { hash, nonce }, state: 'pending', now, expires, terms });
  const { config } = ctx.deps;
  const termLines = terms ? describeTerms(terms, domain.name, undefined) : [];
  const mail = grantInvitationMail({ domain: domain.name, role: p.role, inviter: account.login, key, link: answerUrl(config, GRANT_PAGE, key), expires, publicUrl: config.publicUrl, terms: termLines });
  await queueMail(ctx, { to: target?.email ?? email, kind: 'grant-invitation', ...mail, accountId: account.id, object: domain.name });
  return { kind: 'invitation', id };
}

/** What a @creator offer says about the domain, fixed when it is made: what the receiving account accepts. */
export interface CreatorTerms {
  expiresAt: number;
  autorenew: boolean;
  /** The whois privacy already paid for, and until when. */
  privacy: PrivacyLevel;
  privacyUntil: number | null;
}

function creatorTerms(d: DomainRecord, now: number): CreatorTerms {
  const paid = privacySubscribed(d, now) && d.privacy_origin !== 'off';
  return { expiresAt: d.expires_at, autorenew: d.autorenew === 1, privacy: paid ? d.privacy_origin : 'off', privacyUntil: paid ? d.privacy_expires_at : null };
}

/** The terms in sentences (mail, answer page, grants-invitation); `renewal` is the receiving account's price when known. */
export function describeTerms(t: CreatorTerms, domain: string, renewal: string | undefined): string[] {
  const price = renewal ? `, now ${renewal} a year at its prices` : ' at its own prices';
  const lines = [
    `${domain} expires on ${isoDate(t.expiresAt)}.`,
    t.autorenew
      ? `Autorenew is on: after the move the domain is renewed for a year a day before it expires, charged to the receiving account${price}.`
      : 'Autorenew is off: nothing is charged unless the receiving account renews the domain.',
  ];
  if (t.privacy !== 'off') {
    const renewed = t.autorenew ? '; it is renewed with the domain, charged to the receiving account' : '';
    lines.push(`Whois privacy (${t.privacy}) is paid until ${isoDate(t.privacyUntil!)}${renewed}.`);
  }
  return lines;
}

/** A year's renewal of `domain` at `account`'s prices, as text; undefined when the TLD has no renewal price for it. */
export async function renewalPrice(deps: Pick<AppDeps, 'tlds'>, db: Executor, account: Account, domain: Pick<DomainRecord, 'name' | 'tld'>, now: number): Promise<string | undefined> {
  try {
    const q = await quote(db, account, { tld: domain.tld, operation: 'renew', periodMonths: 12, domain: domain.name, now, premium: catalogPremium(deps.tlds) });
    return money(q.brutto, q.currency);
  } catch (err) {
    if (err instanceof DmapiError) return undefined;
    throw err;
  }
}

export const parseTerms = (g: Pick<GrantRow, 'terms'>): CreatorTerms | undefined => (g.terms ? (JSON.parse(g.terms) as CreatorTerms) : undefined);

async function activeAccountWithEmail(db: Executor, uid: number, email: string): Promise<Account | undefined> {
  const a = await db.selectFrom('accounts').selectAll().where('id', '=', uid).where('status', '=', 'active').executeTakeFirst();
  return a && a.email.trim().toLowerCase() === email.toLowerCase() ? a : undefined;
}

async function insertGrant(
  db: Executor,
  g: { domain: DomainRecord; inviter: number; role: GrantRole; email: string; nickname: string; invitee: number | null; key: { hash: string; nonce: string } | null; state: GrantRow['state']; now: number; expires?: number; terms?: CreatorTerms | undefined },
): Promise<number> {
  const active = g.state === 'active' || g.state === 'transferred';
  const row = await db
    .insertInto('grants')
    .values({
      domain_id: g.domain.id,
      inviter_account_id: g.inviter,
      role: g.role,
      email: g.email,
      nickname: g.nickname,
      invitee_account_id: g.invitee,
      invite_key: g.key?.hash ?? null,
      invite_nonce: g.key?.nonce ?? null,
      state: g.state,
      created_at: g.now,
      expires_at: g.expires ?? null,
      accepted_at: active ? g.now : null,
      ended_at: g.state === 'transferred' ? g.now : null,
      terms: g.terms ? JSON.stringify(g.terms) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Moves a domain into another account's portfolio (@creator). Every grant and pending invitation on
 * it ends: they were the previous holder's delegations. `keep` is the row recording the move.
 */
export async function moveDomain(db: Executor, domainId: number, toAccountId: number, now: number, keep?: number): Promise<void> {
  await db.updateTable('domains').set({ account_id: toAccountId, updated_at: now }).where('id', '=', domainId).execute();
  let q = db.updateTable('grants').set({ state: 'revoked', ended_at: now }).where('domain_id', '=', domainId).where('state', 'in', ['active', 'pending']);
  if (keep !== undefined) q = q.where('id', '!=', keep);
  await q.execute();
}

async function notify(ctx: MailContext, to: string, p: { domain: string; role: string; inviter: string; event: 'granted' | 'revoked' }, accountId: number | null): Promise<void> {
  if (!isPlainAddress(to.trim())) return;
  await queueMail(ctx, { to, kind: `grant-${p.event}`, ...grantNoticeMail({ ...p, publicUrl: ctx.deps.config.publicUrl }), accountId, object: p.domain });
}

/** grants-revoke: ends an active grant or withdraws a pending invitation, named by its scope. */
export async function revokeGrant(ctx: GrantContext, p: { domain: string; role: GrantRole; scope: number; type: 'grant' | 'invitation' }): Promise<GrantRow> {
  const { db, now, account } = ctx;
  const { domain } = await accessDomain(db, account.id, p.domain, 'owner', { forUpdate: true });
  let q = db.selectFrom('grants').selectAll().where('id', '=', p.scope).where('domain_id', '=', domain.id).where('role', '=', p.role);
  q = p.type === 'grant' ? q.where('state', '=', 'active') : q.where('state', '=', 'pending').where('expires_at', '>', now);
  const grant = await q.executeTakeFirst();
  if (!grant) throw new DmapiError('OBJECT_NOT_FOUND', `no ${p.type} with scope ${p.scope} and role ${p.role} on ${domain.name}`);
  await db.updateTable('grants').set({ state: 'revoked', ended_at: now }).where('id', '=', grant.id).execute();
  let to = grant.email;
  if (grant.invitee_account_id !== null) {
    const invitee = await db.selectFrom('accounts').select('email').where('id', '=', grant.invitee_account_id).executeTakeFirst();
    to = invitee?.email ?? to;
  }
  await notify(ctx, to, { domain: domain.name, role: grant.role, inviter: account.login, event: 'revoked' }, grant.invitee_account_id);
  return { ...grant, state: 'revoked', ended_at: now };
}

export interface GrantLine {
  type: 'invitation' | 'grant';
  scope: number;
  key: string | null;
  domain: string;
  role: GrantRole;
  inviterLogin: string | null;
  inviteeLogin: string | null;
  inviteeUid: number | null;
  email: string;
  nickname: string;
}

/** Active grants and open invitations on a domain, oldest first; `keys` shows invitation keys (showkey). */
export async function listGrants(db: Executor, domain: DomainRecord, now: number, keys?: AnswerKeys): Promise<GrantLine[]> {
  const rows = await db
    .selectFrom('grants')
    .leftJoin('accounts as inviter', 'inviter.id', 'grants.inviter_account_id')
    .leftJoin('accounts as invitee', 'invitee.id', 'grants.invitee_account_id')
    .select([
      'grants.id',
      'grants.state',
      'grants.invite_nonce',
      'grants.role',
      'grants.email',
      'grants.nickname',
      'grants.expires_at',
      'grants.invitee_account_id',
      'inviter.login as inviter_login',
      'invitee.login as invitee_login',
    ])
    .where('grants.domain_id', '=', domain.id)
    .where((eb) => eb.or([eb('grants.state', '=', 'active'), eb.and([eb('grants.state', '=', 'pending'), eb('grants.expires_at', '>', now)])]))
    .orderBy('grants.id')
    .execute();
  return rows.map((r) => ({
    type: r.state === 'pending' ? 'invitation' : 'grant',
    scope: r.id,
    key: r.state === 'pending' && keys && r.invite_nonce ? keys.derive('grant-invitation', r.invite_nonce) : null,
    domain: domain.name,
    role: r.role,
    inviterLogin: r.inviter_login,
    inviteeLogin: r.invitee_login,
    inviteeUid: r.invitee_account_id,
    email: r.email,
    nickname: r.nickname,
  }));
}

export interface InvitationView {
  grant: GrantRow;
  domain: string;
  inviterLogin: string;
  /** Who may accept: the account named by client-uid, else the active accounts whose e-mail is the invited address. */
  candidates: Array<Pick<Account, 'id' | 'login'>>;
  /** What a @creator invitation offers. */
  terms: CreatorTerms | undefined;
}

/** An open invitation by its key, for the answer page; undefined when unknown, answered or expired. */
export async function findInvitation(db: Executor, key: string, now: number): Promise<InvitationView | undefined> {
  const grant = await db.selectFrom('grants').selectAll().where('invite_key', '=', keyHash(key)).where('state', '=', 'pending').executeTakeFirst();
  if (!grant || (grant.expires_at !== null && grant.expires_at <= now)) return undefined;
  const domain = await db.selectFrom('domains').select(['name', 'account_id']).where('id', '=', grant.domain_id).executeTakeFirstOrThrow();
  // The domain changed hands since the invitation: the old holder's offer is void.
  if (domain.account_id !== grant.inviter_account_id) return undefined;
  const inviter = await db.selectFrom('accounts').select('login').where('id', '=', grant.inviter_account_id).executeTakeFirstOrThrow();
  // An invitation made for a named account (client-uid) is that account's; otherwise any account with the address.
  let q = db.selectFrom('accounts').select(['id', 'login']).where('status', '=', 'active').where('id', '!=', domain.account_id);
  q = grant.invitee_account_id !== null ? q.where('id', '=', grant.invitee_account_id) : q.where((eb) => eb(eb.fn('lower', ['email']), '=', grant.email.toLowerCase()));
  const candidates = await q.orderBy('login').execute();
  return { grant, domain: domain.name, inviterLogin: inviter.login, candidates, terms: parseTerms(grant) };
}

/** The open invitation `key` when `ctx.account` may answer it; for anyone else it does not exist. */
export async function invitationFor(ctx: { db: Executor; now: number; account: Pick<Account, 'id'> }, key: string): Promise<InvitationView> {
  const view = await findInvitation(ctx.db, key, ctx.now);
  if (!view || !view.candidates.some((c) => c.id === ctx.account.id)) throw new DmapiError('OBJECT_NOT_FOUND', 'no pending invitation with this key for this account');
  return view;
}

export type InvitationAnswer = { outcome: 'accepted'; domain: string; role: GrantRole; login: string; moved: boolean } | { outcome: 'declined'; domain: string; role: GrantRole };

/**
 * Answers an invitation (from its answer page). Accepting needs an account whose e-mail is the
 * invited address; when several have it, `login` picks one.
 */
export async function answerInvitation(ctx: MailContext, key: string, answer: 'yes' | 'no', login?: string): Promise<InvitationAnswer> {
  const { db, now } = ctx;
  const view = await findInvitation(db, key, now);
  if (!view) throw new DmapiError('OBJECT_NOT_FOUND', 'this invitation does not exist, was answered already, was withdrawn or has expired');
  const { grant } = view;
  if (answer === 'no') {
    await db.updateTable('grants').set({ state: 'declined', ended_at: now }).where('id', '=', grant.id).where('state', '=', 'pending').execute();
    return { outcome: 'declined', domain: view.domain, role: grant.role };
  }
  if (view.candidates.length === 0) throw new DmapiError('OBJECT_NOT_FOUND', `there is no account with the e-mail address ${grant.email} on this platform yet`);
  const chosen = view.candidates.length === 1 && !login ? view.candidates[0] : view.candidates.find((c) => c.login === login);
  if (!chosen) throw new DmapiError('PARAM_MISSING', `several accounts use ${grant.email}; choose the one that accepts`);
  if (grant.role !== '@creator') {
    if ((await activeGrantId(db, grant.domain_id, chosen.id, grant.role)) !== undefined) {
      throw new DmapiError('OBJECT_EXISTS', `account ${chosen.login} holds ${grant.role} on ${view.domain} already`);
    }
  }
  const moved = grant.role === '@creator';
  const res = await db
    .updateTable('grants')
    .set({ state: moved ? 'transferred' : 'active', invitee_account_id: chosen.id, accepted_at: now, ended_at: moved ? now : null })
    .where('id', '=', grant.id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  // Answered in another request meanwhile (a double click on PostgreSQL): the first answer stands.
  if (Number(res.numUpdatedRows) !== 1) throw new DmapiError('OBJECT_NOT_FOUND', 'this invitation was answered already');
  if (moved) {
    const from = await db.selectFrom('domains').select('account_id').where('id', '=', grant.domain_id).executeTakeFirstOrThrow();
    await moveDomain(db, grant.domain_id, chosen.id, now, grant.id);
    // Both accounts hear of it; their event counters are taken in account order, so two moves in
    // opposite directions at once wait for each other instead of deadlocking.
    const events = [
      { accountId: from.account_id, type: 'domain.transferred-away' as const, data: { to: chosen.login, via: '@creator grant' } },
      { accountId: chosen.id, type: 'domain.transferred-in' as const, data: { from: 'another account of this registrar', via: '@creator grant' } },
    ].sort((a, b) => a.accountId - b.accountId);
    for (const e of events) await recordEvent(db, { ...e, object: view.domain, now });
    // The domain arrives with the autorenew the offer showed, whatever the old holder set since.
    const terms = parseTerms(grant);
    if (terms) await db.updateTable('domains').set({ autorenew: terms.autorenew ? 1 : 0 }).where('id', '=', grant.domain_id).execute();
  }
  return { outcome: 'accepted', domain: view.domain, role: grant.role, login: chosen.login, moved };
}

/** The scope of the account's active grant of `role` on the domain, if it holds one. */
async function activeGrantId(db: Executor, domainId: number, accountId: number, role: GrantRole): Promise<number | undefined> {
  const row = await db
    .selectFrom('grants')
    .select('id')
    .where('domain_id', '=', domainId)
    .where('invitee_account_id', '=', accountId)
    .where('role', '=', role)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return row?.id;
}
