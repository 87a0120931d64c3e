import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { transactional, withId, type MigrationContext } from './helpers.ts';

/**
 * The registrar's contacts and name servers, the links domains need to them, and the
 * simulated registry's own state (prefix `registry_`): registrars, domains, hosts, contacts,
 * grace periods, transfers and poll messages. Seeds the simulated registry with a few names
 * held by other (simulated) registrars, so availability, transfer-in and whois behave like a
 * real registry from the first start.
 */
export const registryContactsHosts = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    // --- registrar side ---
    await withId(ctx, db.schema.createTable('contacts'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('handle', 'text', (c) => c.notNull().unique())
      .addColumn('tld', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('organization', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('contacts_account').on('contacts').columns(['account_id', 'id']).execute();

    await withId(ctx, db.schema.createTable('hosts'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('ipv4', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('ipv6', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hosts_account').on('hosts').columns(['account_id', 'name']).execute();

    for (const role of ['owner_c', 'admin_c', 'tech_c', 'billing_c']) {
      await db.schema.alterTable('domains').addColumn(role, 'text').execute();
      await db.schema.createIndex(`domains_${role}`).on('domains').column(role).execute();
    }
    await db.schema
      .createTable('domain_nameservers')
      .addColumn('domain_id', 'bigint', (c) => c.notNull().references('domains.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('domain_nameservers_pk', ['domain_id', 'position'])
      .execute();
    await db.schema.createIndex('domain_nameservers_host').on('domain_nameservers').column('host').execute();

    await db.schema
      .createTable('id_counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();
    // Handles start at <prefix>-1001: short numbers look like test data to some clients.
    await db.insertInto('id_counters').values({ name: 'contact-handle', value: 1000 }).execute();

    // --- the simulated registry ---
    await db.schema
      .createTable('registry_registrars')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('iana_id', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(ctx, db.schema.createTable('registry_contacts'))
      .addColumn('handle', 'text', (c) => c.notNull().unique())
      .addColumn('sponsor', 'text', (c) => c.notNull().references('registry_registrars.id'))
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('statuses', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('auth_hash', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(ctx, db.schema.createTable('registry_domains'))
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('tld', 'text', (c) => c.notNull())
      .addColumn('sponsor', 'text', (c) => c.notNull().references('registry_registrars.id'))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('registrant', 'text')
      .addColumn('admin_c', 'text')
      .addColumn('tech_c', 'text')
      .addColumn('billing_c', 'text')
      .addColumn('statuses', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('auth_hash', 'text')
      .addColumn('auth_expires_at', 'bigint')
      .addColumn('dnssec', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('transferred_at', 'bigint')
      .addColumn('rgp_status', 'text')
      .addColumn('rgp_ends_at', 'bigint')
      .execute();
    await db.schema.createIndex('registry_domains_sponsor').on('registry_domains').columns(['sponsor', 'name']).execute();
    await db.schema.createIndex('registry_domains_expires').on('registry_domains').column('expires_at').execute();
    for (const role of ['registrant', 'admin_c', 'tech_c', 'billing_c']) {
      await db.schema.createIndex(`registry_domains_${role}`).on('registry_domains').column(role).execute();
    }

    await withId(ctx, db.schema.createTable('registry_hosts'))
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('sponsor', 'text', (c) => c.notNull().references('registry_registrars.id'))
      .addColumn('domain_id', 'bigint', (c) => c.references('registry_domains.id'))
      .addColumn('ipv4', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('ipv6', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('statuses', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('registry_hosts_domain').on('registry_hosts').column('domain_id').execute();

    await db.schema
      .createTable('registry_domain_ns')
      .addColumn('domain_id', 'bigint', (c) => c.notNull().references('registry_domains.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('host_id', 'bigint', (c) => c.notNull().references('registry_hosts.id'))
      .addPrimaryKeyConstraint('registry_domain_ns_pk', ['domain_id', 'position'])
      .execute();
    await db.schema.createIndex('registry_domain_ns_host').on('registry_domain_ns').column('host_id').execute();

    await withId(ctx, db.schema.createTable('registry_grace'))
      .addColumn('domain_id', 'bigint', (c) => c.notNull().references('registry_domains.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('registrar', 'text', (c) => c.notNull())
      .addColumn('months', 'integer', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('registry_grace_domain').on('registry_grace').column('domain_id').execute();

    await withId(ctx, db.schema.createTable('registry_transfers'))
      .addColumn('domain_id', 'bigint', (c) => c.notNull().references('registry_domains.id').onDelete('cascade'))
      .addColumn('gaining', 'text', (c) => c.notNull())
      .addColumn('losing', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('period_months', 'integer', (c) => c.notNull())
      .addColumn('requested_at', 'bigint', (c) => c.notNull())
      .addColumn('act_by', 'bigint', (c) => c.notNull())
      .addColumn('completed_at', 'bigint')
      .execute();
    await db.schema.createIndex('registry_transfers_domain').on('registry_transfers').columns(['domain_id', 'status']).execute();

    await withId(ctx, db.schema.createTable('registry_messages'))
      .addColumn('registrar', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('object', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('acked_at', 'bigint')
      .execute();
    await db.schema.createIndex('registry_messages_queue').on('registry_messages').columns(['registrar', 'acked_at', 'id']).execute();

    await seed(db);
  });

const at = (iso: string) => Date.parse(iso);
const hash = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * The seeded world. `dmapid` is this platform's own registrar id. Auth codes of the seeded
 * names (for transfer-in tests in the sandbox): transfer-me.com `Tr4nsfer-Me.2026`,
 * acme-widgets.net `Acme-Widgets-42`, nordlicht.eu `Nordlicht-EU-7`; `dmapid registry
 * auth-code <domain>` sets a fresh one for any foreign name.
 */
async function seed(db: Kysely<any>): Promise<void> {
  const created = at('2020-01-01T00:00:00Z');
  await db
    .insertInto('registry_registrars')
    .values([
      { id: 'dmapid', name: 'dmapid (this platform)', iana_id: null, created_at: created },
      { id: 'iana', name: 'Internet Assigned Numbers Authority (reserved names)', iana_id: 376, created_at: created },
      { id: 'sim-brandguard', name: 'BrandGuard Registrar (simulated)', iana_id: null, created_at: created },
      { id: 'sim-budgetnames', name: 'BudgetNames Ltd (simulated)', iana_id: null, created_at: created },
    ])
    .execute();

  const contact = (handle: string, sponsor: string, name: string, org: string, cc: string, email: string) => ({
    handle,
    sponsor,
    data: JSON.stringify({ name, organization: org, street: ['1 Example Street'], city: 'Exampletown', state: '', postalCode: '12345', country: cc, voice: '+1.3105550100', voiceExt: '', fax: '', email, extensions: {} }),
    statuses: '',
    auth_hash: null,
    created_at: created,
    updated_at: created,
  });
  await db
    .insertInto('registry_contacts')
    .values([
      contact('IANA-1', 'iana', 'Internet Assigned Numbers Authority', 'ICANN', 'US', 'iana@iana.org'),
      contact('BG-70001', 'sim-brandguard', 'Domain Administrator', 'BrandGuard Clients Inc.', 'US', 'domains@brandguard.example'),
      contact('BN-3301', 'sim-budgetnames', 'Kari Nordmann', '', 'NO', 'kari@budgetnames.example'),
    ])
    .execute();

  type Seed = { name: string; sponsor: string; registrant: string; created: string; expires: string; statuses?: string; code?: string };
  const domains: Seed[] = [
    { name: 'example.com', sponsor: 'iana', registrant: 'IANA-1', created: '1995-08-14', expires: '2035-08-13', statuses: 'clientDeleteProhibited,clientTransferProhibited,clientUpdateProhibited,serverDeleteProhibited,serverTransferProhibited,serverUpdateProhibited' },
    { name: 'example.net', sponsor: 'iana', registrant: 'IANA-1', created: '1995-01-17', expires: '2035-01-16', statuses: 'clientDeleteProhibited,clientTransferProhibited,clientUpdateProhibited,serverDeleteProhibited,serverTransferProhibited,serverUpdateProhibited' },
    { name: 'example.org', sponsor: 'iana', registrant: 'IANA-1', created: '1995-08-31', expires: '2035-08-30', statuses: 'clientDeleteProhibited,clientTransferProhibited,clientUpdateProhibited,serverDeleteProhibited,serverTransferProhibited,serverUpdateProhibited' },
    { name: 'brandguard.com', sponsor: 'sim-brandguard', registrant: 'BG-70001', created: '2009-04-02', expires: '2031-04-02', statuses: 'clientTransferProhibited,clientDeleteProhibited' },
    { name: 'acme-widgets.com', sponsor: 'sim-brandguard', registrant: 'BG-70001', created: '2012-06-11', expires: '2030-06-11', statuses: 'clientTransferProhibited' },
    { name: 'acme-widgets.net', sponsor: 'sim-budgetnames', registrant: 'BN-3301', created: '2014-02-20', expires: '2029-02-20', code: 'Acme-Widgets-42' },
    { name: 'transfer-me.com', sponsor: 'sim-budgetnames', registrant: 'BN-3301', created: '2018-09-09', expires: '2028-09-09', code: 'Tr4nsfer-Me.2026' },
    { name: 'coffee-lovers.org', sponsor: 'sim-budgetnames', registrant: 'BN-3301', created: '2016-03-03', expires: '2029-03-03' },
    { name: 'bluebird.de', sponsor: 'sim-budgetnames', registrant: 'BN-3301', created: '2011-11-11', expires: '2030-11-11' },
    { name: 'nordlicht.eu', sponsor: 'sim-budgetnames', registrant: 'BN-3301', created: '2015-05-05', expires: '2030-05-05', code: 'Nordlicht-EU-7' },
    { name: 'maple.co.uk', sponsor: 'sim-budgetnames', registrant: 'BN-3301', created: '2013-07-07', expires: '2030-07-07' },
    { name: 'startup-hub.io', sponsor: 'sim-brandguard', registrant: 'BG-70001', created: '2019-10-10', expires: '2030-10-10' },
  ];
  for (const d of domains) {
    const row = await db
      .insertInto('registry_domains')
      .values({
        name: d.name,
        tld: d.name.slice(d.name.indexOf('.') + 1),
        sponsor: d.sponsor,
        created_by: d.sponsor,
        registrant: d.registrant,
        admin_c: d.registrant,
        tech_c: d.registrant,
        billing_c: d.registrant,
        statuses: d.statuses ?? '',
        auth_hash: d.code ? hash(d.code) : null,
        auth_expires_at: null,
        dnssec: null,
        created_at: at(`${d.created}T10:00:00Z`),
        updated_at: at(`${d.created}T10:00:00Z`),
        expires_at: at(`${d.expires}T10:00:00Z`),
        transferred_at: null,
        rgp_status: null,
        rgp_ends_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const hosts: Array<{ name: string; ipv4: string; ipv6: string; sub: boolean }> =
      d.name === 'brandguard.com'
        ? [
            { name: 'ns1.brandguard.com', ipv4: '45.76.10.10', ipv6: '2a05:d014:10::53', sub: true },
            { name: 'ns2.brandguard.com', ipv4: '45.76.11.10', ipv6: '', sub: true },
          ]
        : [];
    const ns = hosts.length ? hosts.map((h) => h.name) : ['a.ns.budgetnames.example', 'b.ns.budgetnames.example'];
    let position = 0;
    for (const name of ns) {
      let host = await db.selectFrom('registry_hosts').select('id').where('name', '=', name).executeTakeFirst();
      if (!host) {
        const h = hosts.find((x) => x.name === name);
        host = await db
          .insertInto('registry_hosts')
          .values({ name, sponsor: d.sponsor, domain_id: h?.sub ? row.id : null, ipv4: h?.ipv4 ?? '', ipv6: h?.ipv6 ?? '', statuses: '', created_at: created, updated_at: created })
          .returning('id')
          .executeTakeFirstOrThrow();
      }
      await db.insertInto('registry_domain_ns').values({ domain_id: row.id, position: position++, host_id: host.id }).execute();
    }
  }
}
