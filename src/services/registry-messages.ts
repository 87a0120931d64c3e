import type { Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { RegistryPollMessagesTable } from '../db/schema.ts';
import { trackingId } from '../core/ids.ts';
import { registryOf, RegistryError } from '../registry/index.ts';
import type { TransferInfo } from '../registry/port.ts';
import { completeResult, openResult, setResultObject } from './results.ts';
import { lockNames, resultLines } from './domains.ts';
import { openOutStates, takeTransferOut } from './transfer-out.ts';
import { isPostgres } from './domain-access.ts';

/**
 * What the registries' poll queues told (stored by the EPP backend's sweep, registry_poll_messages)
 * turned into dmapid's state:
 *
 * - a transfer away requested by another registrar becomes the reseller's transfer-out to answer
 *   (transfer-out.ts); the other transfer messages need nothing here, since the periodic transfer
 *   steps read each open transfer's status from the registry;
 * - a name the registry no longer holds for this registrar (deleted or purged at the registry,
 *   outside any flow of the platform) leaves its account, with a result row saying so;
 * - auto-renewals and expiries are noted: the expiry step decides (it deletes an unrenewed name
 *   inside the auto-renew grace period, and a later renewal knows the registry's date).
 *
 * Each message is looked at once: the registry is asked first (outside any transaction), then the
 * change is made and the message marked handled with what was done. A failure leaves it for the
 * next run; every step re-reads what it acts on, so a repeat changes nothing.
 */

type Message = Selectable<RegistryPollMessagesTable>;

const BATCH = 200;

export async function handleRegistryMessages(deps: AppDeps, now: number): Promise<Array<{ object: string; outcome: string }>> {
  const open = await deps.db.selectFrom('registry_poll_messages').selectAll().where('handled_at', 'is', null).orderBy('id').limit(BATCH).execute();
  const done: Array<{ object: string; outcome: string }> = [];
  for (const m of open) {
    try {
      const outcome = await handle(deps, now, m);
      await deps.db.updateTable('registry_poll_messages').set({ handled_at: now, outcome }).where('id', '=', m.id).where('handled_at', 'is', null).execute();
      done.push({ object: m.object, outcome });
    } catch (err) {
      deps.log.error({ err, registry: m.registry, message: m.message_id }, 'registry message not handled; the next run tries again');
    }
  }
  return done;
}

async function handle(deps: AppDeps, now: number, m: Message): Promise<string> {
  const name = m.object.toLowerCase();
  if (!name) return 'noted: the message names no object';
  const local = await deps.db.selectFrom('domains').select(['id', 'status']).where('name', '=', name).executeTakeFirst();
  if (!local) return 'noted: not a domain of this platform';
  const registry = registryOf(deps).open(deps.db, now);
  if (m.kind.startsWith('transfer-')) {
    const info = await registry.queryTransfer(name).catch(notFound);
    return info ? transferMessage(deps, now, info) : 'noted: the registry knows no transfer of it';
  }
  if (m.kind === 'autorenew' || m.kind === 'expired') return 'noted: the expiry step decides (renewal or deletion in the grace period)';
  const info = await registry.infoDomain(name).catch(notFound);
  if (info && info.sponsor === registry.registrarId) return 'noted: still held at the registry';
  if (local.status !== 'active') return 'noted: deleted here already; the redemption step removes it';
  return leftRegistry(deps, now, local.id, name, m);
}

/** A transfer away that the platform has not recorded yet is the reseller's to answer. */
async function transferMessage(deps: AppDeps, now: number, info: TransferInfo): Promise<string> {
  if (info.status !== 'pending' || info.losing !== registryOf(deps).registrarId) return `noted: the transfer steps follow the transfer (${info.status})`;
  const known = await deps.db.selectFrom('transfers_out').select('id').where('domain', '=', info.name).where('state', 'in', openOutStates).executeTakeFirst();
  if (known) return `noted: transfer away #${known.id} is recorded already`;
  const out = await takeTransferOut({ db: deps.db, now, deps }, info);
  if (!out) return 'noted: the name left its account meanwhile';
  return out.state === 'pending' ? `transfer away to ${info.gaining} recorded (#${out.id}), waiting for the reseller` : `transfer away to ${info.gaining} rejected: ${out.reason}`;
}

/** The registry holds the name no more (nor is it moving away in a transfer): it leaves the account. */
async function leftRegistry(deps: AppDeps, now: number, id: number, name: string, m: Message): Promise<string> {
  return deps.db.transaction().execute(async (db) => {
    await lockNames(db, [`domain:${name}`]);
    let q = db.selectFrom('domains').select(['id', 'account_id', 'status']).where('id', '=', id);
    if (isPostgres(db)) q = q.forUpdate();
    const d = await q.executeTakeFirst();
    if (!d || d.status !== 'active') return 'noted: changed here meanwhile';
    const away = await db.selectFrom('transfers_out').select('id').where('domain', '=', name).where('state', 'in', openOutStates).executeTakeFirst();
    if (away) return `noted: transfer away #${away.id} settles it`;
    await db.deleteFrom('hosts').where('account_id', '=', d.account_id).where('name', 'like', `%.${name}`).execute();
    // Zone, delegation, grants and verifications go with the row (ON DELETE CASCADE).
    await db.deleteFrom('domains').where('id', '=', d.id).execute();
    const resultId = await openResult(db, { accountId: d.account_id, svtrid: trackingId(now), cltrid: null, requestType: 'domain-registry-delete', now });
    await setResultObject(db, resultId, name);
    const text = `the registry (${m.registry}) no longer holds ${name} for this registrar: ${m.text || m.kind}; it was removed from the account`;
    await completeResult(db, resultId, { status: 'ack', text: resultLines([['result_msg', text]]) }, now);
    return `removed from account ${d.account_id}: the registry no longer holds it`;
  });
}

/** No such name (2303), or (for a transfer) none this registrar is a party to (2201). */
function notFound(err: unknown): undefined {
  if (err instanceof RegistryError && (err.code === 2303 || err.code === 2201)) return undefined;
  throw err;
}
