import { InvalidArgumentError, type Command } from 'commander';
import { withDb } from './with-db.ts';
import { type Executor } from '../db/database.ts';
import { isoDate, isoSeconds, parseIsoDate } from '../core/dates.ts';
import { loadTldCatalogue, type TldCatalogue } from '../tld/catalogue.ts';
import { simulatorOf } from '../registry/index.ts';
import { setEppPassword } from '../registry/epp/server/logins.ts';
import { clientStatuses, serverStatuses, type ClientStatus, type DomainInfo, type RegistrySimulator, type ServerStatus } from '../registry/port.ts';

/**
 * `dmapid registry …`: the operator's handle on the simulated registry. It plays the other
 * registrars of the sandbox: plants their names, hands out their auth codes, answers transfer
 * requests for them, and runs the registry's time-driven work on demand.
 */
export interface RegistryCliContext {
  db: Executor;
  now: number;
  sim: RegistrySimulator;
}

/** `key: value` lines of a domain, dates in ISO form. */
export function domainLines(d: DomainInfo): string[] {
  const lines: Array<[string, string]> = [
    ['domain', d.name],
    ...(d.unicode !== d.name ? ([['unicode', d.unicode]] as Array<[string, string]>) : []),
    ['roid', d.roid],
    ['sponsor', d.sponsor],
    ['status', d.statuses.join(',')],
    ['rgp', d.rgp.join(',') || '-'],
    ['created', isoSeconds(d.createdAt)],
    ['expires', isoSeconds(d.expiresAt)],
    ['registrant', d.registrant ?? '-'],
    ['admin', d.admin ?? '-'],
    ['tech', d.tech ?? '-'],
    ['billing', d.billing ?? '-'],
    ['nameservers', d.nameservers.join(',') || '-'],
    ['auth-code', d.hasAuthCode ? 'set' : 'none'],
  ];
  if (d.pendingTransfer) lines.push(['transfer', `${d.pendingTransfer.status} to ${d.pendingTransfer.gaining}, auto-approved ${isoSeconds(d.pendingTransfer.actBy)}`]);
  return lines.map(([k, v]) => `${k}: ${v}`);
}

const settable = [...clientStatuses, ...serverStatuses] as readonly string[];

