import type { Command } from '../dmapi/command.ts';
import type { JobHandler } from './worker.ts';
import { dnsNotifyJob, NOTIFY_JOB } from '../dns/server/notify.ts';
import { MAIL_SEND_JOB } from '../mail/outbox.ts';
import { deliverMail } from '../mail/sender.ts';
import { transferJobHandlers } from '../services/transfer-jobs.ts';
import { lifecycleJobHandlers } from '../services/lifecycle-jobs.ts';
import { DS_JOB, dsJob } from '../zone/dnssec.ts';

/** Job kinds not tied to a request (mail delivery, lifecycle steps) register here. */
export const serviceJobHandlers: Array<[string, JobHandler]> = [
  [MAIL_SEND_JOB, deliverMail],
  [NOTIFY_JOB, dnsNotifyJob],
  [DS_JOB, dsJob],
  ...transferJobHandlers,
  ...lifecycleJobHandlers,
];

/** Every async request's `perform`, under the request's name, plus the service handlers. */
export function jobHandlers(commands: readonly Command[]): Map<string, JobHandler> {
  const map = new Map<string, JobHandler>(serviceJobHandlers);
  for (const c of commands) {
    if (c.execution !== 'async') continue;
    const handler: JobHandler = (ctx, payload) => c.perform(ctx, payload);
    if (c.outside) handler.outside = (deps, payload, o) => c.outside!(deps, payload, o);
    if (c.failed) handler.failed = (ctx, payload, reason) => c.failed!(ctx, payload, reason);
    map.set(c.name, handler);
  }
  return map;
}
