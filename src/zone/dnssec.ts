import type { AppDeps } from '../app-deps.ts';
import type { Selectable } from 'kysely';
import type { Executor } from '../db/database.ts';
import type { DnssecZonesTable } from '../db/schema.ts';
import { trackingId } from '../core/ids.ts';
import { dnskeyOf, dsOf } from '../dns/dnssec/keys.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { enqueue } from '../jobs/queue.ts';
import type { DnssecData } from '../registry/port.ts';
import { registryOf } from '../registry/index.ts';
import { atRegistry } from '../services/registry-errors.ts';
import { openResult, setResultObject } from '../services/results.ts';
import { addKey, configuredAlgorithm, openKey, zoneKeyRows, type KeyRow } from './dnssec-keys.ts';
import { writeZone, zoneByName, type StoredZone } from './store.ts';

/**
 * The life of a signed zone, on the clock:
 * - `$dnssec=yes` (dns-zone-put) makes a KSK and a ZSK, both active, in the transaction of the
 *   change, so the first version served is signed; for a domain registered here whose TLD takes
 *   DNSSEC the KSK's DS goes to the registry as a job (DS_JOB), with a result row for the reseller.
 * - Signatures hold for DMAPID_DNSSEC_SIGNATURE_VALIDITY from the zone's signing epoch
 *   (dnssec_zones.signed_at); when half of that is gone the epoch moves to now and the zone is
 *   written again unchanged (new serial: secondaries fetch the new signatures). Between epochs a
 *   change re-signs only what changed (SignatureCache).
 * - ZSK pre-publish rollover (RFC 7583 §3.2): a new ZSK is published; after the wait it signs and
 *   the old one retires; after another wait the old one goes.
 * - KSK double-signature rollover (RFC 7583 §3.3, `dmapid dnssec roll-ksk` or DMAPID_DNSSEC_KSK_LIFETIME):
 *   a new KSK signs the DNSKEY set beside the old one, the DS changes at the parent (job), and
 *   after the wait the old KSK goes.
 * - `$dnssec=no` unwinds in the safe order: the DS leaves the parent first; the zone stays signed
 *   for the wait after that (caches may still hold the DS), then the keys go and it is served unsigned.
 */
export const DS_JOB = 'dnssec-ds';

export interface DsJob {
  zoneId: number;
  domainId: number;
  name: string;
  dnssec: DnssecData | null;
  resultId: number;
  /** What the result says the change was for. */
  reason: string;
}

type ZoneRow = Selectable<DnssecZonesTable>;

const seconds = (ms: number) => Math.floor(ms / 1000);

async function zoneState(db: Executor, zoneId: number): Promise<ZoneRow | undefined> {
  return db.selectFrom('dnssec_zones').selectAll().where('zone_id', '=', zoneId).executeTakeFirst();
}

/** The DS data for the parent from the zone's active KSKs, in the TLD's format; undefined when the parent cannot take it here. */
async function parentData(deps: AppDeps, db: Executor, zone: StoredZone, rows: readonly KeyRow[]): Promise<{ domain: { id: number; account_id: number; name: string }; data: DnssecData } | undefined> {
  const domain = await db.selectFrom('domains').select(['id', 'account_id', 'name', 'tld', 'status']).where('id', '=', zone.domainId).executeTakeFirst();
  const tld = domain && deps.tlds.get(domain.tld);
  if (!domain || domain.status !== 'active' || domain.name !== zone.name || !tld?.dnssec.supported) return undefined;
  const ksks = rows.filter((r) => r.role === 'ksk' && r.state === 'active').map((r) => dnskeyOf(openKey(deps.dnssecKek, r)));
  if (ksks.length === 0) return undefined;
  const data: DnssecData =
    tld.dnssec.format === 'keydata'
      ? { kind: 'key', records: ksks.map((k) => ({ flags: k.flags, protocol: k.protocol, algorithm: k.algorithm, publicKey: k.publicKey })) }
      : { kind: 'ds', records: ksks.map((k) => dsOf(zone.name, k)).map(({ keyTag, algorithm, digestType, digest }) => ({ keyTag, algorithm, digestType, digest })) };
  return { domain, data };
}

