import type { Executor } from '../db/database.ts';
import type { SimTransferPoliciesTable } from '../db/schema.ts';
import { OWN_REGISTRAR } from '../registry/index.ts';

/**
 * How the simulated foreign registrars answer a transfer away from them (the losing side of a
 * transfer-in). Each registrar has one policy: `approve` or `reject` the request `delay` after it
 * arrived, or stay `silent`, in which case the registry approves on its own when its window (the
 * TLD's pendingDays, 5) ends. Registrars without a policy are silent. `dmapid registry
 * transfer-policy` sets it; the simulated registry applies it when it next looks at the name
 * (a query, or its sweep), dated when the answer fell due — so it also answers EPP clients.
 */
export type TransferAnswer = SimTransferPoliciesTable['answer'];
export const transferAnswers = ['approve', 'reject', 'silent'] as const satisfies readonly TransferAnswer[];

export interface TransferPolicy {
  registrar: string;
  answer: TransferAnswer;
  delayMs: number;
}

export async function transferPolicy(db: Executor, registrar: string): Promise<TransferPolicy> {
  const row = await db.selectFrom('sim_transfer_policies').selectAll().where('registrar', '=', registrar).executeTakeFirst();
  return row ? { registrar, answer: row.answer, delayMs: row.delay_ms } : { registrar, answer: 'silent', delayMs: 0 };
}

/** Sets a registrar's policy; the platform's own registrar answers through its resellers, not a policy. */
export async function setTransferPolicy(db: Executor, now: number, p: TransferPolicy): Promise<void> {
  if (p.registrar === OWN_REGISTRAR) throw new Error(`${OWN_REGISTRAR} is this platform: its resellers answer transfers away (domain-transfer-control action=reject-out)`);
  if (!(transferAnswers as readonly string[]).includes(p.answer)) throw new Error(`answer must be one of ${transferAnswers.join(', ')}`);
  if (!Number.isSafeInteger(p.delayMs) || p.delayMs < 0) throw new Error('the delay must be a duration of zero or more');
  const known = await db.selectFrom('registry_registrars').select('id').where('id', '=', p.registrar).executeTakeFirst();
  if (!known) throw new Error(`registrar ${p.registrar} does not exist (dmapid registry registrars)`);
  await db
    .insertInto('sim_transfer_policies')
    .values({ registrar: p.registrar, answer: p.answer, delay_ms: p.delayMs, updated_at: now })
    .onConflict((oc) => oc.column('registrar').doUpdateSet({ answer: p.answer, delay_ms: p.delayMs, updated_at: now }))
    .execute();
}

/** Every registrar but this platform with its policy (silent where none is set). */
export async function listTransferPolicies(db: Executor): Promise<TransferPolicy[]> {
  const rows = await db
    .selectFrom('registry_registrars')
    .leftJoin('sim_transfer_policies', 'sim_transfer_policies.registrar', 'registry_registrars.id')
    .select(['registry_registrars.id', 'sim_transfer_policies.answer', 'sim_transfer_policies.delay_ms'])
    .where('registry_registrars.id', '!=', OWN_REGISTRAR)
    .orderBy('registry_registrars.id')
    .execute();
  return rows.map((r) => ({ registrar: r.id, answer: r.answer ?? 'silent', delayMs: r.delay_ms ?? 0 }));
}
