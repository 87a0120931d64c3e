import { RegistryError, type PollMessage } from '../port.ts';
import type { SessionContext } from './context.ts';

// The acting registrar's message queue (RFC 5730 poll).

export async function poll(ctx: SessionContext, limit = 50): Promise<PollMessage[]> {
  const rows = await ctx.db.selectFrom('registry_messages').selectAll().where('registrar', '=', ctx.registrarId).where('acked_at', 'is', null).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, object: r.object, text: r.text, createdAt: r.created_at }));
}

export async function ack(ctx: SessionContext, messageId: number): Promise<void> {
  const res = await ctx.db.updateTable('registry_messages').set({ acked_at: ctx.now }).where('id', '=', messageId).where('registrar', '=', ctx.registrarId).where('acked_at', 'is', null).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new RegistryError(2303, `no message ${messageId} in the queue`);
}
