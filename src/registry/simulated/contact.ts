import { checkCountry } from '../../core/country.ts';
import { normalizeEmail } from '../../core/email.ts';
import { RegistryError, type ContactInfo, type ContactPostal, type ContactStatus } from '../port.ts';
import { list, type SessionContext } from './context.ts';

// Contact objects (RFC 5733); only the sponsor may read or change one.

export async function checkContact(ctx: SessionContext, id: string): Promise<boolean> {
  return (await ctx.db.selectFrom('registry_contacts').select('id').where('handle', '=', id.toUpperCase()).executeTakeFirst()) !== undefined;
}

function checkPostal(p: ContactPostal): ContactPostal {
  for (const [field, v] of [['name', p.name], ['city', p.city], ['country', p.country], ['email', p.email]] as const) {
    if (!v) throw new RegistryError(2003, `contact ${field} is required`);
  }
  const cc = checkCountry(p.country);
  if (!cc.ok) throw new RegistryError(2005, `contact country is invalid (${cc.reason})`);
  const email = normalizeEmail(p.email);
  if (!email.ok) throw new RegistryError(2005, `contact email is invalid (${email.reason})`);
  for (const [field, v] of [['voice', p.voice], ['fax', p.fax]] as const) {
    if (v && !/^\+\d{1,3}\.\d{1,14}$/.test(v)) throw new RegistryError(2005, `contact ${field} ${v} is not +CC.NUMBER`);
  }
  if (p.street.length > 3) throw new RegistryError(2306, 'at most 3 street lines');
  if (p.postalCode.length > 16) throw new RegistryError(2005, 'postal code longer than 16 characters');
  return { ...p, country: cc.code, email: email.value };
}

async function contactInfo(ctx: SessionContext, row: { id: number; handle: string; sponsor: string; data: string; statuses: string; created_at: number; updated_at: number }): Promise<ContactInfo> {
  const linked = await contactLinked(ctx, row.handle);
  const statuses = list(row.statuses) as ContactStatus[];
  if (statuses.length === 0) statuses.push('ok');
  if (linked) statuses.push('linked');
  return { id: row.handle, roid: `C${row.id}-SIM`, sponsor: row.sponsor, postal: JSON.parse(row.data) as ContactPostal, statuses, createdAt: row.created_at, updatedAt: row.updated_at };
}

async function contactLinked(ctx: SessionContext, handle: string): Promise<string | undefined> {
  const d = await ctx.db
    .selectFrom('registry_domains')
    .select('name')
    .where((eb) => eb.or([eb('registrant', '=', handle), eb('admin_c', '=', handle), eb('tech_c', '=', handle), eb('billing_c', '=', handle)]))
    .orderBy('name')
    .limit(1)
    .executeTakeFirst();
  return d?.name;
}

export async function createContact(ctx: SessionContext, id: string, postal: ContactPostal): Promise<ContactInfo> {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{2,15}$/.test(id)) throw new RegistryError(2005, `contact id ${id} must be 3 to 16 letters, digits or hyphens`);
  const handle = id.toUpperCase();
  if (await checkContact(ctx, handle)) throw new RegistryError(2302, `contact ${handle} exists already`);
  const p = checkPostal(postal);
  const row = await ctx.db
    .insertInto('registry_contacts')
    .values({ handle, sponsor: ctx.registrarId, data: JSON.stringify(p), statuses: '', auth_hash: null, created_at: ctx.now, updated_at: ctx.now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return contactInfo(ctx, row);
}

async function ownContact(ctx: SessionContext, id: string) {
  let q = ctx.db.selectFrom('registry_contacts').selectAll().where('handle', '=', id.toUpperCase());
  if (ctx.dialect === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new RegistryError(2303, `contact ${id} does not exist`);
  if (row.sponsor !== ctx.registrarId) throw new RegistryError(2201, `contact ${id} is sponsored by another registrar`);
  return row;
}

export async function updateContact(ctx: SessionContext, id: string, postal: Partial<ContactPostal>): Promise<ContactInfo> {
  const row = await ownContact(ctx, id);
  const st = list(row.statuses);
  if (st.includes('clientUpdateProhibited') || st.includes('serverUpdateProhibited')) throw new RegistryError(2304, `contact ${row.handle} has an update prohibition`);
  const merged = checkPostal({ ...(JSON.parse(row.data) as ContactPostal), ...postal });
  await ctx.db.updateTable('registry_contacts').set({ data: JSON.stringify(merged), updated_at: ctx.now }).where('id', '=', row.id).execute();
  return contactInfo(ctx, { ...row, data: JSON.stringify(merged), updated_at: ctx.now });
}

export async function deleteContact(ctx: SessionContext, id: string): Promise<void> {
  const row = await ownContact(ctx, id);
  const st = list(row.statuses);
  if (st.includes('clientDeleteProhibited') || st.includes('serverDeleteProhibited')) throw new RegistryError(2304, `contact ${row.handle} has a delete prohibition`);
  const used = await contactLinked(ctx, row.handle);
  if (used) throw new RegistryError(2305, `contact ${row.handle} is used by domain ${used}`);
  await ctx.db.deleteFrom('registry_contacts').where('id', '=', row.id).execute();
}

export async function infoContact(ctx: SessionContext, id: string): Promise<ContactInfo | undefined> {
  const row = await ctx.db.selectFrom('registry_contacts').selectAll().where('handle', '=', id.toUpperCase()).executeTakeFirst();
  if (!row) return undefined;
  if (row.sponsor !== ctx.registrarId) throw new RegistryError(2201, `contact ${id} is sponsored by another registrar`);
  return contactInfo(ctx, row);
}
