#!/usr/bin/env node
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Command, InvalidArgumentError } from 'commander';
import { ZodError } from 'zod';
import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { ensureDemoAccount, DEMO } from '../services/demo.ts';
import { createAccount, createApiKey, revokeApiKey, scopes, setAccountRole, setAccountStatus, setPassword } from '../services/accounts.ts';
import { advanceClockOffset, readClockOffset } from '../core/settings-clock.ts';
import { parseDuration } from '../core/clock.ts';
import { formatAmount, parseAmount } from '../core/money.ts';
import { isoSeconds } from '../core/dates.ts';
import type { Scope } from '../db/schema.ts';
import { registerCallCommand } from './call.ts';
import { accountOrFail, withDb } from './with-db.ts';
import { registerJobCommands } from './jobs.ts';
import { productVersion, runningFrom } from '../obs/version.ts';
import { registerBackupCommands } from './backup.ts';
import { registerAccessCommands } from './access.ts';
import { registerWebhookCommands } from './webhooks.ts';
import { registerMailCommands } from './mail.ts';
import { creditAccount, registerBillingCommands } from './billing.ts';
import { registerRegistryCommands } from './registry.ts';
import { registerTransferCommands } from './transfers.ts';
import { registerDnssecCommands } from './dnssec.ts';
import { fileLimitWarning } from '../net/file-limit.ts';
import { printList } from './list-output.ts';


/** Binds a fastify app's server itself: fastify's listen would log the address again as a JSON line beside the banner. */
async function listenQuietly(app: FastifyInstance, port: number, host: string): Promise<void> {
  await app.ready();
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(port, host, () => resolve());
  });
}

const program = new Command('dmapid').description('DMAPI-compatible domain reseller platform').showHelpAfterError();

