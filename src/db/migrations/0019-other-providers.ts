import { transactional, type MigrationContext } from './helpers.ts';

/**
 * The registrar that sponsors, in the simulated registry, the name servers of other providers
 * (ns1.example.net, ada.ns.cloudflare.com): a real registry knows them, created long ago by the
 * registrars of their domains, so a delegation may name them without anyone creating them here.
 */
export const otherProviders = (ctx: MigrationContext) =>
  transactional(ctx, async (db) => {
    await db.insertInto('registry_registrars').values({ id: 'sim-others', name: 'Registrars of other DNS providers (simulated)', iana_id: null, created_at: Date.UTC(2020, 0, 1) }).execute();
  });
