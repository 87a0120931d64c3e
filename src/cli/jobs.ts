import { printList } from './list-output.ts';
import { retryFailedJob } from '../jobs/retry.ts';
import { InvalidArgumentError, type Command } from 'commander';
import type { JobStatus } from '../db/schema.ts';
import { isoSeconds } from '../core/dates.ts';
import { withDb } from './with-db.ts';

const statuses = ['queued', 'running', 'done', 'failed'] as const satisfies readonly JobStatus[];

/** `dmapid job list|retry`: look into the queue, and give a job that failed for good another run. */
export function registerJobCommands(program: Command): void {
  const job = program.command('job').description('the job queue behind asynchronous requests, mail and lifecycle steps');
  job
    .command('list')
    .description('newest jobs first: id, kind, status(attempts), next run, result Proc-ID, last error')
    .option('--status <status>', `only ${statuses.join(', ')}`, (v: string) => {
      if (!(statuses as readonly string[]).includes(v)) throw new InvalidArgumentError(`one of ${statuses.join(', ')}`);
      return v as JobStatus;
    })
    .option('--kind <kind>', 'only this job kind')
    .option('--limit <n>', 'at most this many', (v: string) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
      return n;
    }, 50)
    .action(async (o: { status?: JobStatus; kind?: string; limit: number }) => {
      await withDb(async (db) => {
        let q = db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(o.limit);
        if (o.status) q = q.where('status', '=', o.status);
        if (o.kind) q = q.where('kind', '=', o.kind);
        const lines = (await q.execute()).map((j) => [j.id, j.kind, `${j.status}(${j.attempts})`, isoSeconds(j.run_at), j.result_id ?? '-', j.last_error ?? ''].join('\t'));
        printList(['id', 'kind', 'status', 'run_at', 'proc_id', 'last_error'], lines, 'no jobs match');
      });
    });
  job
    .command('retry <id>')
    .description('run a failed job again now, with a fresh count of attempts (after fixing what made it fail)')
    .action(async (id: string) => {
      if (!/^\d{1,15}$/.test(id)) throw new Error(`no failed job ${id}`);
      await withDb(async (db, now) => {
        await retryFailedJob(db, Number(id), now);
        console.log(`job ${id} queued again`);
      });
    });
}