/** Queues the DS change at the parent, with a pending result row for the reseller. */
async function queueDs(db: Executor, now: number, zone: StoredZone, domain: { id: number; account_id: number; name: string }, dnssec: DnssecData | null, reason: string): Promise<void> {
  const resultId = await openResult(db, { accountId: domain.account_id, svtrid: trackingId(now), cltrid: null, requestType: DS_JOB, now });
  await setResultObject(db, resultId, domain.name);
  const job: DsJob = { zoneId: zone.id, domainId: domain.id, name: domain.name, dnssec, resultId, reason };
  // In line with domain-modify and the other DS jobs of the domain (their registry calls never overlap).
  await enqueue(db, now, DS_JOB, job, { accountId: domain.account_id, resultId, objectKey: `domain:${domain.name}` });
  await db.updateTable('dnssec_zones').set({ ds_state: 'pending' }).where('zone_id', '=', zone.id).execute();
}

/**
 * After a zone was written (in that transaction): starts signing when `$dnssec` is on and the
 * zone has no keys, or starts unwinding when it was turned off.
 */
export async function applyDnssecSetting(deps: AppDeps, db: Executor, zoneName: string, now: number): Promise<void> {
  const zone = await zoneByName(db, zoneName);
  if (!zone) return;
  const state = await zoneState(db, zone.id);
  if (zone.data.dnssec) {
    if (state?.status === 'signing') return;
    if (!state) {
      const algorithm = configuredAlgorithm(deps.config);
      await addKey(db, deps.dnssecKek, zone.id, 'ksk', algorithm, 'active', now);
      await addKey(db, deps.dnssecKek, zone.id, 'zsk', algorithm, 'active', now);
      await db.insertInto('dnssec_zones').values({ zone_id: zone.id, status: 'signing', status_since: now, signed_at: now, parent_ds: null, ds_state: 'none', ds_changed_at: null }).execute();
    } else {
      await db.updateTable('dnssec_zones').set({ status: 'signing', status_since: now, signed_at: now }).where('zone_id', '=', zone.id).execute();
    }
    const parent = await parentData(deps, db, zone, await zoneKeyRows(db, zone.id));
    if (parent && JSON.stringify(parent.data) !== state?.parent_ds) await queueDs(db, now, zone, parent.domain, parent.data, 'DNSSEC turned on: DS sent to the registry');
    return;
  }
  if (state?.status !== 'signing') return;
  await db.updateTable('dnssec_zones').set({ status: 'unwinding', status_since: now }).where('zone_id', '=', zone.id).execute();
  if (state.parent_ds !== null) {
    const domain = await db.selectFrom('domains').select(['id', 'account_id', 'name']).where('id', '=', zone.domainId).executeTakeFirst();
    if (domain) await queueDs(db, now, zone, domain, null, 'DNSSEC turned off: DS removed at the registry');
  }
}

/** Writes the zone again unchanged: a new serial, so secondaries fetch what the signer now makes of it. */
async function touch(db: Executor, zone: StoredZone, now: number): Promise<void> {
  await writeZone(db, { id: zone.domainId, account_id: zone.accountId, name: zone.name }, zone.data, now);
}

const setState = (db: Executor, id: number, state: KeyRow['state'], now: number) => db.updateTable('dnssec_keys').set({ state, state_since: now }).where('id', '=', id).execute();

/**
 * One maintenance step for one signed zone (its own transaction): the unwinding's end, rollover
 * steps, and re-signing before the signatures run out. Returns what it did (for logs and tests).
 */
