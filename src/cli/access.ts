import { InvalidArgumentError, type Command } from 'commander';
import { ZodError } from 'zod';
import { findAccountByUsername } from '../services/accounts.ts';
import { checkPolicy, parsePolicy, type AccessPolicy } from '../services/access-policy.ts';
import { withDb } from './with-db.ts';

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
  return n;
};

interface PolicyOptions {
  key?: string;
  allow?: string;
  perMinute?: number;
  perDay?: number;
  checksPerMinute?: number;
  checksPerDay?: number;
}

/** `dmapid access set|show|clear`: allowed client addresses and request budgets per account or API key. */
export function registerAccessCommands(program: Command): void {
  const access = program.command('access').description('allowed client addresses and request budgets of an account or one of its API keys');

  /** The account (and key) the options name; the policy's owner row. */
  const target = async (db: Parameters<Parameters<typeof withDb>[0]>[0], login: string, key: string | undefined) => {
    const a = await findAccountByUsername(db, login);
    if (!a) throw new Error(`no account ${login}`);
    if (key === undefined) return { what: `account ${a.login}`, read: async () => a.access_policy, write: async (v: string | null) => void (await db.updateTable('accounts').set({ access_policy: v }).where('id', '=', a.id).execute()) };
    const k = /^\d{1,15}$/.test(key) ? await db.selectFrom('api_keys').select(['id', 'access_policy']).where('id', '=', Number(key)).where('account_id', '=', a.id).executeTakeFirst() : undefined;
    if (!k) throw new Error(`${login} has no API key ${key} (see dmapid apikey list ${login})`);
    return { what: `API key ${k.id} of ${a.login}`, read: async () => k.access_policy, write: async (v: string | null) => void (await db.updateTable('api_keys').set({ access_policy: v }).where('id', '=', k.id).execute()) };
  };
  const describe = (p: AccessPolicy | undefined) =>
    p ? Object.entries(p).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('\n') : 'no limits';

  access
    .command('set <login>')
    .description('add to the policy of an account (or, with --key, of one API key): what is given replaces that part')
    .option('--key <id>', 'the API key (the id apikey list shows) instead of the whole account')
    .option('--allow <cidrs>', 'comma-separated addresses and CIDR prefixes requests may come from')
    .option('--per-minute <n>', 'requests a minute', count)
    .option('--per-day <n>', 'requests a day', count)
    .option('--checks-per-minute <n>', 'domain-check requests a minute', count)
    .option('--checks-per-day <n>', 'domain-check requests a day', count)
    .action(async (login: string, o: PolicyOptions) => {
      await withDb(async (db) => {
        const t = await target(db, login, o.key);
        const next: AccessPolicy = { ...parsePolicy(await t.read()) };
        if (o.allow !== undefined) next.allow = o.allow.split(',').map((s) => s.trim()).filter(Boolean);
        for (const k of ['perMinute', 'perDay', 'checksPerMinute', 'checksPerDay'] as const) if (o[k] !== undefined) next[k] = o[k];
        let checked: AccessPolicy;
        try {
          checked = checkPolicy(next);
        } catch (err) {
          throw new Error(err instanceof ZodError ? err.issues.map((i) => i.message).join('; ') : err instanceof Error ? err.message : String(err));
        }
        await t.write(JSON.stringify(checked));
        console.log(`${t.what}:\n${describe(checked)}`);
      });
    });
  access
    .command('show <login>')
    .option('--key <id>', 'the API key instead of the account')
    .action(async (login: string, o: { key?: string }) => {
      await withDb(async (db) => {
        const t = await target(db, login, o.key);
        console.log(`${t.what}:\n${describe(parsePolicy(await t.read()))}`);
      });
    });
  access
    .command('clear <login>')
    .description('remove every limit of the account (or, with --key, of the key)')
    .option('--key <id>', 'the API key instead of the account')
    .action(async (login: string, o: { key?: string }) => {
      await withDb(async (db) => {
        const t = await target(db, login, o.key);
        await t.write(null);
        console.log(`${t.what}: no limits`);
      });
    });
}
