import type { Executor } from '../../src/db/database.ts';
import type { ContactFields } from '../../src/core/contact.ts';
import { DAY } from '../../src/core/clock.ts';
import { createAccount } from '../../src/services/accounts.ts';
import { setDelegation } from '../../src/services/domains.ts';
import { insertDomain } from './domain-rows.ts';

/**
 * What RDAP and WHOIS tests look at, written straight into the database: two resellers, an
 * organisation's contact, a natural person's, and domains unprotected, under pro privacy,
 * owned by the person, an IDN, and one of the other reseller. Every value is distinct, so a test
 * can search an answer for it and know it leaked.
 */
export const org: ContactFields = {
  name: 'Ada Admin', organization: 'Acme Widgets Ltd', individual: 'N', email: 'ada@acme.example', phone: '+1.4155550001', fax: '+1.4155550002',
  'address-1': '1 Harbour Road', city: 'Portsmouth', state: 'NH', 'postal-code': '03801', country: 'US',
};
export const person: ContactFields = {
  name: 'Paula Person', email: 'paula@home.example', phone: '+49.301234567', 'address-1': 'Gartenweg 5', city: 'Berlin', state: 'BE', 'postal-code': '10115', country: 'DE',
};
export const bobPerson: ContactFields = { name: 'Bob Builder', email: 'bob-owner@example.net', phone: '+1.2125550199', 'address-1': '9 Side Street', city: 'Albany', 'postal-code': '12207', country: 'US' };

export const handles = { org: 'CCOM-9001', person: 'CCOM-9002', bob: 'CCOM-9003', unused: 'CCOM-9004' } as const;
export const names = { open: 'open-org.com', pro: 'private-pro.com', personal: 'person-owned.com', idn: 'xn--bcher-kva.com', bob: 'bob-shop.net' } as const;
export const host = { name: 'ns1.open-org.com', ipv4: '192.0.2.53', ipv6: '2001:db8::53' } as const;

async function contact(db: Executor, accountId: number, handle: string, f: ContactFields, now: number) {
  await db.insertInto('contacts').values({ account_id: accountId, handle, tld: 'com', name: f.name ?? '', organization: f.organization ?? '', email: f.email ?? '', fields: JSON.stringify(f), created_at: now, updated_at: now }).execute();
}

async function domain(db: Executor, accountId: number, name: string, owner: string, admin: string, now: number, extra: Record<string, string | number | null> = {}) {
  const id = await insertDomain(db, accountId, name, now);
  await db.updateTable('domains').set({ owner_c: owner, admin_c: admin, tech_c: admin, billing_c: admin, roid: `D${id}-SIM`, ...extra }).where('id', '=', id).execute();
  return id;
}

export async function directoryWorld(db: Executor, now: number) {
  const alice = await createAccount(db, { login: 'dir-alice', email: 'alice-account@reseller.example' }, now);
  const bob = await createAccount(db, { login: 'dir-bob', email: 'bob-account@reseller.example' }, now);
  await contact(db, alice.id, handles.org, org, now);
  await contact(db, alice.id, handles.person, person, now);
  await contact(db, bob.id, handles.bob, bobPerson, now);
  await contact(db, bob.id, handles.unused, { ...org, name: 'Nobody Uses', email: 'unused@acme.example' }, now);
  const open = await domain(db, alice.id, names.open, handles.org, handles.org, now, { locked: 1 });
  await db.insertInto('hosts').values({ account_id: alice.id, name: host.name, ipv4: host.ipv4, ipv6: host.ipv6, created_at: now, updated_at: now }).execute();
  await setDelegation(db, open, [host.name, 'a.ns.joker.com']);
  const pro = await domain(db, alice.id, names.pro, handles.org, handles.org, now, { privacy: 'pro', privacy_origin: 'pro', privacy_expires_at: now + 365 * DAY });
  await setDelegation(db, pro, ['a.ns.joker.com', 'b.ns.joker.com']);
  const personal = await domain(db, alice.id, names.personal, handles.person, handles.org, now);
  await setDelegation(db, personal, ['a.ns.joker.com']);
  await domain(db, alice.id, names.idn, handles.org, handles.org, now, { dnssec: JSON.stringify({ kind: 'ds', records: [{ keyTag: 12345, algorithm: 13, digestType: 2, digest: 'A'.repeat(64) }] }) });
  const b = await domain(db, bob.id, names.bob, handles.bob, handles.bob, now);
  await setDelegation(db, b, ['a.ns.joker.com']);
  return { alice, bob };
}
