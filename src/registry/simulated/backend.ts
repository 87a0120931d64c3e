import type { Dialect, Executor } from '../../db/database.ts';
import type { TldCatalogue } from '../../tld/catalogue.ts';
import { addMonths } from '../../core/period.ts';
import { DAY } from '../../core/clock.ts';
import { randomToken } from '../../core/ids.ts';
import { RegistryError, clientStatuses, serverStatuses, type ClientStatus, type DomainInfo, type Registry, type RegistrySimulator, type ServerStatus, type SweepReport } from '../port.ts';
import { authHash, classifyDomain } from './rules.ts';
import { RegistrySession, normal } from './session.ts';

/** This platform's registrar id in the simulated registry (seeded by migration 0002). */
export const OWN_REGISTRAR = 'dmapid';

/**
 * The simulated registry: an EPP-faithful model (domains, hosts, contacts, statuses, grace
 * periods, transfers, auth codes, poll queues) kept in the `registry_*` tables of our own
 * database, serving every TLD of the catalogue as one shared registry system.
 */
export class SimulatedRegistry implements RegistrySimulator {
  readonly kind = 'simulated' as const;
  readonly registrarId: string;
  private readonly tlds: TldCatalogue;
  private readonly dialect: Dialect;

  constructor(tlds: TldCatalogue, dialect: Dialect, registrarId = OWN_REGISTRAR) {
    this.tlds = tlds;
    this.dialect = dialect;
    this.registrarId = registrarId;
  }

  open(db: Executor, now: number): Registry {
    return this.openAs(this.registrarId, db, now);
  }

