import type { Executor } from '../../../db/database.ts';
import type { Logger } from '../../../obs/logger.ts';
import type { TldCatalogue } from '../../../tld/catalogue.ts';
import type { Registry, RegistryBackend, SweepReport } from '../../port.ts';
import { SessionPool } from './pool.ts';
import { EppRegistry } from './session.ts';
import { registryOfName, type RegistryTarget } from './settings.ts';

export interface EppBackendOptions {
  targets: RegistryTarget[];
  tlds: TldCatalogue;
  log: Logger;
  /** The circuit's clock: wall time in a server, the test clock in tests. */
  clock: () => number;
  /** How our clID at every registry reads to the services (the simulator's own registrar id). */
  registrarId: string;
}

/** Poll messages one sweep reads from one registry at most. */
const POLL_BATCH = 100;

/**
 * The EPP registry backend (DMAPID_REGISTRY=epp): one session pool per registry of the
 * registries file, shared by all the TLDs it serves. Names go to the registry of their TLD;
 * hosts outside every configured TLD and contacts go to the registry of their handle's TLDs,
 * else to the first registry of the file.
 */
export class EppBackend implements RegistryBackend {
  readonly kind = 'epp' as const;
  readonly registrarId: string;
  readonly tlds: TldCatalogue;
  readonly clock: () => number;
  private readonly byName = new Map<string, SessionPool>();
  private readonly targets: RegistryTarget[];
  private readonly log: Logger;

  constructor(o: EppBackendOptions) {
    if (!o.targets.length) throw new Error('the EPP backend needs at least one registry');
    this.targets = o.targets;
    this.tlds = o.tlds;
    this.log = o.log;
    this.clock = o.clock;
    this.registrarId = o.registrarId;
    for (const t of o.targets) this.byName.set(t.name, new SessionPool({ target: t, log: o.log.child({ registry: t.name }), now: o.clock }));
  }

  open(db: Executor, now: number): Registry {
    return new EppRegistry(this, db, now);
  }

  pools(): SessionPool[] {
    return [...this.byName.values()];
  }

  pool(name: string): SessionPool | undefined {
    return this.byName.get(name);
  }

  poolForName(name: string): SessionPool | undefined {
    const t = registryOfName(this.targets, name);
    return t && this.byName.get(t.name);
  }

  private get fallback(): SessionPool {
    return this.byName.get(this.targets[0]!.name)!;
  }

  poolForHost(name: string): SessionPool {
    return this.poolForName(name) ?? this.fallback;
  }

  /** Handles are `<prefix>-<n>`; the prefix names the TLDs the contact is for (TLD catalogue). */
  poolForContact(id: string): SessionPool {
    const prefix = id.split('-')[0]?.toUpperCase();
    for (const tld of this.tlds.list()) {
      if (tld.handlePrefix !== prefix) continue;
      const pool = this.poolForName(`x.${tld.tld}`);
      if (pool) return pool;
    }
    return this.fallback;
  }

  /** The domain an internal host sits under (one label above the TLD it is served with), else null. */
  superordinateOf(host: string): string | null {
    const n = host.toLowerCase();
    let tld: string | undefined;
    for (const t of this.targets) for (const x of t.tlds) if (n.endsWith(`.${x}`) && (!tld || x.length > tld.length)) tld = x;
    if (!tld) return null;
    const labels = n.slice(0, -tld.length - 1).split('.');
    return labels.length >= 2 ? `${labels[labels.length - 1]}.${tld}` : null;
  }

  /**
   * Reads every registry's poll queue: each message is stored (registry_poll_messages) and only
   * then acknowledged, so none is lost and a repeated one is stored once. Turning the messages
   * into dmapid's own state (transfers away, registry-side deletions, auto-renewals) is not done
   * here yet; the report stays empty.
   */
  async sweep(db: Executor, now: number): Promise<SweepReport> {
    const report: SweepReport = { autoRenewed: [], expired: [], transfersApproved: [], purged: [], gracesEnded: 0 };
    const session = new EppRegistry(this, db, now);
    for (const pool of this.pools()) {
      try {
        for (let i = 0; i < POLL_BATCH; i++) {
          const m = await session.pollOne(pool);
          if (!m) break;
          await db
            .insertInto('registry_poll_messages')
            .values({ registry: pool.target.name, message_id: m.wireId, kind: m.kind, object: m.object, text: m.text, queued_at: m.createdAt, received_at: now, handled_at: null })
            .onConflict((oc) => oc.columns(['registry', 'message_id']).doNothing())
            .execute();
          await session.ackAt(pool, m.wireId);
        }
      } catch (err) {
        this.log.warn({ registry: pool.target.name, err: (err as Error).message }, 'reading the registry poll queue failed; next sweep tries again');
      }
    }
    return report;
  }

  async close(): Promise<void> {
    await Promise.all(this.pools().map((p) => p.close()));
  }
}