export async function maintainZone(deps: AppDeps, db: Executor, zoneId: number, now: number): Promise<string[]> {
  const { config } = deps;
  const wait = config.dnssecRolloverWait * 1000;
  const done: string[] = [];
  const zone = await db.selectFrom('zones').select('name').where('id', '=', zoneId).executeTakeFirst();
  const stored = zone && (await zoneByName(db, zone.name, { forUpdate: true }));
  const state = stored && (await zoneState(db, zoneId));
  if (!stored || !state) return done;
  if (state.status === 'unwinding') {
    // The DS must be gone from the parent (and from caches) before the signatures go.
    if (state.ds_state === 'pending') return done;
    if (state.parent_ds !== null) {
      // The removal failed at the registry: ask again (the zone stays signed meanwhile).
      const domain = await db.selectFrom('domains').select(['id', 'account_id', 'name']).where('id', '=', stored.domainId).executeTakeFirst();
      if (domain) await queueDs(db, now, stored, domain, null, 'DNSSEC turned off: DS removed at the registry');
      return ['ds removal queued'];
    }
    if (now < Math.max(state.status_since, Number(state.ds_changed_at ?? 0)) + wait) return done;
    await db.deleteFrom('dnssec_keys').where('zone_id', '=', zoneId).execute();
    await db.deleteFrom('dnssec_zones').where('zone_id', '=', zoneId).execute();
    await touch(db, stored, now);
    return ['unsigned'];
  }
  const rows = await zoneKeyRows(db, zoneId);
  const algorithm = configuredAlgorithm(config);
  let changed = false;
  const zsks = rows.filter((r) => r.role === 'zsk');
  const activeZsk = zsks.find((r) => r.state === 'active');
  const publishedZsk = zsks.find((r) => r.state === 'published');
  // ZSK pre-publish rollover.
  if (activeZsk && !publishedZsk && config.dnssecZskLifetime > 0 && now >= activeZsk.state_since + config.dnssecZskLifetime * 1000 - wait && !zsks.some((r) => r.state === 'retired')) {
    await addKey(db, deps.dnssecKek, zoneId, 'zsk', algorithm, 'published', now);
    done.push('zsk published');
    changed = true;
  } else if (publishedZsk && now >= publishedZsk.state_since + wait) {
    await setState(db, publishedZsk.id, 'active', now);
    if (activeZsk) await setState(db, activeZsk.id, 'retired', now);
    done.push('zsk active');
    changed = true;
  }
  for (const r of zsks.filter((k) => k.state === 'retired' && now >= k.state_since + wait)) {
    await db.deleteFrom('dnssec_keys').where('id', '=', r.id).execute();
    done.push('zsk removed');
    changed = true;
  }
  // KSK double-signature rollover: started by the lifetime or by rollKsk(); both KSKs sign until the new DS is at the parent and the wait is over.
  const ksks = rows.filter((r) => r.role === 'ksk' && r.state === 'active');
  if (ksks.length === 1 && config.dnssecKskLifetime > 0 && now >= ksks[0]!.state_since + config.dnssecKskLifetime * 1000) {
    done.push(...(await rollKsk(deps, db, stored, now)));
    changed = true;
  } else if (ksks.length > 1 && state.ds_state !== 'pending') {
    const newest = ksks[ksks.length - 1]!;
    const parent = await parentData(deps, db, stored, [newest]);
    if (parent && JSON.stringify(parent.data) !== state.parent_ds) {
      await queueDs(db, now, stored, parent.domain, parent.data, `KSK rollover: DS of key ${newest.key_tag} replaces the old one`);
      done.push('ksk ds queued');
    } else if (now >= newest.state_since + wait && (!parent || now >= Number(state.ds_changed_at ?? 0) + wait)) {
      for (const old of ksks.slice(0, -1)) await db.deleteFrom('dnssec_keys').where('id', '=', old.id).execute();
      done.push('ksk old removed');
      changed = true;
    }
  }
  if (now >= state.signed_at + (config.dnssecSignatureValidity * 1000) / 2) {
    await db.updateTable('dnssec_zones').set({ signed_at: now }).where('zone_id', '=', zoneId).execute();
    done.push('resigned');
    changed = true;
  }
  if (changed) await touch(db, stored, now);
  return done;
}

/** What key changes need: the key-encryption key and the DNSSEC settings. */
export type SigningDeps = Pick<AppDeps, 'dnssecKek' | 'config'>;

