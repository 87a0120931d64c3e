import { randomBytes } from 'node:crypto';
import type { Db, Executor } from '../../../db/database.ts';
import type { Logger } from '../../../obs/logger.ts';
import { parseIsoDate } from '../../../core/dates.ts';
import { RegistryError, type Registry, type RegistrySimulator } from '../../port.ts';
import { UnimplementedCommand, UnimplementedOption, decodeClientFrame } from '../commands.ts';
import { encodeGreeting, encodeResponse } from '../responses.ts';
import { EppSyntaxError, NS } from '../xml.ts';
import { availabilityItem, contactToEpp, domainToEpp, domainUpdateFromEpp, errorResult, feeOf, hostToEpp, moneyOf, monthsOf, pollToEpp, postalChangeOf, postalOf, result, splitAddrs, transferToEpp } from '../mapping.ts';
import type { Command, FeeCheckItem, Greeting, Response, ResponseExtensions } from '../types.ts';
import { eppLoginValid, setEppPassword } from './logins.ts';

/** What one EPP session needs: the database, the simulator and the (movable) clock. */
export interface EppServerDeps {
  db: Db;
  sim: RegistrySimulator;
  now: () => number;
  log: Logger;
  /** Picks up a clock offset the CLI moved (`dmapid clock advance`) before each frame. */
  syncClock?: () => Promise<void>;
}

export const SERVER_ID = 'dmapid simulated registry';
export const OBJECT_URIS = [NS.domain, NS.host, NS.contact];
export const EXTENSION_URIS = [NS.rgp, NS.secDNS, NS.fee, NS.secureAuthInfo, NS.dmapid];
/** Failed logins a connection may make before the server ends it (2501). */
const MAX_LOGIN_FAILURES = 3;

export function greetingOf(now: number): Greeting {
  return { svID: SERVER_ID, svDate: now, versions: ['1.0'], langs: ['en'], objURIs: OBJECT_URIS, extURIs: EXTENSION_URIS };
}

let counter = 0;
const svTRID = () => `SIM-${randomBytes(4).toString('hex')}-${(++counter).toString(36)}`;

type Answer = Omit<Response, 'svTRID' | 'clTRID'>;
const done = (code = 1000, extra: Partial<Answer> = {}): Answer => ({ results: [result(code)], ...extra });

/**
 * One EPP connection's state machine (RFC 5730 §2): greeting, login, commands, logout. Every
 * command runs in one database transaction on the simulator as the logged-in registrar, at
 * the sandbox clock's now; failures become result codes, never exceptions out of here.
 */
export class EppServerSession {
  private registrar: string | undefined;
  private failures = 0;
  private readonly deps: EppServerDeps;

  constructor(deps: EppServerDeps) {
    this.deps = deps;
  }

  greeting(): string {
    return encodeGreeting(greetingOf(this.deps.now()));
  }

  /** Answers one frame; `close` when the session ends after this answer. */
  async handle(xml: string): Promise<{ reply: string; close: boolean }> {
    let clTRID: string | undefined;
    let close = false;
    let answer: Answer;
    try {
      await this.deps.syncClock?.();
      const frame = decodeClientFrame(xml);
      if (frame.kind === 'hello') return { reply: this.greeting(), close: false };
      const c = frame.command;
      clTRID = c.clTRID;
      if (c.cmd === 'login') {
        answer = await this.login(c);
        close = answer.results[0]!.code === 2501;
      } else if (!this.registrar) {
        answer = done(2002, { results: [result(2002, 'log in first')] });
      } else if (c.cmd === 'logout') {
        answer = done(1500);
        close = true;
      } else {
        const as = this.registrar;
        answer = await this.deps.db.transaction().execute((trx) => this.command(this.deps.sim.openAs(as, trx, this.deps.now()), trx, c));
      }
    } catch (e) {
      answer = { results: [this.failure(e)] };
    }
    return { reply: encodeResponse({ ...answer, clTRID, svTRID: svTRID() }), close };
  }

