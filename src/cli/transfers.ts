import type { Command } from 'commander';
import { withDb } from './with-db.ts';
import { type Config } from '../config/config.ts';
import { type Dialect, type Executor } from '../db/database.ts';
import { parseDuration } from '../core/clock.ts';
import { isoSeconds } from '../core/dates.ts';
import { loadTldCatalogue, type TldCatalogue } from '../tld/catalogue.ts';
import { RegistryError } from '../registry/index.ts';
import { requestTransferOut } from '../services/transfer-out.ts';
import type { AnswerKeys } from '../services/answer-keys.ts';
import { listTransferPolicies, setTransferPolicy, transferAnswers, type TransferAnswer } from '../services/transfer-policy.ts';

/**
 * `dmapid registry transfer-out` and `dmapid registry transfer-policy`: the sandbox operator plays
 * the other registrars of a transfer. transfer-out asks for one of the platform's domains as a
 * foreign registrar, through the platform's rules as the losing registrar (the reseller is asked,
 * the IRTP-C lock applies); transfer-policy decides how a foreign registrar answers a transfer-in.
 */
export interface TransferCliContext {
  db: Executor;
  now: number;
  deps: { config: Config; tlds: TldCatalogue; dialect: Dialect; keys: AnswerKeys };
}

export const transferCli = {
  /** `c.db` is the database itself: the registry steps run before the transaction that records them. */
  async transferOut(c: TransferCliContext, domain: string, o: { to: string; auth?: string }): Promise<string[]> {
    try {
      const out = await requestTransferOut(c, { domain, gaining: o.to, authCode: o.auth });
      if (out.state === 'rejected') return [`transfer of ${domain} to ${o.to} rejected by this registrar: ${out.reason}`];
      return [`transfer of ${domain} to ${o.to} pending; the reseller was asked; it goes ${isoSeconds(out.actBy)} unless rejected`];
    } catch (err) {
      if (err instanceof RegistryError) throw new Error(`the registry refused the transfer of ${domain}: ${err.message} (EPP ${err.code})`);
      throw err;
    }
  },
  async policies(c: TransferCliContext): Promise<string[]> {
    return (await listTransferPolicies(c.db)).map((p) => [p.registrar, p.answer, p.answer === 'silent' ? '-' : `${p.delayMs / 1000}s`].join('\t'));
  },
  async setPolicy(c: TransferCliContext, registrar: string, answer: string, o: { after?: string }): Promise<string[]> {
    if (!(transferAnswers as readonly string[]).includes(answer)) throw new Error(`answer must be one of ${transferAnswers.join(', ')}`);
    const delayMs = o.after === undefined ? 0 : parseDuration(o.after);
    if (delayMs === undefined) throw new Error(`--after ${o.after}: not a duration like 90s, 6h, 2d`);
    await setTransferPolicy(c.db, c.now, { registrar, answer: answer as TransferAnswer, delayMs });
    return [answer === 'silent' ? `${registrar} stays silent: the registry approves transfers away from it after its window` : `${registrar} will ${answer} transfers away from it ${delayMs ? `${o.after} after the request` : 'at once'}`];
  },
};

/** Runs `fn` in one transaction; `transaction: false` hands it the database (it opens its own, the registry steps before them). */
async function withContext(fn: (c: TransferCliContext) => Promise<string[]>, o: { transaction?: boolean } = {}): Promise<void> {
  const lines = await withDb((db, now, config, dialect, keys) => {
    const deps = { config, tlds: loadTldCatalogue(config.tldCatalogue) as TldCatalogue, dialect, keys };
    return o.transaction === false ? fn({ db, now, deps }) : db.transaction().execute((trx) => fn({ db: trx, now, deps }));
  });
  for (const l of lines) console.log(l);
}

/** Adds the transfer commands to the `registry` group (registered after registerRegistryCommands). */
export function registerTransferCommands(program: Command): void {
  const registry = program.commands.find((c) => c.name() === 'registry') ?? program.command('registry');
  registry
    .command('transfer-out <domain>')
    .description("as another registrar: ask for one of this platform's domains (the reseller may reject; it goes after 5 days)")
    .requiredOption('--to <registrar>', 'the gaining registrar (e.g. sim-budgetnames)')
    .option('--auth <code>', "the domain's auth code (domain-transfer-get-auth-id)")
    .action((domain: string, o: { to: string; auth?: string }) => withContext((c) => transferCli.transferOut(c, domain, o), { transaction: false }));
  registry
    .command('transfer-policy [registrar] [answer]')
    .description('how a simulated registrar answers a transfer away from it: approve, reject or silent (the registry approves after 5 days); without arguments, list them')
    .option('--after <duration>', 'answer this long after the request, e.g. 6h, 2d (default: at once)')
    .action((registrar: string | undefined, answer: string | undefined, o: { after?: string }) =>
      withContext((c) => {
        if (registrar === undefined) return transferCli.policies(c);
        if (answer === undefined) throw new Error('give the answer too: approve, reject or silent');
        return transferCli.setPolicy(c, registrar, answer, o);
      }),
    );
}
