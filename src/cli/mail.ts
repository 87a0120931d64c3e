import { printList } from './list-output.ts';
import { InvalidArgumentError, type Command } from 'commander';
import type { MailRow, MailStatus } from '../db/schema.ts';
import { isoSeconds } from '../core/dates.ts';
import { formatMail, getMail, listMail, requeueMail } from '../mail/outbox.ts';
import { withDb } from './with-db.ts';

const statuses = ['held', 'queued', 'sent', 'failed'] as const satisfies readonly MailStatus[];

/** One line per mail: id, created, status (with attempts), recipient, kind, subject. */
export function mailListLines(rows: readonly MailRow[]): string[] {
  return rows.map((m) => {
    const status = m.status === 'sent' || m.attempts === 0 ? m.status : `${m.status}(${m.attempts})`;
    return [m.id, isoSeconds(m.created_at), status, m.to_address, m.kind, m.subject].join('\t');
  });
}

/** The whole mail, plus its delivery state, for `mail show`. */
export function mailShowText(m: MailRow): string {
  const state = [
    `X-Outbox-Id: ${m.id}`,
    `X-Outbox-Status: ${m.status}`,
    `X-Outbox-Attempts: ${m.attempts}`,
    ...(m.sent_at !== null ? [`X-Outbox-Sent: ${isoSeconds(m.sent_at)}`] : []),
    ...(m.next_attempt_at !== null && m.status === 'queued' ? [`X-Outbox-Next-Attempt: ${isoSeconds(m.next_attempt_at)}`] : []),
    ...(m.last_error ? [`X-Outbox-Last-Error: ${m.last_error}`] : []),
  ];
  return `${state.join('\n')}\n${formatMail(m)}`;
}

const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('not a positive whole number');
  return n;
};

/** `dmapid mail list|show|send`: the outbox, readable also when no SMTP relay is configured. */
export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('the outbox: every e-mail the platform wrote');
  mail
    .command('list')
    .description('newest first: id, created, status, to, kind, subject')
    .option('--status <status>', `only ${statuses.join('|')}`)
    .option('--to <address>', 'only mails to this address')
    .option('--kind <kind>', 'only this template (whois-verification, grant-invitation, …)')
    .option('--limit <n>', 'at most this many', positive, 50)
    .action(async (o: { status?: string; to?: string; kind?: string; limit: number }) => {
      if (o.status !== undefined && !(statuses as readonly string[]).includes(o.status)) throw new Error(`--status must be one of ${statuses.join(', ')}`);
      await withDb(async (db) => {
        const rows = await listMail(db, {
          limit: o.limit,
          ...(o.status ? { status: o.status as MailStatus } : {}),
          ...(o.to ? { to: o.to } : {}),
          ...(o.kind ? { kind: o.kind } : {}),
        });
        printList(['id', 'created', 'status', 'to', 'kind', 'subject'], mailListLines(rows), 'no mails match');
      });
    });
  mail
    .command('show <id>')
    .description('the whole mail with its headers and delivery state')
    .action(async (id: string) => {
      await withDb(async (db) => {
        const m = await getMail(db, positive(id));
        if (!m) throw new Error(`no mail ${id} in the outbox`);
        process.stdout.write(mailShowText(m));
      });
    });
  mail
    .command('send <id>')
    .description('queue a held or failed mail for delivery (needs DMAPID_SMTP_HOST; the worker sends it)')
    .action(async (id: string) => {
      await withDb(async (db, now, config) => {
        const m = await db.transaction().execute((trx) => requeueMail({ db: trx, now, deps: { config } }, positive(id)));
        console.log(`mail ${m.id} to ${m.to_address} queued`);
      });
    });
}