  private failure(e: unknown) {
    if (e instanceof RegistryError) return errorResult(e);
    if (e instanceof EppSyntaxError) return result(2001, e.message);
    if (e instanceof UnimplementedCommand || e instanceof UnimplementedOption) return result(e.code, e.message);
    this.deps.log.error({ err: e }, 'EPP command failed');
    return result(2400);
  }

  private async login(c: Extract<Command, { cmd: 'login' }>): Promise<Answer> {
    if (this.registrar) return done(2002, { results: [result(2002, 'already logged in')] });
    const unknown = c.objURIs.filter((u) => !OBJECT_URIS.includes(u as (typeof OBJECT_URIS)[number]));
    if (unknown.length) return done(2307, { results: [result(2307, `objects not served: ${unknown.join(' ')}`)] });
    if (c.lang && c.lang !== 'en') return done(2102, { results: [result(2102, 'only lang en is offered')] });
    if (!(await eppLoginValid(this.deps.db, c.clID, c.pw))) {
      this.failures++;
      if (this.failures >= MAX_LOGIN_FAILURES) return done(2501);
      return done(2200);
    }
    if (c.newPW !== undefined) await setEppPassword(this.deps.db, c.clID, c.newPW);
    this.registrar = c.clID;
    return done();
  }

  private async command(r: Registry, db: Executor, c: Command): Promise<Answer> {
    switch (c.cmd) {
      case 'login':
      case 'logout':
        throw new Error('handled by the session');
      case 'poll':
        return c.op === 'req' ? this.pollReq(r, db) : this.pollAck(r, db, c.msgID);
      case 'domain:check': {
        const cds = [];
        const fees: FeeCheckItem[] = [];
        let currency = c.fee?.currency;
        for (const name of c.names) {
          const a = await r.checkDomain(name);
          cds.push(availabilityItem(name, a));
          if (!c.fee) continue;
          if (a.status !== 'premium') {
            fees.push({ name, avail: a.status === 'available', class: a.status === 'available' ? 'standard' : undefined, commands: [], reason: a.status === 'available' ? undefined : 'Not available' });
            continue;
          }
          currency ??= a.create.currency;
          fees.push({ name, avail: true, class: a.class, commands: c.fee.commands.filter((x) => x.name === 'create' || x.name === 'renew').map((x) => {
            const years = monthsOf(x.period, 12) / 12;
            const renew = a.renew ?? a.create;
            const amount = x.name === 'create' ? a.create.amount + renew.amount * (years - 1) : renew.amount * years;
            return { name: x.name, period: x.period ?? { value: 1, unit: 'y' as const }, fee: feeOf({ amount, currency: a.create.currency }).fee, standard: false };
          }) });
        }
        const ext: ResponseExtensions | undefined = c.fee ? { feeCheck: { currency: currency ?? 'USD', cds: fees } } : undefined;
        return done(1000, { resData: { type: 'domain:chkData', cds }, ext });
      }
      case 'domain:info': {
        const d = await r.infoDomain(c.name);
        if (!d) throw new RegistryError(2303, `domain ${c.name} does not exist`);
        const { data, ext } = domainToEpp(d, r.registrarId);
        // Others see the public part unless they hold the auth code (RFC 5731 §3.1.2).
        const mayRead = d.sponsor === r.registrarId || (c.authInfo !== undefined && (await r.verifyAuthCode(d.name, c.authInfo)));
        if (!mayRead) Object.assign(data, { registrant: undefined, contacts: [], ns: [], hosts: [], authInfo: undefined });
        if (c.hosts === 'none' || c.hosts === 'sub') data.ns = [];
        if (c.hosts === 'none' || c.hosts === 'del') data.hosts = [];
        return done(1000, { resData: { type: 'domain:infData', data }, ext });
      }
      case 'domain:create': {
        const pre = await r.checkDomain(c.name);
        const acceptPrice = c.fee ? moneyOf(c.fee) : undefined;
        if (c.fee && !acceptPrice) throw new RegistryError(2004, `fee ${c.fee.fee} ${c.fee.currency} is not an amount`);
        const role = (t: 'admin' | 'tech' | 'billing') => c.contacts?.find((x) => x.type === t)?.id;
        let d = await r.createDomain({ name: c.name, periodMonths: monthsOf(c.period, 12), registrant: c.registrant, admin: role('admin'), tech: role('tech'), billing: role('billing'), nameservers: c.ns, authCode: c.authInfo || undefined, acceptPrice });
        if (c.dnssec) d = await r.updateDomain(d.name, { dnssec: c.dnssec });
        const ext: ResponseExtensions | undefined = pre.status === 'premium' && c.fee ? { fee: { kind: 'creData', currency: c.fee.currency, fees: [c.fee.fee], credits: [] } } : undefined;
        return done(1000, { resData: { type: 'domain:creData', name: d.name, crDate: d.createdAt, exDate: d.expiresAt }, ext });
      }
      case 'domain:delete': {
        const out = await r.deleteDomain(c.name);
        // Outside the add grace period the name goes into redemption: deleted later, so pending.
        return done(out.purged ? 1000 : 1001);
      }
      case 'domain:renew': {
        const cur = parseIsoDate(c.curExpDate);
        if (cur === undefined) throw new EppSyntaxError(`curExpDate ${c.curExpDate} is not a date`);
        const d = await r.renewDomain(c.name, cur, monthsOf(c.period, 12));
        return done(1000, { resData: { type: 'domain:renData', name: d.name, exDate: d.expiresAt } });
      }
      case 'domain:transfer':
        return this.domainTransfer(r, c);
      case 'domain:update':
        return this.domainUpdate(r, c);
      case 'host:check': {
        const cds = [];
        for (const name of c.names) cds.push((await r.checkHost(name)) ? { id: name, avail: false, reason: 'In use' } : { id: name, avail: true });
        return done(1000, { resData: { type: 'host:chkData', cds } });
      }
      case 'host:info': {
        const h = await r.infoHost(c.name);
        if (!h) throw new RegistryError(2303, `host ${c.name} does not exist`);
        return done(1000, { resData: { type: 'host:infData', data: hostToEpp(h) } });
      }
      case 'host:create': {
        const h = await r.createHost(c.name, splitAddrs(c.addrs));
        return done(1000, { resData: { type: 'host:creData', name: h.name, crDate: h.createdAt } });
      }
      case 'host:delete':
        await r.deleteHost(c.name);
        return done();
      case 'host:update': {
        if (c.add?.statuses?.length || c.rem?.statuses?.length) throw new UnimplementedOption('host statuses are set by the registry only here');
        const h = await r.infoHost(c.name);
        if (!h) throw new RegistryError(2303, `host ${c.name} does not exist`);
        const rem = splitAddrs(c.rem?.addrs ?? []);
        const add = splitAddrs(c.add?.addrs ?? []);
        const keep = (now: string[], gone: string[], more: string[]) => [...now.filter((a) => !gone.includes(a)), ...more.filter((a) => !now.includes(a) || gone.includes(a))];
        await r.updateHost(h.name, { ipv4: keep(h.ipv4, rem.ipv4, add.ipv4), ipv6: keep(h.ipv6, rem.ipv6, add.ipv6), newName: c.newName });
        return done();
      }
      case 'contact:check': {
        const cds = [];
        for (const id of c.ids) cds.push((await r.checkContact(id)) ? { id, avail: false, reason: 'In use' } : { id, avail: true });
        return done(1000, { resData: { type: 'contact:chkData', cds } });
      }
      case 'contact:info': {
        const info = await r.infoContact(c.id);
        if (!info) throw new RegistryError(2303, `contact ${c.id} does not exist`);
        const { data, fields } = contactToEpp(info);
        return done(1000, { resData: { type: 'contact:infData', data }, ext: { contactFields: fields } });
      }
      case 'contact:create': {
        const info = await r.createContact(c.id, postalOf(c.data, c.fields));
        return done(1000, { resData: { type: 'contact:creData', id: info.id, crDate: info.createdAt } });
      }
      case 'contact:delete':
        await r.deleteContact(c.id);
        return done();
      case 'contact:update': {
        if (c.addStatuses?.length || c.remStatuses?.length) throw new UnimplementedOption('contact statuses are set by the registry only here');
        const info = await r.infoContact(c.id);
        if (!info) throw new RegistryError(2303, `contact ${c.id} does not exist`);
        await r.updateContact(info.id, postalChangeOf(c.chg ?? {}, c.fields, info.postal));
        return done();
      }
      case 'contact:transfer':
        throw new UnimplementedCommand('contact transfers are not offered by this registry');
    }
  }