program
  .command('serve')
  .description('start the enabled listeners and the worker')
  .option('--demo', 'create the demo reseller (demo/demo, API key demo-api-key) when the database has no account')
  .action(async (opts: { demo?: boolean }) => {
    const config = loadConfig();
    // Loaded here only: the operator commands start faster without the whole server.
    const { createApp } = await import('../app.ts');
    const app = await createApp({ config });
    if (opts.demo && (await ensureDemoAccount(app.deps.db, app.deps.clock.now()))) {
      app.deps.log.info('created demo reseller "demo"');
    }
    const caps: Array<[string, number]> = [['DMAPI', config.httpMaxConnections]];
    if (config.redirect) caps.push(['redirect', config.httpMaxConnections]);
    if (config.dns) caps.push(['DNS TCP', config.dnsTcpMaxConnections]);
    if (config.epp) caps.push(['EPP', config.eppMaxConnections]);
    if (config.whois) caps.push(['WHOIS', config.whoisMaxConnections]);
    const tooMany = fileLimitWarning(caps);
    if (tooMany) console.error(`dmapid: warning: ${tooMany}`);
    await listenQuietly(app.http, config.port, config.host);
    if (config.worker) {
      app.worker.start();
      // The id is what jobs.locked_by shows for the claims of this process.
      console.log(`dmapid worker ${app.worker.id}: job leases of ${config.jobLeaseMs} ms, renewed every ${config.jobHeartbeatMs} ms`);
    }
    // The port actually bound (DMAPID_PORT=0 picks a free one).
    const base = `http://${config.host}:${(app.http.server.address() as AddressInfo).port}`;
    console.log(`dmapid listening: DMAPI ${base}/request/<name> (database ${app.handle.dialect}: ${config.database}; dmapid ${productVersion}, ${runningFrom})`);
    if (opts.demo) console.log(`try: curl '${base}/request/login?username=${DEMO.login}&password=${DEMO.password}'`);
    // DMAPI is the product: a side listener that cannot bind (port 5353 taken by mDNS, say) is
    // reported and left out rather than taking the whole server down.
    const sideListener = async (what: string, setting: string, start: () => Promise<string>) => {
      try {
        console.log(`dmapid listening: ${await start()}`);
      } catch (err) {
        console.error(`dmapid: ${what} not started: ${err instanceof Error ? err.message : String(err)} (change ${setting}, or turn it off)`);
      }
    };
    if (app.dns) {
      const dns = app.dns;
      await sideListener('DNS', 'DMAPID_DNS_PORT', async () => {
        await dns.listen();
        const show = (h: string) => (h.includes(':') ? `[${h}]` : h);
        return `DNS ${[...new Set(dns.addresses().map((a) => `${show(a.address)}:${a.port}`))].join(', ')} (UDP and TCP)`;
      });
    }
    if (app.whois) {
      const whois = app.whois;
      await sideListener('WHOIS', 'DMAPID_WHOIS_PORT', async () => {
        const at = await whois.listen({ host: config.whoisHost, port: config.whoisPort });
        return `WHOIS ${config.whoisHost}:${at.port} (port 43 protocol; RDAP at ${base}/rdap/)`;
      });
    }
    const redirect = config.redirect ? (await import('../redirect/server.ts')).createRedirectServer(app.deps) : undefined;
    if (redirect) {
      await sideListener('redirect service', 'DMAPID_REDIRECT_PORT', async () => {
        await listenQuietly(redirect, config.redirectPort, config.redirectHost);
        return `redirect http://${config.redirectHost}:${(redirect.server.address() as AddressInfo).port}/ (URL and FRAME records)`;
      });
    }
    const metrics = config.metrics ? (await import('../obs/metrics-server.ts')).createMetricsServer(app.deps) : undefined;
    if (metrics) {
      await sideListener('metrics', 'DMAPID_METRICS_PORT', async () => {
        await new Promise<void>((resolve, reject) => {
          metrics.once('error', reject);
          metrics.listen(config.metricsPort, config.metricsHost, () => resolve());
        });
        return `metrics http://${config.metricsHost}:${(metrics.address() as AddressInfo).port}/metrics (Prometheus)`;
      });
    }
    const epp = config.epp ? await (await import('../registry/epp/server/start.ts')).startEppListener(app.deps, (what, start) => sideListener(what, 'DMAPID_EPP_PORT', start)) : undefined;
    // SIGTERM/SIGINT: stop accepting, let requests in flight and the running job finish, hand the
    // other jobs back, close the database, exit 0. A second signal does not interrupt that.
    let stopping: Promise<void> | undefined;
    const stop = (signal: string) => {
      stopping ??= (async () => {
        console.log(`dmapid: ${signal}: shutting down`);
        try {
          await Promise.all([epp?.close(), redirect?.close(), new Promise((resolve) => (metrics?.listening ? metrics.close(resolve) : resolve(undefined))), app.close()]);
          console.log('dmapid: stopped');
          process.exit(0);
        } catch (err) {
          console.error(`dmapid: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        }
      })();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(async () => {
    const handle = openDatabase(loadConfig().database);
    const applied = await migrate(handle);
    await handle.close();
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  });

const account = program.command('account').description('reseller accounts');
const money = (v: string) => {
  if (parseAmount(v, 'USD') === undefined) throw new InvalidArgumentError('not an amount like 100 or 12.50');
  return v;
};
account
  .command('create <login>')
  .requiredOption('--email <email>', 'contact e-mail address')
  .option('--password <password>', 'password for login with username/password')
  .option('--currency <code>', 'account currency', 'USD')
  .option('--balance <amount>', 'opening balance', money, '0')
  .action(async (login: string, o: { email: string; password?: string; currency: string; balance: string }) => {
    await withDb(async (db, now) => {
      const balance = parseAmount(o.balance, o.currency);
      if (balance === undefined) throw new Error(`--balance ${o.balance} does not fit currency ${o.currency}`);
      const a = await createAccount(db, { login, email: o.email, currency: o.currency, balance, ...(o.password ? { password: o.password } : {}) }, now);
      console.log(`created account ${a.login} (UID ${a.id})`);
    });
  });
account.command('list').action(async () => {
  await withDb(async (db) => {
    const rows = await db.selectFrom('accounts').selectAll().orderBy('id').execute();
    const lines = rows.map((a) => [a.id, a.login, a.email, formatAmount(a.balance, a.currency), a.currency, a.status].join('\t'));
    printList(['uid', 'login', 'email', 'balance', 'currency', 'status'], lines, 'no accounts (dmapid account create <login> --email <address>)');
  });
});
account.command('show <login>').action(async (login: string) => {
  await withDb(async (db) => {
    const a = await accountOrFail(db, login);
    const lines: Array<[string, string]> = [
      ['uid', String(a.id)], ['login', a.login], ['email', a.email], ['currency', a.currency],
      ['balance', formatAmount(a.balance, a.currency)], ['reserved', formatAmount(a.reserved, a.currency)],
      ['status', a.status], ['created', isoSeconds(a.created_at)], ['password', a.password_hash ? 'set' : 'none'],
    ];
    for (const [k, v] of lines) console.log(`${k}: ${v}`);
  });
});
account
  .command('passwd <login>')
  .requiredOption('--password <password>', 'the new password')
  .description('set a new password; the sessions opened with the old one end')
  .action(async (login: string, o: { password: string }) => {
    await withDb(async (db, now) => {
      const a = await accountOrFail(db, login);
      await setPassword(db, a.id, o.password, now);
      console.log(`password of ${a.login} changed; its password sessions ended`);
    });
  });
for (const [verb, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
  account
    .command(`${verb} <login>`)
    .description(verb === 'disable' ? 'refuse every login and request of the account; its sessions end' : 'allow a disabled account again')
    .action(async (login: string) => {
      await withDb(async (db, now) => {
        const a = await accountOrFail(db, login);
        await setAccountStatus(db, a.id, status, now);
        console.log(`account ${a.login} ${status}`);
      });
    });
}
account
  .command('role <login> <role>')
  .description('make an account an operator (the web console\'s operator pages) or a reseller again')
  .action(async (login: string, role: string) => {
    if (role !== 'operator' && role !== 'reseller') throw new Error('role must be operator or reseller');
    await withDb(async (db) => {
      const a = await accountOrFail(db, login);
      await setAccountRole(db, a.id, role);
      console.log(`account ${a.login} is now ${role === 'operator' ? 'an operator' : 'a reseller'}`);
    });
  });
account
  .command('credit <login> <amount>')
  .description('top up (or, negative after --, debit) an account through the ledger: a credit-increase order')
  .option('--note <text>', 'kept with the ledger row')
  .action((login: string, amount: string, o: { note?: string }) => creditAccount(login, amount, o.note));

const apikey = program.command('apikey').description('API keys');
apikey
  .command('create <login>')
  .option('--scope <scope>', `one of ${scopes.join(', ')}`, 'full')
  .option('--label <label>', 'what the key is for', '')
  .action(async (login: string, o: { scope: string; label: string }) => {
    if (!(scopes as readonly string[]).includes(o.scope)) throw new Error(`--scope must be one of ${scopes.join(', ')}`);
    await withDb(async (db, now) => {
      const a = await accountOrFail(db, login);
      const k = await createApiKey(db, a.id, o.scope as Scope, o.label, now);
      console.log(`key ${k.id} (${o.scope}): ${k.key}`);
    });
  });
apikey.command('list <login>').action(async (login: string) => {
  await withDb(async (db) => {
    const a = await accountOrFail(db, login);
    const keys = await db.selectFrom('api_keys').selectAll().where('account_id', '=', a.id).orderBy('id').execute();
    const lines = keys.map((k) => [k.id, `${k.key_prefix}…`, k.scope, k.revoked_at ? 'revoked' : 'active', k.label].join('\t'));
    printList(['id', 'key', 'scope', 'status', 'label'], lines, `no API keys for ${a.login} (dmapid apikey create ${a.login})`);
  });
});
apikey.command('revoke <id>').action(async (id: string) => {
  if (!/^\d{1,15}$/.test(id)) throw new Error(`${id} is not a key id (the number apikey list shows)`);
  await withDb(async (db, now) => {
    if (!(await revokeApiKey(db, Number(id), now))) throw new Error(`no active key ${id}`);
    console.log(`key ${id} revoked; its sessions ended`);
  });
});

const clock = program.command('clock').description('the sandbox clock every deadline reads');
clock.command('show').action(async () => {
  await withDb(async (db) => {
    const offset = await readClockOffset(db);
    console.log(`now: ${isoSeconds(Date.now() + offset)} (offset ${offset / 1000} s)`);
  });
});
clock
  .command('advance <duration>')
  .description('move the clock forward, e.g. 6h, 5d, 1w, 2d12h')
  .action(async (duration: string) => {
    const ms = parseDuration(duration);
    if (ms === undefined) throw new Error(`${duration} is not a duration like 90s, 6h, 5d, 1w`);
    await withDb(async (db) => {
      const offset = await advanceClockOffset(db, ms);
      console.log(`now: ${isoSeconds(Date.now() + offset)} (offset ${offset / 1000} s)`);
    });
  });

registerCallCommand(program);
registerMailCommands(program);
registerBillingCommands(program);
registerRegistryCommands(program);
registerTransferCommands(program);
registerDnssecCommands(program);
registerJobCommands(program);
registerBackupCommands(program);
registerAccessCommands(program);
registerWebhookCommands(program);

program.parseAsync().catch((err: unknown) => {
  // zod's own message is a JSON dump; the issue messages already name the field.
  const message = err instanceof ZodError ? err.issues.map((i) => i.message).join('; ') : err instanceof Error ? err.message : String(err);
  console.error(`dmapid: ${message}`);
  process.exit(1);
});