  openAs(registrarId: string, db: Executor, now: number): Registry {
    const make = (x: Executor) => new RegistrySession(this.tlds, this.dialect, x, now, registrarId);
    if (db.isTransaction) return make(db);
    // Outside a transaction (a sync request's read, the CLI) every call gets one of its own, so
    // a read that settles due changes, or any write, is never half applied.
    const session = make(db);
    return new Proxy(session, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => db.transaction().execute((trx) => (make(trx) as unknown as Record<PropertyKey, (...a: unknown[]) => Promise<unknown>>)[prop]!(...args));
      },
    });
  }

  /** Settles every domain with something due; each in its own transaction unless `db` already is one. */
  async sweep(db: Executor, now: number): Promise<SweepReport> {
    const report: SweepReport = { autoRenewed: [], expired: [], transfersApproved: [], purged: [], gracesEnded: 0 };
    const due = await db
      .selectFrom('registry_domains')
      .select(['id', 'name'])
      .where((eb) =>
        eb.or([
          eb.and([eb('rgp_status', 'is', null), eb('expires_at', '<=', now)]),
          eb('rgp_ends_at', '<=', now),
          eb('id', 'in', eb.selectFrom('registry_transfers').select('domain_id').where('status', '=', 'pending').where('act_by', '<=', now)),
          // Foreign registrars that answer by policy (settle decides whether the answer is due).
          eb(
            'id',
            'in',
            eb.selectFrom('registry_transfers').innerJoin('sim_transfer_policies', 'sim_transfer_policies.registrar', 'registry_transfers.losing').select('domain_id').where('status', '=', 'pending').where('sim_transfer_policies.answer', '!=', 'silent'),
          ),
        ]),
      )
      .orderBy('id')
      .execute();
    const inTx = <T>(fn: (tx: Executor) => Promise<T>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
    for (const d of due) {
      await inTx(async (tx) => {
        const before = await tx.selectFrom('registry_messages').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
        const session = new RegistrySession(this.tlds, this.dialect, tx, now, this.registrarId);
        const row = await tx.selectFrom('registry_domains').selectAll().where('id', '=', d.id).executeTakeFirst();
        if (!row) return;
        await session.settle(row);
        const kinds = await tx
          .selectFrom('registry_messages')
          .select('kind')
          .where('object', '=', d.name)
          .where('id', '>', Number(before?.m ?? 0))
          .execute();
        const seen = new Set(kinds.map((k) => k.kind));
        if (seen.has('autorenew')) report.autoRenewed.push(d.name);
        if (seen.has('expired')) report.expired.push(d.name);
        if (seen.has('transfer-auto-approved') || seen.has('transfer-approved')) report.transfersApproved.push(d.name);
        if (seen.has('purged')) report.purged.push(d.name);
      });
    }
    const ended = await db.deleteFrom('registry_grace').where('ends_at', '<=', now).executeTakeFirst();
    report.gracesEnded = Number(ended.numDeletedRows);
    return report;
  }

  async addRegistrar(db: Executor, now: number, r: { id: string; name: string; ianaId?: number | null }): Promise<void> {
    if (!/^[a-z0-9][a-z0-9-]{1,31}$/.test(r.id)) throw new RegistryError(2005, `registrar id ${r.id}: 2-32 lowercase letters, digits or hyphens`);
    const exists = await db.selectFrom('registry_registrars').select('id').where('id', '=', r.id).executeTakeFirst();
    if (exists) throw new RegistryError(2302, `registrar ${r.id} exists already`);
    await db.insertInto('registry_registrars').values({ id: r.id, name: r.name, iana_id: r.ianaId ?? null, created_at: now }).execute();
  }

  async listRegistrars(db: Executor) {
    const rows = await db
      .selectFrom('registry_registrars')
      .leftJoin('registry_domains', 'registry_domains.sponsor', 'registry_registrars.id')
      .select((eb) => ['registry_registrars.id', 'registry_registrars.name', 'registry_registrars.iana_id', eb.fn.count<number>('registry_domains.id').as('domains')])
      .groupBy(['registry_registrars.id', 'registry_registrars.name', 'registry_registrars.iana_id'])
      .orderBy('registry_registrars.id')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, ianaId: r.iana_id, domains: Number(r.domains) }));
  }

  async plantDomain(
    db: Executor,
    now: number,
    d: { name: string; sponsor: string; createdAt?: number; expiresAt?: number; authCode?: string; nameservers?: string[]; statuses?: Array<ClientStatus | ServerStatus>; registrant?: string },
  ): Promise<DomainInfo> {
    if (!db.isTransaction) return db.transaction().execute((trx) => this.plantDomain(trx, now, d));
    const c = classifyDomain(this.tlds, d.name);
    if (!c.ok) throw new RegistryError(c.code, c.reason);
    const sponsor = await db.selectFrom('registry_registrars').select('id').where('id', '=', d.sponsor).executeTakeFirst();
    if (!sponsor) throw new RegistryError(2303, `registrar ${d.sponsor} does not exist`);
    const as = this.openAs(d.sponsor, db, now);
    if ((await as.checkDomain(c.name)).status === 'registered') throw new RegistryError(2302, `domain ${c.name} exists already`);
    for (const s of d.statuses ?? []) if (![...clientStatuses, ...serverStatuses].includes(s)) throw new RegistryError(2004, `${s} is not a settable status`);
    // Old enough that transfer locks are over, and running at least a year.
    const createdAt = d.createdAt ?? now - 400 * DAY;
    const expiresAt = d.expiresAt ?? Math.max(addMonths(createdAt, 24), addMonths(now, 12));
    let registrant = d.registrant?.toUpperCase();
    if (!registrant) {
      registrant = `SIM-${randomToken(4).toUpperCase()}`;
      await as.createContact(registrant, { name: 'Registrant of ' + c.name, organization: '', street: ['1 Example Street'], city: 'Exampletown', state: '', postalCode: '12345', country: 'US', voice: '+1.3105550100', voiceExt: '', fax: '', email: `hostmaster@${c.name}`, extensions: {} });
    } else if (!(await as.checkContact(registrant))) {
      throw new RegistryError(2303, `contact ${registrant} does not exist`);
    }
    const nameservers = (d.nameservers ?? ['ns1.registrar-dns.example', 'ns2.registrar-dns.example']).map(normal);
    const row = await db
      .insertInto('registry_domains')
      .values({
        name: c.name,
        tld: c.tld.tld,
        sponsor: d.sponsor,
        created_by: d.sponsor,
        registrant,
        admin_c: registrant,
        tech_c: registrant,
        billing_c: c.tld.contacts.roles.includes('billing') ? registrant : null,
        statuses: [...new Set(d.statuses ?? [])].join(','),
        auth_hash: d.authCode ? authHash(d.authCode) : null,
        auth_expires_at: null,
        dnssec: null,
        created_at: createdAt,
        updated_at: createdAt,
        expires_at: expiresAt,
        transferred_at: null,
        rgp_status: null,
        rgp_ends_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    let position = 0;
    for (const ns of nameservers) {
      let host = await db.selectFrom('registry_hosts').select('id').where('name', '=', ns).executeTakeFirst();
      if (!host) {
        // Only external hosts can appear out of nowhere; internal ones need addresses (create them after planting).
        const info = await as.createHost(ns, { ipv4: [], ipv6: [] });
        host = (await db.selectFrom('registry_hosts').select('id').where('name', '=', info.name).executeTakeFirstOrThrow());
      }
      await db.insertInto('registry_domain_ns').values({ domain_id: row.id, position: position++, host_id: host.id }).execute();
    }
    return (await as.infoDomain(c.name))!;
  }

  async listDomains(db: Executor, sponsor?: string) {
    let q = db.selectFrom('registry_domains').select(['name', 'sponsor', 'expires_at', 'statuses', 'rgp_status']).orderBy('name');
    if (sponsor) q = q.where('sponsor', '=', sponsor);
    const rows = await q.execute();
    return rows.map((r) => ({ name: r.name, sponsor: r.sponsor, expiresAt: r.expires_at, statuses: [r.statuses, r.rgp_status ?? ''].filter(Boolean).join(',') }));
  }
}