/** Starts a KSK double-signature rollover: a new KSK, active at once (it signs the DNSKEY set beside the old one). */
export async function rollKsk(deps: SigningDeps, db: Executor, zone: StoredZone, now: number): Promise<string[]> {
  const state = await zoneState(db, zone.id);
  if (state?.status !== 'signing') throw new Error(`zone ${zone.name} is not signed`);
  const active = (await zoneKeyRows(db, zone.id)).filter((r) => r.role === 'ksk' && r.state === 'active');
  if (active.length > 1) throw new Error(`zone ${zone.name} is in a KSK rollover already`);
  await addKey(db, deps.dnssecKek, zone.id, 'ksk', configuredAlgorithm(deps.config), 'active', now);
  return ['ksk published'];
}

/** The periodic task: every signed zone, each in its own transaction. */
export async function runDnssecMaintenance(deps: AppDeps, now: number): Promise<Record<string, string[]>> {
  const zones = await deps.db.selectFrom('dnssec_zones').select('zone_id').execute();
  const out: Record<string, string[]> = {};
  for (const { zone_id } of zones) {
    const done = await deps.db.transaction().execute((db) => maintainZone(deps, db, zone_id, now));
    if (done.length) {
      out[zone_id] = done;
      deps.log.info({ zoneId: zone_id, steps: done }, 'dnssec maintenance');
    }
  }
  return out;
}

/** The DS change at the registry: the call outside, the record of it (domain row, zone state, result) inside. */
export const dsJob: JobHandler = Object.assign(
  async (ctx: Parameters<JobHandler>[0], job: DsJob) => {
    await ctx.db.updateTable('domains').set({ dnssec: job.dnssec === null ? null : JSON.stringify(job.dnssec), updated_at: ctx.now }).where('id', '=', job.domainId).execute();
    await ctx.db
      .updateTable('dnssec_zones')
      .set({ parent_ds: job.dnssec === null ? null : JSON.stringify(job.dnssec), ds_state: job.dnssec === null ? 'none' : 'current', ds_changed_at: ctx.now })
      .where('zone_id', '=', job.zoneId)
      .execute();
    const records = job.dnssec?.records.map((r) => ('digest' in r ? `${r.keyTag} ${r.algorithm} ${r.digestType} ${r.digest}` : `${r.flags} ${r.protocol} ${r.algorithm} ${r.publicKey}`)) ?? [];
    const text = [`result_msg: ${job.reason}`, ...records.map((r) => `ds: ${r}`)].join('\n');
    // The worker completes the result row with this.
    return { status: 'ack' as const, text, object: job.name };
  },
  {
    outside: async (deps: AppDeps, job: DsJob, o: { now: number }) => {
      const registry = registryOf(deps).open(deps.db, o.now);
      await atRegistry(() => registry.updateDomain(job.name, { dnssec: job.dnssec }));
    },
    failed: async (ctx: Parameters<JobHandler>[0], job: DsJob, reason: string) => {
      // The parent keeps what it had; the maintenance asks again where that matters (unwinding, KSK rollover).
      const state = await zoneState(ctx.db, job.zoneId);
      if (state) await ctx.db.updateTable('dnssec_zones').set({ ds_state: state.parent_ds === null ? 'none' : 'current' }).where('zone_id', '=', job.zoneId).execute();
    },
  },
);

/** The validity window of a zone's signatures, from its signing epoch (the same for every version and process until re-signing). */
export const signingTimes = (signedAt: number, validity: number) => ({ inception: seconds(signedAt) - 3600, expiration: seconds(signedAt) + validity });

/** Starts a KSK rollover now (`dmapid dnssec roll-ksk`); the maintenance task takes it from there. */
export async function startKskRollover(deps: SigningDeps & Pick<AppDeps, 'db'>, zoneName: string, now: number): Promise<string[]> {
  return deps.db.transaction().execute(async (db) => {
    const zone = await zoneByName(db, zoneName, { forUpdate: true });
    if (!zone) throw new Error(`no hosted zone ${zoneName}`);
    const done = await rollKsk(deps, db, zone, now);
    await touch(db, zone, now);
    return done;
  });
}
