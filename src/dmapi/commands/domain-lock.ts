import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { text } from '../params.ts';
import { acceptLock, lockAtRegistry, performLock, type LockJob } from '../../services/domains.ts';

export const domainLock = defineCommand({
  name: 'domain-lock',
  summary: 'Lock a domain against transfers to another registrar (registry status clientTransferProhibited).',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  params: z.object({ domain: text(253) }),
  errors: ['OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'ACCESS_DENIED', 'COMMAND_FAILED'],
  notes:
    'The lock shows as `lock` in query-domain-list (showstatus=1) and in query-whois `domain.status`. ' +
    'Locking a locked domain succeeds and changes nothing. A free `lock` order is recorded (query-order-list show-all=1).',
  async accept(ctx, p) {
    return acceptLock(ctx, p.domain, true);
  },
  outside: (deps, job: LockJob, o) => lockAtRegistry(deps, job, o.now),
  async perform(ctx, job: LockJob) {
    return performLock(ctx, job);
  },
});
