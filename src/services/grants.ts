import type { Executor } from '../db/database.ts';
import type { Account, GrantRole, GrantRow } from '../db/schema.ts';
import { DAY } from '../core/clock.ts';
import { randomToken } from '../core/ids.ts';
import { DmapiError } from '../dmapi/errors.ts';
import { queueMail, type MailContext } from '../mail/outbox.ts';
import { answerUrl } from '../mail/links.ts';
import { isPlainAddress } from '../mail/address.ts';
import { grantInvitationMail, grantNoticeMail } from '../mail/templates.ts';
import { accessDomain, type DomainRecord } from './domain-access.ts';

/**
 * Grants: roles on a domain for other accounts, the only way one account acts on another's
 * object. The holder invites by e-mail; with a matching `client-uid` the role applies at once,
 * otherwise the invitee gets a mail with a key and accepts on the answer page. `@creator` moves
 * the domain into the invitee's portfolio and ends every grant and invitation on it.
 */

/** The answer-page kind of invitation links. */
export const GRANT_PAGE = 'grant';

export interface GrantContext extends MailContext {
  readonly account: Pick<Account, 'id' | 'login'>;
}

export type InviteOutcome = { kind: 'grant' | 'invitation' | 'moved'; id: number };

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
  if (target) {
    if (target.id === domain.account_id) throw new DmapiError('PARAM_POLICY', `invalid 'client-uid' (${domain.name} belongs to account ${target.id} already)`);
    if (p.role === '@creator') {
      const id = await insertGrant(db, { domain, inviter: account.id, role: p.role, email, nickname, invitee: target.id, key: null, state: 'transferred', now });
      await moveDomain(db, domain.id, target.id, now, id);
      await notify(ctx, target.email, { domain: domain.name, role: p.role, inviter: account.login, event: 'moved' }, target.id);
      return { kind: 'moved', id };
    }
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
  const key = randomToken(16);
  const expires = now + ctx.deps.config.grantInvitationDays * DAY;
  const id = await insertGrant(db, { domain, inviter: account.id, role: p.role, email, nickname, invitee: null, key, state: 'pending', now, expires });
  const { config } = ctx.deps;
  const mail = grantInvitationMail({ domain: domain.name, role: p.role, inviter: account.login, key, link: answerUrl(config, GRANT_PAGE, key), expires, publicUrl: config.publicUrl });
  await queueMail(ctx, { to: email, kind: 'grant-invitation', ...mail, accountId: account.id, object: domain.name });
  return { kind: 'invitation', id };
}

async function activeAccountWithEmail(db: Executor, uid: number, email: string): Promise<Account | undefined> {
  const a = await db.selectFrom('accounts').selectAll().where('id', '=', uid).where('status', '=', 'active').executeTakeFirst();
  return a && a.email.trim().toLowerCase() === email.toLowerCase() ? a : undefined;
}

async function insertGrant(
  db: Executor,
  g: { domain: DomainRecord; inviter: number; role: GrantRole; email: string; nickname: string; invitee: number | null; key: string | null; state: GrantRow['state']; now: number; expires?: number },
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
      invite_key: g.key,
      state: g.state,
      created_at: g.now,
      expires_at: g.expires ?? null,
      accepted_at: active ? g.now : null,
      ended_at: g.state === 'transferred' ? g.now : null,
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

async function notify(ctx: MailContext, to: string, p: { domain: string; role: string; inviter: string; event: 'granted' | 'revoked' | 'moved' }, accountId: number | null): Promise<void> {
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

/** Active grants and open invitations on a domain, oldest first. */
export async function listGrants(db: Executor, domain: DomainRecord, now: number): Promise<GrantLine[]> {
  const rows = await db
    .selectFrom('grants')
    .leftJoin('accounts as inviter', 'inviter.id', 'grants.inviter_account_id')
    .leftJoin('accounts as invitee', 'invitee.id', 'grants.invitee_account_id')
    .select([
      'grants.id',
      'grants.state',
      'grants.invite_key',
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
    key: r.state === 'pending' ? r.invite_key : null,
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
  /** Active accounts whose e-mail is the invited address: who may accept. */
  candidates: Array<Pick<Account, 'id' | 'login'>>;
}

/** An open invitation by its key, for the answer page; undefined when unknown, answered or expired. */
export async function findInvitation(db: Executor, key: string, now: number): Promise<InvitationView | undefined> {
  const grant = await db.selectFrom('grants').selectAll().where('invite_key', '=', key.trim()).where('state', '=', 'pending').executeTakeFirst();
  if (!grant || (grant.expires_at !== null && grant.expires_at <= now)) return undefined;
  const domain = await db.selectFrom('domains').select(['name', 'account_id']).where('id', '=', grant.domain_id).executeTakeFirstOrThrow();
  // The domain changed hands since the invitation: the old holder's offer is void.
  if (domain.account_id !== grant.inviter_account_id) return undefined;
  const inviter = await db.selectFrom('accounts').select('login').where('id', '=', grant.inviter_account_id).executeTakeFirstOrThrow();
  const candidates = await db
    .selectFrom('accounts')
    .select(['id', 'login'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', grant.email.toLowerCase()))
    .where('status', '=', 'active')
    .where('id', '!=', domain.account_id)
    .orderBy('login')
    .execute();
  return { grant, domain: domain.name, inviterLogin: inviter.login, candidates };
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
  if (moved) await moveDomain(db, grant.domain_id, chosen.id, now, grant.id);
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
