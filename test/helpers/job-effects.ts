import { randomBytes } from 'node:crypto';
import type { JobHandler } from '../../src/jobs/worker.ts';
import type { Executor } from '../../src/db/database.ts';
import { DmapiError } from '../../src/dmapi/errors.ts';

/**
 * Test jobs record their effect as a settings row `<prefix>:<job id>:<random>` in the job's
 * transaction, so "performed twice" shows up as two rows. `failTimes` makes the first attempts
 * throw a plain Error after writing (the write must roll back); attempts are counted in memory.
 */
export function effects(prefix: string) {
  const attempts = new Map<string, number>();
  const handler: JobHandler = async (ctx, payload: { id: string; failTimes?: number; dmapiError?: boolean }) => {
    const n = (attempts.get(payload.id) ?? 0) + 1;
    attempts.set(payload.id, n);
    await ctx.db.insertInto('settings').values({ key: `${prefix}:${payload.id}:${randomBytes(4).toString('hex')}`, value: String(ctx.now) }).execute();
    if (payload.dmapiError) throw new DmapiError('COMMAND_FAILED', ['registry refused the name', 'policy 7']);
    if (n <= (payload.failTimes ?? 0)) throw new Error(`transient failure ${n}`);
    return { status: 'ack', text: `done ${payload.id}` };
  };
  return {
    kind: `test-${prefix}`,
    handler,
    attempts,
    count: async (db: Executor, id?: string) =>
      (await db.selectFrom('settings').select('key').where('key', 'like', id ? `${prefix}:${id}:%` : `${prefix}:%`).execute()).length,
  };
}

/**
 * The `effects` handler with an outside step that records every call (job ids, in order). The
 * first call for the job `held` is a long one (an SMTP exchange, say): it runs `during`, then
 * waits until `release()`. `entered` resolves once that step has begun.
 */
export function slowOutside(e: ReturnType<typeof effects>, held: string, during: () => Promise<void> = async () => {}) {
  const calls: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let signal!: () => void;
  const entered = new Promise<void>((r) => (signal = r));
  const handler: JobHandler = Object.assign((ctx: Parameters<JobHandler>[0], p: unknown) => e.handler(ctx, p), {
    outside: async (_deps: unknown, p: { id: string }) => {
      calls.push(p.id);
      if (p.id !== held || calls.indexOf(held) !== calls.length - 1) return;
      signal();
      await during();
      await gate;
    },
  });
  return { handler, calls, entered, release };
}
