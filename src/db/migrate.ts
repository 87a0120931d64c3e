import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db, DbHandle } from './database.ts';
import type { MigrationContext, MigrationStep } from './migrations/helpers.ts';
import { core } from './migrations/0001-core.ts';
import { registryContactsHosts } from './migrations/0002-registry-contacts-hosts.ts';
import { billing } from './migrations/0003-billing.ts';
import { zones } from './migrations/0004-zones.ts';
import { mailGrantsVerification } from './migrations/0005-mail-grants-verification.ts';
import { domains } from './migrations/0007-domains.ts';
import { transfersCor } from './migrations/0008-transfers-cor.ts';
import { expiryReminders } from './migrations/0009-expiry-reminders.ts';
import { internalTransfers } from './migrations/0010-internal-transfers.ts';
import { grantTerms } from './migrations/0011-grant-terms.ts';
import { hashedKeys } from './migrations/0012-hashed-keys.ts';
import { hashedTransferKeys } from './migrations/0013-hashed-transfer-keys.ts';
import { accountProperties } from './migrations/0015-account-properties.ts';
import { jobObjectKeys } from './migrations/0016-job-object-keys.ts';
import { registrarEppPasswords } from './migrations/0018-registrar-epp-passwords.ts';
import { otherProviders } from './migrations/0019-other-providers.ts';
import { registryFrames } from './migrations/0021-registry-frames.ts';
import { accountVersions } from './migrations/0022-account-versions.ts';
import { listIndexes } from './migrations/0022-list-indexes.ts';
import { zoneChanges } from './migrations/0023-zone-changes.ts';
import { idempotencyKeys } from './migrations/0025-idempotency-keys.ts';
import { accountRoles } from './migrations/0026-account-roles.ts';
import { accessPolicies } from './migrations/0027-access-policies.ts';
import { pollMessageOutcomes } from './migrations/0028-poll-message-outcomes.ts';
import { nameTrigrams } from './migrations/0029-name-trigrams.ts';
import { dnssec } from './migrations/0033-dnssec.ts';
import { domainListOrder } from './migrations/0037-domain-list-order.ts';
import { resultsCreated } from './migrations/0038-results-created.ts';

/** Ordered list of migrations; names sort in the order they must run. Append, never edit. */
const all: Array<[string, (ctx: MigrationContext) => MigrationStep]> = [
  ['0001-core', core],
  ['0002-registry-contacts-hosts', registryContactsHosts],
  ['0003-billing', billing],
  ['0004-zones', zones],
  ['0005-mail-grants-verification', mailGrantsVerification],
  ['0007-domains', domains],
  ['0008-transfers-cor', transfersCor],
  ['0009-expiry-reminders', expiryReminders],
  ['0010-internal-transfers', internalTransfers],
  ['0011-grant-terms', grantTerms],
  ['0012-hashed-keys', hashedKeys],
  ['0013-hashed-transfer-keys', hashedTransferKeys],
  ['0015-account-properties', accountProperties],
  ['0016-job-object-keys', jobObjectKeys],
  ['0018-registrar-epp-passwords', registrarEppPasswords],
  ['0019-other-providers', otherProviders],
  ['0021-registry-frames', registryFrames],
  ['0022-account-versions', accountVersions],
  ['0022-list-indexes', listIndexes],
  ['0023-zone-changes', zoneChanges],
  ['0025-idempotency-keys', idempotencyKeys],
  ['0026-account-roles', accountRoles],
  ['0027-access-policies', accessPolicies],
  ['0028-poll-message-outcomes', pollMessageOutcomes],
  ['0029-name-trigrams', nameTrigrams],
  ['0033-dnssec', dnssec],
  ['0037-domain-list-order', domainListOrder],
  ['0038-results-created', resultsCreated],
];

class StaticProvider implements MigrationProvider {
  private readonly ctx: MigrationContext;
  constructor(ctx: MigrationContext) {
    this.ctx = ctx;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(all.map(([name, make]) => [name, make(this.ctx)]));
  }
}

/** Migrations of this version that the database has not run (readiness: the schema is current when none). */
export async function missingMigrations(db: Db): Promise<string[]> {
  const done = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const have = new Set(done.rows.map((r) => r.name));
  return all.map(([name]) => name).filter((name) => !have.has(name));
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrate(handle: DbHandle): Promise<string[]> {
  // On PostgreSQL, name the schema: Kysely otherwise sees the migration tables of any schema in
  // the database (another instance's, a parallel test's) and skips creating its own.
  const schema = handle.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(handle.db)).rows[0]?.s : undefined;
  // Numbers are reserved per branch of work, so one may land after a higher one: each migration
  // stands alone, and a database that has the higher one still gets the lower one.
  const migrator = new Migrator({ db: handle.db, provider: new StaticProvider({ dialect: handle.dialect }), allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    // Before migrating, Kysely reads the catalog of every schema; DDL in another schema meanwhile
    // (parallel test runs creating and dropping theirs) can fail that read (3F000, 42703 …).
    // Nothing has run then (no results), so trying again is safe; a real fault repeats.
    if (error && results === undefined && attempt < 5) {
      await new Promise((r) => setTimeout(r, 50 * attempt));
      continue;
    }
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }
}