export const registryCli = {
  async registrars(c: RegistryCliContext): Promise<string[]> {
    return (await c.sim.listRegistrars(c.db)).map((r) => [r.id, r.name, r.ianaId ?? '-', r.domains].join('\t'));
  },
  async addRegistrar(c: RegistryCliContext, id: string, o: { name: string; ianaId?: number }): Promise<string[]> {
    await c.sim.addRegistrar(c.db, c.now, { id, name: o.name, ianaId: o.ianaId ?? null });
    return [`registrar ${id} added`];
  },
  async domains(c: RegistryCliContext, o: { registrar?: string }): Promise<string[]> {
    return (await c.sim.listDomains(c.db, o.registrar)).map((d) => [d.name, d.sponsor, isoDate(d.expiresAt), d.statuses || '-'].join('\t'));
  },
  async show(c: RegistryCliContext, name: string): Promise<string[]> {
    const d = await c.sim.open(c.db, c.now).infoDomain(name);
    if (!d) throw new Error(`${name} is not registered`);
    return domainLines(d);
  },
  async addDomain(
    c: RegistryCliContext,
    name: string,
    o: { registrar: string; created?: string; expires?: string; authCode?: string; ns?: string; status?: string },
  ): Promise<string[]> {
    const statuses = (o.status ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const s of statuses) if (!settable.includes(s)) throw new Error(`--status ${s}: one of ${settable.join(', ')}`);
    const d = await c.sim.plantDomain(c.db, c.now, {
      name,
      sponsor: o.registrar,
      ...(o.created ? { createdAt: dateOption('--created', o.created) } : {}),
      ...(o.expires ? { expiresAt: dateOption('--expires', o.expires) } : {}),
      ...(o.authCode ? { authCode: o.authCode } : {}),
      ...(o.ns ? { nameservers: o.ns.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      statuses: statuses as Array<ClientStatus | ServerStatus>,
    });
    return [`registered ${d.name} for ${d.sponsor} until ${isoDate(d.expiresAt)}`];
  },
  /** As the sponsoring registrar: a fresh transfer code (what the registrant would ask their registrar for). */
  async authCode(c: RegistryCliContext, name: string): Promise<string[]> {
    const d = await c.sim.open(c.db, c.now).infoDomain(name);
    if (!d) throw new Error(`${name} is not registered`);
    return [await c.sim.openAs(d.sponsor, c.db, c.now).newAuthCode(d.name)];
  },
  /** As the losing registrar: answer a pending transfer. */
  async answerTransfer(c: RegistryCliContext, name: string, answer: 'approve' | 'reject'): Promise<string[]> {
    const d = await c.sim.open(c.db, c.now).infoDomain(name);
    if (!d) throw new Error(`${name} is not registered`);
    const as = c.sim.openAs(d.sponsor, c.db, c.now);
    const t = answer === 'approve' ? await as.approveTransfer(d.name) : await as.rejectTransfer(d.name);
    return [`transfer of ${t.name} to ${t.gaining}: ${t.status}`];
  },
  /** As another registrar: ask for a name (a transfer-out from this platform's point of view). */
  async requestTransfer(c: RegistryCliContext, name: string, o: { registrar: string; authCode?: string }): Promise<string[]> {
    const t = await c.sim.openAs(o.registrar, c.db, c.now).requestTransfer(name, o.authCode);
    return [`transfer of ${t.name} to ${t.gaining} pending; approved automatically ${isoSeconds(t.actBy)}`];
  },
  /** Sets (or with null removes) the password a registrar logs in with at the EPP listener. */
  async eppPassword(c: RegistryCliContext, id: string, password: string | null): Promise<string[]> {
    await setEppPassword(c.db, id, password);
    return [password === null ? `registrar ${id} can no longer log in over EPP` : `EPP password of ${id} set`];
  },
  async sweep(c: RegistryCliContext): Promise<string[]> {
    const r = await c.sim.sweep(c.db, c.now);
    return [
      `auto-renewed: ${r.autoRenewed.join(', ') || '-'}`,
      `expired: ${r.expired.join(', ') || '-'}`,
      `transfers approved: ${r.transfersApproved.join(', ') || '-'}`,
      `purged: ${r.purged.join(', ') || '-'}`,
      `grace periods ended: ${r.gracesEnded}`,
    ];
  },
};

function dateOption(flag: string, value: string): number {
  const at = parseIsoDate(value);
  if (at === undefined) throw new Error(`${flag} ${value}: not a date YYYY-MM-DD`);
  return at;
}

/** Opens the database (migrated) with the sandbox clock and the catalogue the server uses. */
async function withRegistry(fn: (c: RegistryCliContext) => Promise<string[]>): Promise<void> {
  const lines = await withDb((db, now, config, dialect) => {
    const sim = simulatorOf({ tlds: loadTldCatalogue(config.tldCatalogue) as TldCatalogue, dialect });
    return db.transaction().execute((trx) => fn({ db: trx, now, sim }));
  });
  for (const l of lines) console.log(l);
}

/** The first line of standard input (a password piped or typed in). */
async function readFirstLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

const wholeNumber = (v: string) => {
  if (!/^\d{1,9}$/.test(v)) throw new InvalidArgumentError('not a whole number');
  return Number(v);
};

export function registerRegistryCommands(program: Command): void {
  const registry = program.command('registry').description('the simulated registry: other registrars, their names, transfers, time-driven work');
  registry.command('registrars').description('id, name, IANA id, number of names').action(() => withRegistry((c) => registryCli.registrars(c)));
  registry
    .command('add-registrar <id>')
    .description('add a simulated registrar (lowercase id like sim-acme)')
    .requiredOption('--name <name>', 'display name')
    .option('--iana-id <n>', 'IANA registrar id', wholeNumber)
    .action((id: string, o: { name: string; ianaId?: number }) => withRegistry((c) => registryCli.addRegistrar(c, id, o)));
  registry
    .command('domains')
    .description('name, sponsor, expiry, statuses')
    .option('--registrar <id>', 'only names of this registrar')
    .action((o: { registrar?: string }) => withRegistry((c) => registryCli.domains(c, o)));
  registry.command('show <domain>').description('the registry\'s view of a name').action((name: string) => withRegistry((c) => registryCli.show(c, name)));
  registry
    .command('add-domain <domain>')
    .description('plant an existing registration of another registrar (for availability, whois and transfer-in tests)')
    .requiredOption('--registrar <id>', 'the sponsoring registrar')
    .option('--created <date>', 'creation date YYYY-MM-DD (default: 400 days ago, outside transfer locks)')
    .option('--expires <date>', 'expiry date YYYY-MM-DD')
    .option('--auth-code <code>', 'the transfer auth code')
    .option('--ns <hosts>', 'comma-separated name servers (external ones are created)')
    .option('--status <statuses>', 'comma-separated client/server statuses, e.g. clientTransferProhibited')
    .action((name: string, o: { registrar: string; created?: string; expires?: string; authCode?: string; ns?: string; status?: string }) => withRegistry((c) => registryCli.addDomain(c, name, o)));
  registry.command('auth-code <domain>').description('as the sponsor: set and print a fresh transfer auth code').action((name: string) => withRegistry((c) => registryCli.authCode(c, name)));
  registry.command('approve-transfer <domain>').description('as the losing registrar: approve a pending transfer').action((name: string) => withRegistry((c) => registryCli.answerTransfer(c, name, 'approve')));
  registry.command('reject-transfer <domain>').description('as the losing registrar: reject a pending transfer').action((name: string) => withRegistry((c) => registryCli.answerTransfer(c, name, 'reject')));
  registry
    .command('request-transfer <domain>')
    .description('as another registrar: request a name (a transfer away from its sponsor)')
    .requiredOption('--registrar <id>', 'the gaining registrar')
    .option('--auth-code <code>', 'the auth code')
    .action((name: string, o: { registrar: string; authCode?: string }) => withRegistry((c) => registryCli.requestTransfer(c, name, o)));
  registry
    .command('epp-password <id>')
    .description('set the password registrar <id> logs in with at the EPP listener (6-16 characters; read from standard input unless --password)')
    .option('--password <password>', 'the password (visible to other users of this machine: prefer standard input)')
    .option('--remove', 'remove the password: the registrar cannot log in over EPP')
    .action(async (id: string, o: { password?: string; remove?: boolean }) => {
      const password = o.remove ? null : (o.password ?? (await readFirstLine()));
      await withRegistry((c) => registryCli.eppPassword(c, id, password));
    });
  registry.command('sweep').description('run the registry\'s due work now: auto-renew, expiry, transfer auto-approval, purges').action(() => withRegistry((c) => registryCli.sweep(c)));
}
