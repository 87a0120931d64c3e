import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { ContactsTable } from '../db/schema.ts';
import type { RawParams } from '../dmapi/command.ts';
import { DmapiError, type ErrorKey } from '../dmapi/errors.ts';
import { globMatch, NO_LIMIT } from '../db/sql-helpers.ts';
import {
  contactFieldAliases,
  contactFields,
  immutableFields,
  profileFields,
  validateContact,
  type ContactField,
  type ContactFields,
  type ContactIssue,
  type ContactRules,
  type IssueKind,
} from '../core/contact.ts';
import type { TldCatalogue, TldInfo } from '../tld/catalogue.ts';
import type { ContactPostal, Registry } from '../registry/port.ts';
import { atRegistry } from './registry-errors.ts';

/**
 * Registrar-side contacts: a reseller's handles, validated by core/contact.ts, created at the
 * registry in the worker. Tenancy: every lookup takes the account; another reseller's handle
 * is treated exactly like a missing one.
 */
export type ContactRow = Selectable<ContactsTable>;

/** `!@!` asks to clear an optional field on modify (WWW::Domain::Registry::Joker sends it). */
export const CLEAR = '!@!';

const issueKey: Record<IssueKind, ErrorKey> = { missing: 'PARAM_MISSING', syntax: 'PARAM_SYNTAX', range: 'PARAM_RANGE', policy: 'PARAM_POLICY' };

/** All problems as Error lines; the first one decides the status code. */
export function issuesError(issues: readonly ContactIssue[]): DmapiError {
  const lines = issues.map((i) => (i.kind === 'missing' ? `missing parameter '${i.field}' (${i.message})` : `invalid '${i.field}' (${i.message})`));
  return new DmapiError(issueKey[issues[0]!.kind], lines);
}

/** The contact fields of a request (names lowercased by the dispatcher; aliases folded in). */
export function contactInput(raw: RawParams): { given: ContactFields; clear: ContactField[] } {
  const given: ContactFields = {};
  const clear: ContactField[] = [];
  const take = (field: ContactField, value: string | undefined) => {
    if (value === undefined || value.trim() === '' || given[field] !== undefined || clear.includes(field)) return;
    if (value.trim() === CLEAR) clear.push(field);
    else given[field] = value;
  };
  for (const f of contactFields) take(f, raw[f]);
  for (const [alias, f] of Object.entries(contactFieldAliases)) take(f, raw[alias]);
  return { given, clear };
}

export function rulesFor(tld: TldInfo): ContactRules {
  return { profile: tld.contacts.profile, faxRequired: tld.contacts.faxRequired };
}

export function tldOrFail(tlds: TldCatalogue, name: string, field = 'tld'): TldInfo {
  const t = tlds.get(name.trim().replace(/^\./, ''));
  if (!t) throw new DmapiError('PARAM_RANGE', `invalid '${field}' (${name} is not a TLD this platform offers; see query-tld-list)`);
  return t;
}

/** Checks a new contact for `tld`; returns the normalised fields and any warnings. */
export function checkNewContact(tld: TldInfo, raw: RawParams): { fields: ContactFields; warnings: string[] } {
  const { given } = contactInput(raw);
  const r = validateContact(given, rulesFor(tld));
  if (!r.ok) throw issuesError(r.issues);
  return { fields: r.fields, warnings: r.warnings };
}

export const fieldsOf = (row: Pick<ContactRow, 'fields'>): ContactFields => JSON.parse(row.fields) as ContactFields;

/** The registry's view of a contact: EPP postal info plus the TLD fields as extensions. */
export function toPostal(f: ContactFields, tld: TldInfo): ContactPostal {
  const extensions: Record<string, string> = {};
  for (const k of Object.keys(f) as ContactField[]) {
    if (profileExtension(tld, k) && f[k] !== undefined) extensions[k] = f[k]!;
  }
  return {
    name: f.name ?? '',
    organization: f.organization ?? '',
    street: [f['address-1'], f['address-2'], f['address-3']].filter((s): s is string => s !== undefined),
    city: f.city ?? '',
    state: f.state ?? '',
    postalCode: f['postal-code'] ?? '',
    country: f.country ?? '',
    voice: f.phone ?? '',
    voiceExt: f.extension ?? '',
    fax: f.fax ?? '',
    email: f.email ?? '',
    extensions,
  };
}

const profileExtension = (tld: TldInfo, f: ContactField) => profileFields[tld.contacts.profile].includes(f);

/** Next handle number; handles are unique across the platform, whatever their prefix. */
async function nextHandleNumber(db: Executor): Promise<number> {
  const row = await db
    .updateTable('id_counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'contact-handle')
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/**
 * The registry half of making a contact (a job's outside step): picks a free handle, lets
 * `remember` store it before the create, and creates the contact. `chosen` is the handle an
 * earlier attempt remembered: made already (a lost answer) it is adopted, else created now.
 */
export async function createContactAtRegistry(db: Executor, registry: Registry, tld: TldInfo, fields: ContactFields, chosen: string | null, remember: (handle: string) => Promise<void>): Promise<string> {
  if (chosen !== null) {
    const made = await registry.infoContact(chosen).catch(() => undefined);
    if (made?.sponsor === registry.registrarId) return chosen;
  }
  let handle = chosen;
  if (handle === null || (await registry.checkContact(handle))) {
    // A foreign registrar may already hold a number (planted by an operator): skip it.
    do handle = `${tld.handlePrefix}-${await nextHandleNumber(db)}`;
    while (await registry.checkContact(handle));
    await remember(handle);
  }
  const created = handle;
  await atRegistry(() => registry.createContact(created, toPostal(fields, tld)));
  return created;
}

/** The account's row of a contact the registry has made (the job's transaction). */
export async function insertContact(db: Executor, now: number, accountId: number, tld: TldInfo, handle: string, fields: ContactFields): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ account_id: accountId, handle, tld: tld.tld, name: fields.name ?? '', organization: fields.organization ?? '', email: fields.email ?? '', fields: JSON.stringify(fields), created_at: now, updated_at: now })
    .execute();
}

