import type { Kysely } from 'kysely';
import { transactional, type MigrationContext } from './helpers.ts';

/**
 * What the registrar-side `domains` table needs for the domain requests and the lifecycle
 * (src/services/domains.ts): lifecycle state, registry ROID, privacy subscription, DMAPI
 * properties, DNSSEC, the renew guard, redemption dates and the order that paid the
 * registration. Every column has a default, so inserts written before this migration (tests,
 * other flows) keep working.
 *
 * It also plants joker.com with its name servers (a/b/c and x/y/z.ns.joker.com) in the simulated
 * registry: the seeds' own domain-register examples delegate to them, and an in-bailiwick host
 * can only be named when the registry knows it.
 */
export const domains = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    const add = (name: string, type: 'text' | 'bigint' | 'integer', def?: string | number) =>
      db.schema
        .alterTable('domains')
        .addColumn(name, type, (c) => (def === undefined ? c : c.notNull().defaultTo(def)))
        .execute();
    // active | redemption (deleted or expired, restorable) | pending-delete (no longer restorable)
    await add('status', 'text', 'active');
    await add('roid', 'text');
    // Privacy as in query-domain-list showprivacy: the level in force (off|basic|pro), the level bought, and when it ends.
    await add('privacy', 'text', 'off');
    await add('privacy_origin', 'text', 'off');
    await add('privacy_expires_at', 'bigint');
    await add('registrar_tag', 'text');
    await add('language', 'text');
    await add('whois_opt_out', 'integer', 0);
    await add('gdpr_opt_in', 'integer', 0);
    // JSON DnssecData (registry/port.ts) as last sent to the registry; null when unsigned.
    await add('dnssec', 'text');
    // The 6-hour renew guard: when the last (accepted) renewal was requested.
    await add('last_renewed_at', 'bigint');
    await add('deleted_at', 'bigint');
    await add('redemption_ends_at', 'bigint');
    await add('purge_at', 'bigint');
    // The create order, refunded by a delete within 72 hours (gTLDs).
    await add('create_order_id', 'bigint');
    // domain-delete type=endoflife: let the domain lapse at its expiry.
    await add('delete_at_expiry', 'integer', 0);
    await db.schema.createIndex('domains_lifecycle').on('domains').columns(['status', 'expires_at']).execute();
    await db.schema.createIndex('domains_privacy_expiry').on('domains').column('privacy_expires_at').execute();

    await plantJoker(db);
  });

async function plantJoker(db: Kysely<any>): Promise<void> {
  const at = Date.parse('2020-01-01T00:00:00Z');
  const exists = await db.selectFrom('registry_domains').select('id').where('name', '=', 'joker.com').executeTakeFirst();
  if (exists) return;
  await db.insertInto('registry_registrars').values({ id: 'sim-joker', name: 'Joker.com (simulated)', iana_id: null, created_at: at }).execute();
  await db
    .insertInto('registry_contacts')
    .values({
      handle: 'JK-1',
      sponsor: 'sim-joker',
      data: JSON.stringify({ name: 'Hostmaster', organization: 'Joker.com (simulated)', street: ['1 Example Street'], city: 'Duesseldorf', state: '', postalCode: '40210', country: 'DE', voice: '+49.2111234567', voiceExt: '', fax: '', email: 'hostmaster@joker.com', extensions: {} }),
      statuses: '',
      auth_hash: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const domain = await db
    .insertInto('registry_domains')
    .values({
      name: 'joker.com',
      tld: 'com',
      sponsor: 'sim-joker',
      created_by: 'sim-joker',
      registrant: 'JK-1',
      admin_c: 'JK-1',
      tech_c: 'JK-1',
      billing_c: 'JK-1',
      statuses: 'clientDeleteProhibited,clientTransferProhibited',
      auth_hash: null,
      auth_expires_at: null,
      dnssec: null,
      created_at: Date.parse('1998-02-11T10:00:00Z'),
      updated_at: at,
      expires_at: Date.parse('2035-02-10T10:00:00Z'),
      transferred_at: null,
      rgp_status: null,
      rgp_ends_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const hosts = ['a', 'b', 'c', 'x', 'y', 'z'].map((l, i) => ({ name: `${l}.ns.joker.com`, ipv4: `194.245.148.${200 + i}` }));
  let position = 0;
  for (const h of hosts) {
    const row = await db
      .insertInto('registry_hosts')
      .values({ name: h.name, sponsor: 'sim-joker', domain_id: domain.id, ipv4: h.ipv4, ipv6: '', statuses: '', created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (position < 3) await db.insertInto('registry_domain_ns').values({ domain_id: domain.id, position: position++, host_id: row.id }).execute();
  }
}
