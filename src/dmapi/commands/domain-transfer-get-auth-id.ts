import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { text } from '../params.ts';
import { isoDate } from '../../core/dates.ts';
import { DAY } from '../../core/clock.ts';
import { registryOf } from '../../registry/index.ts';
import { atRegistry } from '../../services/registry-errors.ts';
import { activeDomain, domainFor } from '../../services/domains.ts';

/** How long a new code is valid at the simulated registry (RFC 9154's usual 14 days). */
const CODE_DAYS = 14;

interface AuthIdJob {
  domainId: number;
  name: string;
}

export const domainTransferGetAuthId = defineCommand({
  name: 'domain-transfer-get-auth-id',
  summary: 'Make a new transfer auth code for a domain; it arrives in result-retrieve as `The Authorization ID is: "…"`.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  params: z.object({ domain: text(253) }),
  errors: ['OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'ACCESS_DENIED', 'COMMAND_FAILED'],
  notes:
    'Every request makes a new code at the registry; the codes before it stop working. The registry keeps only a hash of the code, so result-retrieve is the only place it can be read ' +
    '(result-delete removes it). The code is valid for 14 days. A locked domain gets a code too, but cannot move until it is unlocked.',
  async accept(ctx, p) {
    const d = await domainFor(ctx, p.domain, 'manage');
    return { object: d.name, job: { domainId: d.id, name: d.name } satisfies AuthIdJob };
  },
  // Each call makes a new code and voids the one before: a retry's code is simply the valid one.
  async outside(deps, job: AuthIdJob, o) {
    await activeDomain(deps.db, { domainId: job.domainId, name: job.name }, 'no auth-id');
    return atRegistry(() => registryOf(deps).open(deps.db, o.now).newAuthCode(job.name));
  },
  async perform(ctx, job: AuthIdJob) {
    const code = ctx.prepared as string;
    const d = await ctx.db.selectFrom('domains').select(['locked']).where('id', '=', job.domainId).executeTakeFirstOrThrow();
    const lines = [
      `The Authorization ID is: "${code}"`,
      `result_msg: new auth-id for ${job.name}, valid until ${isoDate(ctx.now + CODE_DAYS * DAY)}; earlier auth-ids are no longer valid`,
    ];
    if (d.locked) lines.push(`warning: ${job.name} is locked; unlock it (domain-unlock) before the transfer`);
    return { status: 'ack', text: lines.join('\n') };
  },
});