/** The account's contact with that handle (case-insensitive), or undefined: others' handles look missing. */
export async function findContact(db: Executor, accountId: number, handle: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('account_id', '=', accountId).where('handle', '=', handle.trim().toUpperCase()).executeTakeFirst();
}

export async function contactOrFail(db: Executor, accountId: number, handle: string): Promise<ContactRow> {
  const c = await findContact(db, accountId, handle);
  if (!c) throw new DmapiError('OBJECT_NOT_FOUND', `contact ${handle.trim()} not found`);
  return c;
}

/** A domain (any account's) that names the handle in one of its roles. */
export async function contactUsedBy(db: Executor, handle: string): Promise<string | undefined> {
  const h = handle.toUpperCase();
  const d = await db
    .selectFrom('domains')
    .select('name')
    .where((eb) => eb.or([eb('owner_c', '=', h), eb('admin_c', '=', h), eb('tech_c', '=', h), eb('billing_c', '=', h)]))
    .orderBy('name')
    .limit(1)
    .executeTakeFirst();
  return d?.name;
}

/**
 * contact-modify: the given fields replace the stored ones, empty values change nothing,
 * `!@!` clears an optional field (an empty one stays empty), immutable fields may only be
 * repeated unchanged (`!@!` leaves them), and the
 * result must pass the TLD's rules as a whole. Returns the merged fields.
 */
export function mergeContact(row: ContactRow, tld: TldInfo, given: ContactFields, clear: readonly ContactField[]): { fields: ContactFields; warnings: string[] } {
  const old = fieldsOf(row);
  const issues: ContactIssue[] = [];
  const notes: string[] = [];
  for (const f of immutableFields) {
    const v = given[f];
    if (v !== undefined && v.trim().toUpperCase() !== (old[f] ?? '').toUpperCase()) {
      issues.push({ field: f, kind: 'policy', message: 'cannot be modified after the contact was created' });
    }
  }
  if (issues.length) throw issuesError(issues);
  // Joker's WHMCS module sends `!@!` for the .us fields on every modify of every contact: clearing
  // an empty field is no change, and an unchangeable field that is set stays as it is.
  const cleared = clear.filter((f) => {
    if (old[f] === undefined) return false;
    if (!immutableFields.includes(f)) return true;
    notes.push(`${f}: cannot be cleared after the contact was created; left as it is`);
    return false;
  });
  const merged: ContactFields = { ...old, ...given };
  for (const f of cleared) delete merged[f];
  // fname/lname build the name unless a name is given too (seeds: "simple concatenation").
  if (given.name === undefined && (given.fname !== undefined || given.lname !== undefined) && merged.fname !== undefined && merged.lname !== undefined) delete merged.name;
  const r = validateContact(merged, rulesFor(tld));
  if (!r.ok) throw issuesError(r.issues);
  return { fields: r.fields, warnings: [...notes, ...r.warnings] };
}

export async function saveContactChange(db: Executor, now: number, row: ContactRow, fields: ContactFields): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ name: fields.name ?? '', organization: fields.organization ?? '', email: fields.email ?? '', fields: JSON.stringify(fields), updated_at: now })
    .where('id', '=', row.id)
    .execute();
}

/** TLDs whose handles share `tld`'s prefix: the contacts that may be used with it. */
export function tldsSharingPrefix(tlds: TldCatalogue, tld: TldInfo): string[] {
  return tlds.list().filter((t) => t.handlePrefix === tld.handlePrefix).map((t) => t.tld);
}

/** Whether a contact may be named on a domain under `tld`: same registry handle prefix. */
export function contactUsableFor(tlds: TldCatalogue, row: Pick<ContactRow, 'tld'>, tld: string): boolean {
  const target = tlds.get(tld);
  const own = tlds.get(row.tld);
  return target !== undefined && own !== undefined && own.handlePrefix === target.handlePrefix;
}

/** Plain lists stop here unless from/to ask for a window (seeds: "capped at 10 000"). */
export const LIST_CAP = 10_000;

export async function listContacts(
  db: Executor,
  accountId: number,
  o: { pattern?: string | undefined; tlds?: string[] | undefined; from?: number | undefined; to?: number | undefined },
): Promise<ContactRow[]> {
  let q = db.selectFrom('contacts').selectAll().where('account_id', '=', accountId);
  if (o.pattern) q = q.where(globMatch(db, 'handle', o.pattern));
  if (o.tlds) q = q.where('tld', 'in', o.tlds);
  const from = o.from ?? 1;
  const limit = o.to !== undefined ? Math.max(0, o.to - from + 1) : o.from !== undefined ? NO_LIMIT : LIST_CAP;
  return q.orderBy('id').offset(from - 1).limit(limit).execute();
}
