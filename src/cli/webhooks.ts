import { InvalidArgumentError, type Command } from 'commander';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, redeliver } from '../services/webhooks.ts';
import { eventsAfter } from '../services/events.ts';
import { formatAmount, parseAmount } from '../core/money.ts';
import { isoSeconds } from '../core/dates.ts';
import type { DeliveryStatus } from '../db/schema.ts';
import { accountOrFail, withDb } from './with-db.ts';
import { printList } from './list-output.ts';

const whole = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
};
const statuses = ['pending', 'delivered', 'failed', 'cancelled'] as const;


const time = (at: number | null) => (at === null ? '-' : isoSeconds(at));

/** `dmapid webhooks …`: an account's event feed and webhook endpoints, as the extension requests see them (docs/integrators.md). */
export function registerWebhookCommands(program: Command): void {
  const hooks = program.command('webhooks').description("an account's webhook endpoints, their delivery log and its event feed");

  hooks
    .command('add <login> <url>')
    .description('add an endpoint; without --secret one is made and printed this once')
    .option('--secret <secret>', 'the signing key (at least 16 characters)')
    .option('--description <text>', 'a note for the list')
    .action(async (login: string, url: string, o: { secret?: string; description?: string }) => {
      await withDb(async (db, now) => {
        const a = await accountOrFail(db, login);
        const { row, generatedSecret } = await createWebhook(db, { accountId: a.id, url, secret: o.secret, description: o.description, now });
        console.log(`webhook ${row.id} of ${a.login}: ${row.url}`);
        if (generatedSecret) console.log(`secret: ${generatedSecret} (shown only now)`);
      });
    });
  hooks
    .command('list <login>')
    .description('the endpoints (never their secrets)')
    .action(async (login: string) => {
      await withDb(async (db) => {
        const a = await accountOrFail(db, login);
        const rows = await listWebhooks(db, a.id);
        printList(['id', 'url', 'created', 'description'], rows.map((w) => [w.id, w.url, isoSeconds(w.created_at), w.description].join('\t')), `${a.login} has no webhooks`);
      });
    });
  hooks
    .command('delete <login> <id>')
    .description('remove an endpoint with its delivery log')
    .action(async (login: string, id: string) => {
      await withDb(async (db) => {
        const a = await accountOrFail(db, login);
        const url = await deleteWebhook(db, a.id, whole(id));
        console.log(`webhook ${id} (${url}) deleted`);
      });
    });
  hooks
    .command('deliveries <login>')
    .description('the delivery log, newest first')
    .option('--webhook <id>', 'only this endpoint', whole)
    .option('--status <status>', statuses.join('|'))
    .option('--limit <n>', 'at most this many (default 50)', whole)
    .action(async (login: string, o: { webhook?: number; status?: string; limit?: number }) => {
      if (o.status !== undefined && !statuses.includes(o.status as DeliveryStatus)) throw new Error(`--status must be one of ${statuses.join(', ')}`);
      await withDb(async (db) => {
        const a = await accountOrFail(db, login);
        const rows = await listDeliveries(db, { accountId: a.id, webhookId: o.webhook, status: o.status as DeliveryStatus | undefined, limit: o.limit ?? 50, offset: 0 });
        const lines = rows.map((d) => [d.id, d.webhookId, d.seq, d.type, d.status, d.attempts, time(d.lastAt), d.lastCode ?? '-', d.lastError ?? '-'].join('\t'));
        printList(['id', 'webhook', 'seq', 'type', 'status', 'attempts', 'last_attempt', 'last_code', 'last_error'], lines, `no deliveries for ${a.login}`);
      });
    });
  hooks
    .command('redeliver <login> <seq>')
    .description('queue event <seq> again, to every endpoint or to --webhook')
    .option('--webhook <id>', 'only this endpoint', whole)
    .action(async (login: string, seq: string, o: { webhook?: number }) => {
      await withDb(async (db, now) => {
        const a = await accountOrFail(db, login);
        const ids = await db.transaction().execute((tx) => redeliver(tx, { accountId: a.id, seq: whole(seq), webhookId: o.webhook, now }));
        console.log(`event ${seq} of ${a.login} queued again: deliveries ${ids.join(', ')}`);
      });
    });
  hooks
    .command('events <login>')
    .description('the event feed after a cursor, oldest first')
    .option('--after <seq>', 'the last event already seen (default 0)', whole)
    .option('--limit <n>', 'at most this many (default 50)', whole)
    .action(async (login: string, o: { after?: number; limit?: number }) => {
      await withDb(async (db) => {
        const a = await accountOrFail(db, login);
        const rows = await eventsAfter(db, a.id, o.after ?? 0, o.limit ?? 50);
        printList(['seq', 'time', 'type', 'object', 'proc_id', 'data'], rows.map((e) => [e.seq, isoSeconds(e.created_at), e.type, e.object || '-', e.proc_id ?? '-', e.data].join('\t')), `no events for ${a.login}`);
      });
    });
  hooks
    .command('low-balance <login> [amount]')
    .description('show, or set, the available money below which a balance.low event is written (0: never)')
    .action(async (login: string, amount: string | undefined) => {
      await withDb(async (db) => {
        const a = await accountOrFail(db, login);
        let low = a.low_balance;
        if (amount !== undefined) {
          const minor = parseAmount(amount, a.currency);
          if (minor === undefined || minor < 0) throw new Error(`not an amount in ${a.currency}: ${amount}`);
          await db.updateTable('accounts').set({ low_balance: minor }).where('id', '=', a.id).execute();
          low = minor;
        }
        console.log(`low balance of ${a.login}: ${formatAmount(low, a.currency)} ${a.currency}`);
      });
    });
}
