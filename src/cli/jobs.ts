import { printList } from './list-output.ts';
import { retryFailedJob } from '../jobs/retry.ts';
import { InvalidArgumentError, type Command } from 'commander';
import type { JobStatus } from '../db/schema.ts';
import { isoSeconds } from '../core/dates.ts';
import { withDb } from './with-db.ts';
import { framesOfJob } from '../registry/frames.ts';

const statuses = ['queued', 'running', 'done', 'failed'] as const satisfies readonly JobStatus[];

/** `dmapid job list|show|retry`: look into the queue and at one job's registry frames, and give a job that failed for good another run. */
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
    .command('show <id>')
    .description("one job: its row, its result (Proc-ID), and the EPP frames its registry calls exchanged (passwords and auth codes masked)")
    .action(async (id: string) => {
      await withDb(async (db) => {
        const j = /^\d+$/.test(id) ? await db.selectFrom('jobs').selectAll().where('id', '=', Number(id)).executeTakeFirst() : undefined;
        if (!j) throw new Error(`no job ${id}`);
        const out = [
          `job ${j.id} ${j.kind}: ${j.status} (attempt ${j.attempts} of ${j.max_attempts})`,
          `created ${isoSeconds(j.created_at)}, run at ${isoSeconds(j.run_at)}, finished ${j.finished_at === null ? '-' : isoSeconds(j.finished_at)}`,
          `object ${j.object_key ?? '-'}, account ${j.account_id ?? '-'}, proc-id ${j.result_id ?? '-'}`,
          `payload ${maskedPayload(j.payload)}`,
        ];
        if (j.last_error) out.push(`last error: ${j.last_error}`);
        if (j.result_id !== null) {
          const r = await db.selectFrom('results').selectAll().where('id', '=', j.result_id).executeTakeFirst();
          if (r) out.push('', `result ${r.id} (${r.request_type} ${r.object_name || '-'}): ${r.status}`, ...(r.content ?? '(content purged)').replace(/\n$/, '').split('\n').map((l) => `  ${l}`));
        }
        const frames = await framesOfJob(db, j.id);
        out.push('', frames.length ? `registry frames (${frames.length}):` : 'registry frames: none (no EPP registry call, or the simulated registry)');
        frames.forEach((f, i) => {
          out.push(`--- ${i + 1}. ${f.command} at ${f.registry} ${isoSeconds(f.at)}: ${f.result_code ?? 'no answer'}`, `> ${f.sent}`, `< ${f.received ?? '(none)'}`);
        });
        console.log(out.join('\n'));
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

/** A payload with anything that could be a secret (auth codes, passwords) masked. */
export function maskedPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), (k, v: unknown) => (/auth|code|pass|secret/i.test(k) && typeof v === 'string' && v !== '' ? '********' : v));
  } catch {
    return '(unreadable)';
  }
}
