import { z } from 'zod';
import { defineCommand } from '../../src/dmapi/command.ts';
import { DmapiError } from '../../src/dmapi/errors.ts';
import { oneOf, optText, text } from '../../src/dmapi/params.ts';
import type { Executor } from '../../src/db/database.ts';
import type { ResultStatus } from '../../src/db/schema.ts';
import { trackingId } from '../../src/core/ids.ts';

/**
 * Test-only requests, never part of the real table (see harness `withCommands`).
 * `test-async` is a minimal asynchronous request: accept names the object, perform answers the
 * outcome the caller asked for (ack, nack through a DmapiError).
 */
export const testAsync = defineCommand({
  name: 'test-async',
  summary: 'test only: an asynchronous request with a chosen outcome',
  access: 'modify',
  session: 'required',
  execution: 'async',
  params: z.object({ object: text(), outcome: oneOf(['ack', 'nack']).optional(), text: optText(1000) }),
  errors: [],
  async accept(_ctx, p) {
    return { object: p.object, job: { outcome: p.outcome ?? 'ack', text: p.text ?? `${p.object} done` } };
  },
  async perform(_ctx, job: { outcome: 'ack' | 'nack'; text: string }) {
    if (job.outcome === 'nack') throw new DmapiError('COMMAND_FAILED', [job.text, 'second reason']);
    return { status: 'ack', text: job.text };
  },
});

/** A request whose handler has a bug: it throws a plain Error. */
export const testFault = defineCommand({
  name: 'test-fault',
  summary: 'test only: fails with an unexpected exception',
  access: 'read',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run() {
    throw new Error('simulated bug: cannot read properties of undefined');
  },
});

/** Writes a result row directly (any time, status, content); returns its Proc-ID and SvTrId. */
export async function insertResult(
  db: Executor,
  r: { accountId: number; at: number; type?: string; object?: string; status?: ResultStatus; cltrid?: string | null; content?: string | null; deletedAt?: number | null },
): Promise<{ procId: number; svtrid: string }> {
  const svtrid = trackingId(r.at);
  const row = await db
    .insertInto('results')
    .values({
      account_id: r.accountId,
      svtrid,
      cltrid: r.cltrid ?? null,
      request_type: r.type ?? 'domain-register',
      object_name: r.object ?? 'example.com',
      status: r.status ?? 'ack',
      content: r.content === undefined ? 'done' : r.content,
      created_at: r.at,
      completed_at: r.status === '?' ? null : r.at,
      deleted_at: r.deletedAt ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { procId: row.id, svtrid };
}

/** Writes a domain row directly for the domain-list tests. */
export async function insertDomain(db: Executor, accountId: number, name: string, at: number, expiresAt: number, flags: { autorenew?: boolean; locked?: boolean } = {}): Promise<void> {
  await db
    .insertInto('domains')
    .values({ account_id: accountId, name, tld: name.slice(name.indexOf('.') + 1), created_at: at, expires_at: expiresAt, updated_at: at, autorenew: flags.autorenew ? 1 : 0, locked: flags.locked ? 1 : 0 })
    .execute();
}

/** A request that would cost money (access `costs`): for the scope checks while the table has none. */
export const testCharge = defineCommand({
  name: 'test-charge',
  aliases: ['test-charge-alias'],
  summary: 'test only: a request of access class costs',
  access: 'costs',
  session: 'required',
  execution: 'sync',
  params: z.object({}),
  errors: [],
  async run() {
    return { body: 'charged\n', object: 'nothing' };
  },
});
