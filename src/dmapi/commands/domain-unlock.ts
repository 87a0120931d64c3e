import { z } from 'zod';
import { defineCommand } from '../command.ts';
import { text } from '../params.ts';
import { acceptLock, lockAtRegistry, performLock, type LockJob } from '../../services/domains.ts';

export const domainUnlock = defineCommand({
  name: 'domain-unlock',
  summary: 'Unlock a domain so that it can be transferred to another registrar.',
  access: 'modify',
  session: 'required',
  execution: 'async',
  objectKind: 'domain',
  params: z.object({ domain: text(253) }),
  errors: ['OBJECT_NOT_FOUND', 'STATUS_PROHIBITS', 'ACCESS_DENIED', 'COMMAND_FAILED'],
  notes:
    'The lock shows as `lock` in query-domain-list (showstatus=1) and in query-whois `domain.status`. ' +
    'Unlocking an unlocked domain succeeds and changes nothing. A free `unlock` order is recorded (query-order-list show-all=1).',
  async accept(ctx, p) {
    return acceptLock(ctx, p.domain, false);
  },
  outside: (deps, job: LockJob, o) => lockAtRegistry(deps, job, o.now),
  async perform(ctx, job: LockJob) {
    return performLock(ctx, job);
  },
});