  private async domainTransfer(r: Registry, c: Extract<Command, { cmd: 'domain:transfer' }>): Promise<Answer> {
    const trn = (t: Parameters<typeof transferToEpp>[0], code = 1000): Answer => done(code, { resData: { type: 'domain:trnData', data: transferToEpp(t) } });
    switch (c.op) {
      case 'request':
        return trn(await r.requestTransfer(c.name, c.authInfo, c.period ? monthsOf(c.period, 12) : undefined), 1001);
      case 'query': {
        const t = await r.queryTransfer(c.name);
        if (!t) throw new RegistryError(2301, `${c.name} has no transfer to report`);
        return trn(t);
      }
      case 'approve':
        return trn(await r.approveTransfer(c.name));
      case 'reject':
        return trn(await r.rejectTransfer(c.name));
      case 'cancel':
        return trn(await r.cancelTransfer(c.name));
    }
  }

  private async domainUpdate(r: Registry, c: Extract<Command, { cmd: 'domain:update' }>): Promise<Answer> {
    const current = await r.infoDomain(c.name);
    if (!current) throw new RegistryError(2303, `domain ${c.name} does not exist`);
    if (current.sponsor !== r.registrarId) throw new RegistryError(2201, `domain ${current.name} is sponsored by another registrar`);
    if (c.restore) {
      if (c.add || c.rem || c.secDNS || c.chg?.registrant !== undefined || c.chg?.authInfo !== undefined) throw new RegistryError(2306, 'a restore changes nothing else');
      // The simulator restores in one step: a report is accepted the same as a request.
      const d = await r.restoreDomain(current.name);
      return done(1000, d.rgp.length ? { ext: { rgp: { kind: 'upData', statuses: d.rgp } } } : {});
    }
    const change = domainUpdateFromEpp(current, c);
    if (Object.keys(change).length) await r.updateDomain(current.name, change);
    if (c.chg?.authInfo !== undefined) await r.setAuthCode(current.name, c.chg.authInfo || null);
    return done();
  }

  private async queueCount(db: Executor, registrar: string): Promise<number> {
    const row = await db.selectFrom('registry_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('registrar', '=', registrar).where('acked_at', 'is', null).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  private async pollReq(r: Registry, db: Executor): Promise<Answer> {
    const [m] = await r.poll(1);
    if (!m) return done(1300);
    const answer: Answer = { results: [result(1301)], ...pollToEpp(m, await this.queueCount(db, r.registrarId)) };
    if (m.kind.startsWith('transfer-')) {
      const t = await r.queryTransfer(m.object).catch(() => undefined);
      if (t) answer.resData = { type: 'domain:trnData', data: transferToEpp(t) };
    }
    return answer;
  }

  private async pollAck(r: Registry, db: Executor, msgID: string): Promise<Answer> {
    if (!/^\d{1,15}$/.test(msgID)) throw new RegistryError(2303, `no message ${msgID} in the queue`);
    await r.ack(Number(msgID));
    const count = await this.queueCount(db, r.registrarId);
    const [next] = count ? await r.poll(1) : [];
    return done(1000, next ? { msgQ: { count, id: String(next.id) } } : {});
  }
}
