import type { Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { Executor } from '../db/database.ts';
import type { OwnerChangesTable } from '../db/schema.ts';
import type { ContactFields } from '../core/contact.ts';
import { DAY } from '../core/clock.ts';
import { isoDate } from '../core/dates.ts';
import { DmapiError } from '../dmapi/errors.ts';
import type { RawParams } from '../dmapi/command.ts';
import { recordOrder } from '../billing/ledger.ts';
import { enqueue } from '../jobs/queue.ts';
import type { OutsideContext } from '../jobs/worker.ts';
import { queueMail, type MailContext } from '../mail/outbox.ts';
import { answerUrl } from '../mail/links.ts';
import { isPlainAddress } from '../mail/address.ts';
import { ownerChangeConfirmationMail, ownerChangeNoticeMail } from '../mail/templates.ts';
import { registryOf } from '../registry/index.ts';
import { atRegistry } from './registry-errors.ts';
import { completeResult } from './results.ts';
import { checkNewContact, createContactAtRegistry, fieldsOf, insertContact } from './contacts.ts';
import { isPostgres } from './domain-access.ts';
import { keyHash } from './answer-keys.ts';
import { domainFor, isGenericTld, lockNames, resultLines } from './domains.ts';
import { startVerification } from './verification.ts';
import { recordEvent } from './events.ts';

/**
 * Change of registrant (domain-owner-change, cor-verify), after ICANN's IRTP-C (registry-rules
 * §1.3): a *material* change — the registrant's name, organisation or e-mail — needs the current
 * registrant's confirmation, mailed to them with a key; it is given on the answer page or by the
 * reseller with cor-verify. Once confirmed the worker makes a contact for the new registrant, sets
 * it at the registry, notifies both registrants, and locks the domain against transfers to
 * another registrar for 60 days unless the request said lock-opt-out=yes. A change that is not
 * material (address, phone …) is made at once, without confirmation or lock.
 *
 * The request's result stays pending until the change is made (ack) or refused, expired or failed
 * (nack).
 */

export type OwnerChangeRow = Selectable<OwnerChangesTable>;

/** The answer-page kind of the confirmation link. */
export const COR_PAGE = 'cor';
export const COR_APPLY_JOB = 'owner-change-apply';
/** How long the current registrant has to confirm. */
export const COR_CONFIRM_DAYS = 14;
/** IRTP-C: no transfer to another registrar for 60 days after a material change. */
export const COR_LOCK_DAYS = 60;

export interface FlowContext {
  readonly db: Executor;
  readonly now: number;
  readonly deps: AppDeps;
}

const same = (a: string | undefined, b: string | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

/**
 * Request time: the domain (the account must manage it), the new registrant checked against the
 * TLD's contact rules, no other change waiting, and — for a material change — the confirmation
 * mailed to the current registrant.
 */
export async function acceptOwnerChange(
  ctx: FlowContext & { readonly account: { readonly id: number }; readonly procId: number; readonly raw: RawParams },
  p: { domain: string; lockOptOut: boolean },
): Promise<{ change: OwnerChangeRow; warnings: string[] }> {
  const { db, now, deps } = ctx;
  const d = await domainFor(ctx, p.domain, 'manage');
  const tld = deps.tlds.get(d.tld);
  if (!tld) throw new DmapiError('PARAM_POLICY', `.${d.tld} is no longer offered (domain ${d.name})`);
  const { fields, warnings } = checkNewContact(tld, ctx.raw);
  const waiting = await db.selectFrom('owner_changes').select(['id', 'state']).where('domain_id', '=', d.id).where('state', 'in', ['pending', 'confirmed']).executeTakeFirst();
  if (waiting) throw new DmapiError('STATUS_PROHIBITS', `a change of the owner of ${d.name} is already waiting (${waiting.state === 'pending' ? 'for the registrant\'s confirmation' : 'to be made'})`);
  const old = d.owner_c ? await db.selectFrom('contacts').selectAll().where('handle', '=', d.owner_c).executeTakeFirst() : undefined;
  const oldFields: ContactFields = old ? fieldsOf(old) : {};
  const material = !old || !same(oldFields.name, fields.name) || !same(oldFields.organization, fields.organization) || !same(oldFields.email, fields.email);
  let key: string | null = null;
  let recipient: string | null = null;
  if (material) {
    recipient = oldFields.email?.trim().toLowerCase() ?? null;
    if (!recipient || !isPlainAddress(recipient)) throw new DmapiError('STATUS_PROHIBITS', `the current owner of ${d.name} has no e-mail address to confirm the change with`);
    // Mailed once and never shown again: only its hash is kept.
    key = deps.keys.issue('owner-change').key;
  }
  const deadline = now + COR_CONFIRM_DAYS * DAY;
  const change = await db
    .insertInto('owner_changes')
    .values({
      // The requesting account (holder or grantee): cor-verify answers only its own keys.
      account_id: ctx.account.id,
      domain_id: d.id,
      domain: d.name,
      result_id: ctx.procId,
      state: material ? 'pending' : 'confirmed',
      confirm_key: key === null ? null : keyHash(key),
      recipient,
      old_owner: d.owner_c,
      new_owner: null,
      fields: JSON.stringify(fields),
      material: material ? 1 : 0,
      lock_opt_out: p.lockOptOut ? 1 : 0,
      reason: null,
      created_at: now,
      deadline_at: deadline,
      answered_at: null,
      applied_at: null,
      lock_until: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (material) {
    const { config } = deps;
    const mail = ownerChangeConfirmationMail({
      domain: d.name,
      currentName: oldFields.name ?? '',
      newName: fields.name ?? '',
      newOrganization: fields.organization ?? '',
      newEmail: fields.email ?? '',
      lockOptOut: p.lockOptOut,
      link: answerUrl(config, COR_PAGE, key!),
      key: key!,
      deadline,
      publicUrl: config.publicUrl,
    });
    await queueMail(ctx, { to: recipient!, kind: 'cor-confirmation', ...mail, accountId: d.account_id, object: d.name });
  }
  return { change, warnings };
}

export type CorAnswerOutcome =
  | { outcome: 'confirmed' | 'rejected' | 'expired'; domain: string }
  | { outcome: 'unknown' }
  | { outcome: 'closed'; domain: string };

/**
 * The current registrant's answer (answer page; or cor-verify, with `accountId` limiting the key
 * to the account's own changes). Yes: the worker makes the change. No: the change is refused.
 */
export async function answerOwnerChange(ctx: MailContext, key: string, answer: 'yes' | 'no', accountId?: number): Promise<CorAnswerOutcome> {
  const { db, now } = ctx;
  let q = db.selectFrom('owner_changes').select('id').where('confirm_key', '=', keyHash(key));
  if (accountId !== undefined) q = q.where('account_id', '=', accountId);
  const found = await q.executeTakeFirst();
  if (!found) return { outcome: 'unknown' };
  const c = (await lockedChange(db, found.id))!;
  if (c.state !== 'pending') return { outcome: 'closed', domain: c.domain };
  if (c.deadline_at <= now) {
    await endChange(db, now, c, 'expired', `the change of registrant of ${c.domain} was not confirmed by ${isoDate(c.deadline_at)}`);
    return { outcome: 'expired', domain: c.domain };
  }
  if (answer === 'no') {
    await endChange(db, now, c, 'rejected', `the current registrant refused the change of registrant of ${c.domain}`);
    return { outcome: 'rejected', domain: c.domain };
  }
  await db.updateTable('owner_changes').set({ state: 'confirmed', answered_at: now }).where('id', '=', c.id).where('state', '=', 'pending').execute();
  await enqueue(db, now, COR_APPLY_JOB, { id: c.id }, { accountId: c.account_id, objectKey: `domain:${c.domain}` });
  return { outcome: 'confirmed', domain: c.domain };
}

/**
 * The registry half of a confirmed change (the apply job's outside step): the new registrant's
 * contact, then the domain's registrant. The handle is stored on the change before the contact
 * is created, so a retry after a lost answer adopts that contact instead of making another.
 * Undefined when the change is not (or no longer) confirmed.
 */
export async function ownerChangeAtRegistry(deps: AppDeps, id: number, o: OutsideContext): Promise<string | undefined> {
  const { db } = deps;
  const c = await db.selectFrom('owner_changes').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c || c.state !== 'confirmed') return undefined;
  const d = await db.selectFrom('domains').selectAll().where('id', '=', c.domain_id).executeTakeFirst();
  if (!d || d.status !== 'active') throw new DmapiError('STATUS_PROHIBITS', `${c.domain} is no longer active; its owner was not changed`);
  const tld = deps.tlds.get(d.tld);
  if (!tld) throw new DmapiError('PARAM_POLICY', `.${d.tld} is no longer offered`);
  const registry = registryOf(deps).open(db, o.now);
  const remember = async (handle: string) => void (await db.updateTable('owner_changes').set({ new_owner: handle }).where('id', '=', c.id).execute());
  const handle = await createContactAtRegistry(db, registry, tld, JSON.parse(c.fields) as ContactFields, c.new_owner, remember);
  // Setting the registrant it already has changes nothing: a retry may repeat it.
  await atRegistry(() => registry.updateDomain(d.name, { registrant: handle }));
  return handle;
}

/**
 * Makes a confirmed change locally once the registry has it (the worker): the new contact, the
 * owner on the domain, the IRTP-C lock, notices to both registrants, whois verification of a new
 * gTLD owner address. Returns the result's text lines; undefined when the change is not (or no
 * longer) confirmed.
 */
export async function applyOwnerChange(ctx: FlowContext, id: number, handle: string | undefined): Promise<Array<[string, string]> | undefined> {
  const { db, now, deps } = ctx;
  const c = await lockedChange(db, id);
  if (!c || c.state !== 'confirmed' || handle === undefined) return undefined;
  await lockNames(db, [`domain:${c.domain}`]);
  const d = await db.selectFrom('domains').selectAll().where('id', '=', c.domain_id).executeTakeFirst();
  const tld = d && deps.tlds.get(d.tld);
  if (!d || !tld) throw new DmapiError('STATUS_PROHIBITS', `${c.domain} is no longer here; its owner was not changed`);
  const fields = JSON.parse(c.fields) as ContactFields;
  await insertContact(db, now, d.account_id, tld, handle, fields);
  await db.updateTable('domains').set({ owner_c: handle, updated_at: now }).where('id', '=', d.id).execute();
  await recordEvent(db, { accountId: d.account_id, type: 'domain.owner-changed', object: d.name, procId: c.result_id, data: { owner: handle, previous: c.old_owner ?? null }, now });
  const lockUntil = c.material && !c.lock_opt_out ? now + COR_LOCK_DAYS * DAY : null;
  await db.updateTable('owner_changes').set({ state: 'applied', applied_at: now, new_owner: handle, lock_until: lockUntil }).where('id', '=', c.id).execute();
  await recordOrder(db, { accountId: d.account_id, type: 'cor', identifier: d.name, tld: d.tld, procId: c.result_id, now, status: 'ok' });

  const lines: Array<[string, string]> = [['result_msg', `the owner of ${d.name} is now ${handle} (${fields.name ?? ''})`], ['owner-c', handle]];
  if (c.old_owner) lines.push(['previous_owner-c', c.old_owner]);
  lines.push(['transfer_lock', lockUntil !== null ? `until ${isoDate(lockUntil)}` : c.material ? 'none (lock-opt-out)' : 'none (not a material change)']);
  if (c.material) {
    const notice = ownerChangeNoticeMail({ domain: d.name, newName: fields.name ?? handle, lockUntil, publicUrl: deps.config.publicUrl });
    const to = [...new Set([c.recipient, fields.email?.trim().toLowerCase()].filter((e): e is string => !!e && isPlainAddress(e)))];
    for (const address of to) await queueMail(ctx, { to: address, kind: 'cor-notice', ...notice, accountId: d.account_id, object: d.name });
  }
  if (isGenericTld(d.tld) && fields.email) {
    const v = await startVerification(ctx, { email: fields.email, domain: d.name, accountId: d.account_id });
    if (v.status === 'pending') lines.push(['whois_verification', `pending for ${fields.email} until ${isoDate(v.deadline)}`]);
  }
  return lines;
}

/** The apply job: makes the change and completes the request's result. */
export async function performOwnerChangeJob(ctx: FlowContext, id: number, handle: string | undefined): Promise<void> {
  const lines = await applyOwnerChange(ctx, id, handle);
  if (!lines) return;
  const c = (await ctx.db.selectFrom('owner_changes').select(['result_id', 'domain']).where('id', '=', id).executeTakeFirstOrThrow());
  await completeResult(ctx.db, c.result_id, { status: 'ack', object: c.domain, text: resultLines(lines) }, ctx.now);
}

/** A change whose making failed (its writes rolled back): marked failed, and its result a nack unless the worker writes it. */
export async function failOwnerChange(ctx: FlowContext, id: number, reason: string, nack: boolean): Promise<void> {
  const c = await lockedChange(ctx.db, id);
  if (!c || (c.state !== 'confirmed' && c.state !== 'pending')) return;
  await ctx.db.updateTable('owner_changes').set({ state: 'failed', reason }).where('id', '=', c.id).execute();
  if (nack) await completeResult(ctx.db, c.result_id, { status: 'nack', object: c.domain, text: resultLines([['result_msg', reason]]) }, ctx.now);
}

/** The scheduler's step: changes nobody confirmed in time end as expired. */
export async function runOwnerChangeDeadlines(deps: AppDeps, now: number): Promise<string[]> {
  const due = await deps.db.selectFrom('owner_changes').select(['id', 'domain']).where('state', '=', 'pending').where('deadline_at', '<=', now).orderBy('deadline_at').limit(500).execute();
  const expired: string[] = [];
  for (const x of due) {
    await deps.db.transaction().execute(async (db) => {
      const c = await lockedChange(db, x.id);
      if (!c || c.state !== 'pending' || c.deadline_at > now) return;
      await endChange(db, now, c, 'expired', `the change of registrant of ${c.domain} was not confirmed by ${isoDate(c.deadline_at)}`);
      expired.push(c.domain);
    });
  }
  return expired;
}

/** The IRTP-C lock on a domain at `now`: the end of the latest lock of an applied change, or null. */
export async function corLockUntil(db: Executor, domainId: number, now: number): Promise<number | null> {
  const row = await db
    .selectFrom('owner_changes')
    .select((eb) => eb.fn.max('lock_until').as('until'))
    .where('domain_id', '=', domainId)
    .where('state', '=', 'applied')
    .where('lock_until', '>', now)
    .executeTakeFirst();
  return row?.until != null ? Number(row.until) : null;
}

/** What the confirmation page shows. */
export async function describeOwnerChange(db: Executor, key: string): Promise<{ change: OwnerChangeRow; currentName: string; fields: ContactFields } | undefined> {
  const change = await db.selectFrom('owner_changes').selectAll().where('confirm_key', '=', keyHash(key)).executeTakeFirst();
  if (!change) return undefined;
  const old = change.old_owner ? await db.selectFrom('contacts').select('name').where('handle', '=', change.old_owner).executeTakeFirst() : undefined;
  return { change, currentName: old?.name ?? '', fields: JSON.parse(change.fields) as ContactFields };
}

async function endChange(db: Executor, now: number, c: OwnerChangeRow, state: 'rejected' | 'expired', reason: string): Promise<void> {
  await db.updateTable('owner_changes').set({ state, reason, answered_at: now }).where('id', '=', c.id).execute();
  await completeResult(db, c.result_id, { status: 'nack', object: c.domain, text: resultLines([['result_msg', reason]]) }, now);
}

async function lockedChange(db: Executor, id: number): Promise<OwnerChangeRow | undefined> {
  let q = db.selectFrom('owner_changes').selectAll().where('id', '=', id);
  if (isPostgres(db)) q = q.forUpdate();
  return q.executeTakeFirst();
}
