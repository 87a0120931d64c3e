import { randomBytes } from 'node:crypto';
import type { Executor } from '../../../db/database.ts';
import { DAY } from '../../../core/clock.ts';
import { isoDate } from '../../../core/dates.ts';
import { parseAmount } from '../../../core/money.ts';
import { recordFrame } from '../../frames.ts';
import { RegistryTransportError, RegistryUnavailable } from '../../faults.ts';
import {
  RegistryError,
  type Availability,
  type ContactInfo,
  type ContactPostal,
  type DeleteOutcome,
  type DomainCreate,
  type DomainInfo,
  type DomainUpdate,
  type HostAddresses,
  type HostInfo,
  type HostUpdate,
  type PollMessage,
  type Registry,
  type TransferInfo,
} from '../../port.ts';
import { contactChangeOf, contactDataOf, contactFromEpp, domainFromEpp, domainUpdateToEpp, feeOf, hostFromEpp, periodOfMonths, pollFromEpp, registryErrorOf, transferFromEpp } from '../mapping.ts';
import type { Command, ContactRef, HostAddr, ResData, Response } from '../types.ts';
import { NS } from '../xml.ts';
import type { EppBackend } from './backend.ts';
import type { SessionPool } from './pool.ts';

type Of<T extends ResData['type']> = Extract<ResData, { type: T }>;

/** A fresh auth code for registries without RFC 9154 (where an empty code is not allowed). */
const randomCode = () => `${randomBytes(12).toString('base64url')}-9a`;

/**
 * The registry port over EPP, for one unit of work: every call is one or a few EPP commands on
 * the pool of the registry serving the object, mapped with the shared codec (mapping.ts). Our
 * clID at each registry reads as the platform's registrar id, contact ids carry the
 * registry's prefix on the wire only, and every exchange is filed under the job in progress.
 */
export class EppRegistry implements Registry {
  readonly registrarId: string;
  private readonly backend: EppBackend;
  private readonly db: Executor;
  private readonly now: number;
  /** Which pool a polled message came from, so its ack goes there. */
  private readonly polledFrom = new Map<number, SessionPool>();

  constructor(backend: EppBackend, db: Executor, now: number) {
    this.backend = backend;
    this.db = db;
    this.now = now;
    this.registrarId = backend.registrarId;
  }

  // ------------------------------------------------------------------ plumbing

  /** Sends a command; failures come out as RegistryError (refusals) or the retryable faults. */
  private async send(pool: SessionPool, build: () => Command, idempotent = false): Promise<Response> {
    let command = '';
    const { response } = await pool.run(
      () => {
        const c = build();
        command = c.cmd;
        return c;
      },
      { idempotent, record: (x) => recordFrame(this.db, { registry: pool.target.name, command, resultCode: x.code, sent: x.sent, received: x.received, at: this.backend.clock() }) },
    );
    const r = response.results[0]!;
    if (r.code < 2000) return response;
    // 2400 is the registry failing, not refusing: try again later (checking first).
    if (r.code === 2400 || r.code === 2500) throw new RegistryTransportError(`registry ${pool.target.name} answered ${r.code} ${r.msg}`);
    if (r.code === 2501 || r.code === 2502) throw new RegistryUnavailable(`registry ${pool.target.name} answered ${r.code} ${r.msg}`, 30_000);
    throw registryErrorOf(response);
  }

  /** Like send, but 2303 (object does not exist) is undefined. */
  private async sendOrMissing(pool: SessionPool, build: () => Command): Promise<Response | undefined> {
    try {
      return await this.send(pool, build, true);
    } catch (e) {
      if (e instanceof RegistryError && e.code === 2303) return undefined;
      throw e;
    }
  }

  private resData<T extends ResData['type']>(r: Response, type: T): Of<T> {
    if (r.resData?.type !== type) throw new RegistryTransportError(`expected ${type} in the registry's answer, got ${r.resData?.type ?? 'none'}`);
    return r.resData as Of<T>;
  }

  private ours = (clID: string, pool: SessionPool) => (clID.toLowerCase() === pool.target.login.toLowerCase() ? this.registrarId : clID);
  private wireContact = (pool: SessionPool, id: string) => `${pool.target.contactPrefix}${id}`;
  private portContact = (pool: SessionPool, id: string) => (pool.target.contactPrefix && id.startsWith(pool.target.contactPrefix) ? id.slice(pool.target.contactPrefix.length) : id);

  /** An extension the call needs: refused (2306, nothing sent) when the registry does not offer it. */
  private need(pool: SessionPool, uri: string, what: string): void {
    if (!pool.uses(uri)) throw new RegistryError(2306, `registry ${pool.target.name} does not offer ${uri.replace(/^urn:ietf:params:xml:ns:(epp:)?/, '')}, which ${what} needs`);
  }

  private domainPool(name: string): SessionPool {
    const pool = this.backend.poolForName(name);
    if (!pool) throw new RegistryError(2306, `no registry is configured for ${name}`);
    return pool;
  }

  // ------------------------------------------------------------------ domains

  async checkDomain(name: string): Promise<Availability> {
    const pool = this.backend.poolForName(name);
    if (!pool) return { status: 'invalid', reason: 'no registry is configured for this TLD' };
    let withFee = false;
    const r = await this.send(
      pool,
      () => {
        withFee = pool.uses(NS.fee);
        const one = { value: 1, unit: 'y' as const };
        return { cmd: 'domain:check', names: [name], fee: withFee ? { commands: [{ name: 'create', period: one }, { name: 'renew', period: one }] } : undefined };
      },
      true,
    );
    const cd = this.resData(r, 'domain:chkData').cds[0];
    if (!cd) throw new RegistryTransportError('domain check answered without the name');
    if (cd.avail) {
      const fee = withFee ? r.ext?.feeCheck?.cds.find((x) => x.name.toLowerCase() === name) : undefined;
      const currency = r.ext?.feeCheck?.currency ?? '';
      const money = (cmd: string) => {
        const f = fee?.commands.find((c) => c.name === cmd)?.fee;
        const amount = f === undefined ? undefined : parseAmount(f, currency);
        return amount === undefined ? undefined : { amount, currency };
      };
      const create = money('create');
      if (fee && fee.class && fee.class !== 'standard' && create) return { status: 'premium', class: fee.class, create, renew: money('renew') };
      return { status: 'available' };
    }
    if (/reserv/i.test(cd.reason ?? '')) return { status: 'reserved', reason: cd.reason ?? 'reserved' };
    const info = await this.infoDomain(name);
    if (!info) return { status: 'reserved', reason: cd.reason ?? 'not available' };
    const rgp = info.rgp.find((x) => x === 'redemptionPeriod' || x === 'pendingDelete');
    return { status: 'registered', sponsor: info.sponsor, ours: info.sponsor === this.registrarId, rgp };
  }

  async infoDomain(name: string): Promise<DomainInfo | undefined> {
    const pool = this.domainPool(name);
    const r = await this.sendOrMissing(pool, () => ({ cmd: 'domain:info', name, hosts: 'all' }));
    if (!r) return undefined;
    const d = domainFromEpp(this.resData(r, 'domain:infData').data, r.ext);
    const info: DomainInfo = {
      ...d,
      sponsor: this.ours(d.sponsor, pool),
      createdBy: this.ours(d.createdBy, pool),
      registrant: d.registrant && this.portContact(pool, d.registrant),
      admin: d.admin && this.portContact(pool, d.admin),
      tech: d.tech && this.portContact(pool, d.tech),
      billing: d.billing && this.portContact(pool, d.billing),
    };
    if (info.statuses.includes('pendingTransfer')) info.pendingTransfer = (await this.queryTransfer(name)) ?? null;
    return info;
  }

  private mustInfo = async (name: string): Promise<DomainInfo> => {
    const d = await this.infoDomain(name);
    if (!d) throw new RegistryError(2303, `domain ${name} does not exist`);
    return d;
  };

  async createDomain(input: DomainCreate): Promise<DomainInfo> {
    const pool = this.domainPool(input.name);
    const contacts: ContactRef[] = (['admin', 'tech', 'billing'] as const).flatMap((type) => (input[type] ? [{ type, id: this.wireContact(pool, input[type]!) }] : []));
    await this.send(pool, () => {
      if (input.acceptPrice) this.need(pool, NS.fee, 'acknowledging a premium fee');
      return {
        cmd: 'domain:create',
        name: input.name,
        period: periodOfMonths(input.periodMonths),
        ns: input.nameservers?.length ? input.nameservers : undefined,
        registrant: input.registrant ? this.wireContact(pool, input.registrant) : undefined,
        contacts: contacts.length ? contacts : undefined,
        // RFC 9154: no code until one is asked for; older registries insist on one.
        authInfo: input.authCode ?? (pool.uses(NS.secureAuthInfo) ? '' : randomCode()),
        fee: input.acceptPrice ? feeOf(input.acceptPrice) : undefined,
      };
    });
    return this.mustInfo(input.name);
  }

  async renewDomain(name: string, currentExpiry: number, periodMonths: number): Promise<DomainInfo> {
    await this.send(this.domainPool(name), () => ({ cmd: 'domain:renew', name, curExpDate: isoDate(currentExpiry), period: periodOfMonths(periodMonths) }));
    return this.mustInfo(name);
  }

  async deleteDomain(name: string): Promise<DeleteOutcome> {
    const r = await this.send(this.domainPool(name), () => ({ cmd: 'domain:delete', name }));
    if (r.results[0]!.code === 1000) return { purged: true, credits: [], purgeAt: null };
    // 1001: in redemption now. EPP does not say when it goes; count it with the TLD's periods.
    const grace = this.backend.tlds.get(name.slice(name.indexOf('.') + 1))?.grace;
    return { purged: false, credits: [], purgeAt: this.now + ((grace?.redemption ?? 30) + (grace?.pendingDelete ?? 5)) * DAY };
  }

  async restoreDomain(name: string): Promise<DomainInfo> {
    const pool = this.domainPool(name);
    const before = await this.mustInfo(name);
    await this.send(pool, () => {
      this.need(pool, NS.rgp, 'a restore');
      return { cmd: 'domain:update', name, restore: { op: 'request' } };
    });
    let after = await this.mustInfo(name);
    if (after.rgp.includes('pendingRestore')) {
      // Registries that want the RFC 3915 report separately get it now.
      const report = { preData: `${name} as registered before its deletion`, postData: `${name} restored unchanged`, delTime: before.updatedAt, resTime: this.now, resReason: 'Registrant error', statements: ['This registrar has not restored the domain name in order to assume the rights to use or sell it for itself or for any third party.', 'The information in this report is true to best of this registrar\'s knowledge.'] };
      await this.send(pool, () => ({ cmd: 'domain:update', name, restore: { op: 'report', report } }));
      after = await this.mustInfo(name);
    }
    return after;
  }

  async updateDomain(name: string, change: DomainUpdate): Promise<DomainInfo> {
    const pool = this.domainPool(name);
    const current = await this.mustInfo(name);
    const cmd = domainUpdateToEpp(current, change);
    const wire = (refs: ContactRef[] | undefined) => refs?.map((c) => ({ ...c, id: this.wireContact(pool, c.id) }));
    if (cmd.add) cmd.add.contacts = wire(cmd.add.contacts);
    if (cmd.rem) cmd.rem.contacts = wire(cmd.rem.contacts);
    if (cmd.chg?.registrant) cmd.chg.registrant = this.wireContact(pool, cmd.chg.registrant);
    if (!cmd.add && !cmd.rem && !cmd.chg && !cmd.secDNS) return current;
    await this.send(pool, () => {
      if (cmd.secDNS) this.need(pool, NS.secDNS, 'a DNSSEC change');
      return cmd;
    });
    return this.mustInfo(name);
  }

  async newAuthCode(name: string): Promise<string> {
    const code = randomCode();
    await this.setAuthCode(name, code);
    return code;
  }

  async setAuthCode(name: string, code: string | null): Promise<void> {
    const pool = this.domainPool(name);
    // Without RFC 9154 a code cannot be unset: an unknown random one serves the same end.
    await this.send(pool, () => ({ cmd: 'domain:update', name, chg: { authInfo: code ?? (pool.uses(NS.secureAuthInfo) ? null : randomCode()) } }));
  }

  async verifyAuthCode(name: string, code: string): Promise<boolean> {
    const pool = this.domainPool(name);
    try {
      const r = await this.send(pool, () => ({ cmd: 'domain:info', name, authInfo: code }), true);
      const d = this.resData(r, 'domain:infData').data;
      // With the right code a non-sponsor sees the full object (RFC 5731 §3.1.2).
      return this.ours(d.clID, pool) !== this.registrarId && (d.registrant !== undefined || d.contacts.length > 0);
    } catch (e) {
      if (e instanceof RegistryError && (e.code === 2202 || e.code === 2201 || e.code === 2303)) return false;
      throw e;
    }
  }

  // ------------------------------------------------------------------ transfers

  private transfer(pool: SessionPool, r: Response): TransferInfo {
    const t = transferFromEpp(this.resData(r, 'domain:trnData').data);
    return { ...t, gaining: this.ours(t.gaining, pool), losing: this.ours(t.losing, pool) };
  }

  async requestTransfer(name: string, authCode: string | undefined, periodMonths?: number): Promise<TransferInfo> {
    const pool = this.domainPool(name);
    return this.transfer(pool, await this.send(pool, () => ({ cmd: 'domain:transfer', op: 'request', name, authInfo: authCode, period: periodMonths ? periodOfMonths(periodMonths) : undefined })));
  }

  async queryTransfer(name: string): Promise<TransferInfo | undefined> {
    const pool = this.domainPool(name);
    try {
      return this.transfer(pool, await this.send(pool, () => ({ cmd: 'domain:transfer', op: 'query', name }), true));
    } catch (e) {
      if (e instanceof RegistryError && (e.code === 2301 || e.code === 2303)) return undefined;
      throw e;
    }
  }

  private async transferOp(name: string, op: 'approve' | 'reject' | 'cancel'): Promise<TransferInfo> {
    const pool = this.domainPool(name);
    return this.transfer(pool, await this.send(pool, () => ({ cmd: 'domain:transfer', op, name })));
  }

  approveTransfer = (name: string) => this.transferOp(name, 'approve');
  rejectTransfer = (name: string) => this.transferOp(name, 'reject');
  cancelTransfer = (name: string) => this.transferOp(name, 'cancel');

  // ------------------------------------------------------------------ hosts

  async checkHost(name: string): Promise<boolean> {
    const r = await this.send(this.backend.poolForHost(name), () => ({ cmd: 'host:check', names: [name] }), true);
    return !(this.resData(r, 'host:chkData').cds[0]?.avail ?? true);
  }

  async createHost(name: string, addresses: HostAddresses): Promise<HostInfo> {
    const addrs: HostAddr[] = [...addresses.ipv4.map((addr) => ({ ip: 'v4' as const, addr })), ...addresses.ipv6.map((addr) => ({ ip: 'v6' as const, addr }))];
    await this.send(this.backend.poolForHost(name), () => ({ cmd: 'host:create', name, addrs }));
    return this.mustHost(name);
  }

  async updateHost(name: string, change: HostUpdate): Promise<HostInfo> {
    const pool = this.backend.poolForHost(name);
    const current = await this.mustHost(name);
    const want = { ipv4: change.ipv4 ?? current.ipv4, ipv6: change.ipv6 ?? current.ipv6 };
    const diff = (from: string[], to: string[], ip: 'v4' | 'v6') => ({ add: to.filter((a) => !from.includes(a)).map((addr) => ({ ip, addr })), rem: from.filter((a) => !to.includes(a)).map((addr) => ({ ip, addr })) });
    const v4 = diff(current.ipv4, want.ipv4, 'v4');
    const v6 = diff(current.ipv6, want.ipv6, 'v6');
    const add = [...v4.add, ...v6.add];
    const rem = [...v4.rem, ...v6.rem];
    const newName = change.newName && change.newName !== name ? change.newName : undefined;
    if (add.length || rem.length || newName) {
      await this.send(pool, () => ({ cmd: 'host:update', name, add: add.length ? { addrs: add } : undefined, rem: rem.length ? { addrs: rem } : undefined, newName }));
    }
    return this.mustHost(newName ?? name);
  }

  async deleteHost(name: string): Promise<void> {
    await this.send(this.backend.poolForHost(name), () => ({ cmd: 'host:delete', name }));
  }

  async infoHost(name: string): Promise<HostInfo | undefined> {
    const pool = this.backend.poolForHost(name);
    const r = await this.sendOrMissing(pool, () => ({ cmd: 'host:info', name }));
    if (!r) return undefined;
    const h = hostFromEpp(this.resData(r, 'host:infData').data, this.backend.superordinateOf(name));
    return { ...h, sponsor: this.ours(h.sponsor, pool) };
  }

  private async mustHost(name: string): Promise<HostInfo> {
    const h = await this.infoHost(name);
    if (!h) throw new RegistryError(2303, `host ${name} does not exist`);
    return h;
  }

  // ------------------------------------------------------------------ contacts

  async checkContact(id: string): Promise<boolean> {
    const pool = this.backend.poolForContact(id);
    const r = await this.send(pool, () => ({ cmd: 'contact:check', ids: [this.wireContact(pool, id)] }), true);
    return !(this.resData(r, 'contact:chkData').cds[0]?.avail ?? true);
  }

  /** TLD fields travel in dmapid's own extension, sent only to a registry that offers it. */
  private fieldsFor(pool: SessionPool, fields: Record<string, string>) {
    return pool.uses(NS.dmapid) && Object.keys(fields).length ? fields : undefined;
  }

  async createContact(id: string, postal: ContactPostal): Promise<ContactInfo> {
    const pool = this.backend.poolForContact(id);
    const { data, fields } = contactDataOf(postal);
    await this.send(pool, () => ({ cmd: 'contact:create', id: this.wireContact(pool, id), data, authInfo: pool.uses(NS.secureAuthInfo) ? '' : randomCode(), fields: this.fieldsFor(pool, fields) }));
    return this.mustContact(id);
  }

  async updateContact(id: string, postal: Partial<ContactPostal>): Promise<ContactInfo> {
    const pool = this.backend.poolForContact(id);
    const current = await this.mustContact(id);
    const chg = contactChangeOf(current.postal, postal);
    const fields = postal.extensions ? this.fieldsFor(pool, postal.extensions) : undefined;
    if (Object.keys(chg).length || fields) await this.send(pool, () => ({ cmd: 'contact:update', id: this.wireContact(pool, id), chg: Object.keys(chg).length ? chg : undefined, fields }));
    return this.mustContact(id);
  }

  async deleteContact(id: string): Promise<void> {
    const pool = this.backend.poolForContact(id);
    await this.send(pool, () => ({ cmd: 'contact:delete', id: this.wireContact(pool, id) }));
  }

  async infoContact(id: string): Promise<ContactInfo | undefined> {
    const pool = this.backend.poolForContact(id);
    const r = await this.sendOrMissing(pool, () => ({ cmd: 'contact:info', id: this.wireContact(pool, id) }));
    if (!r) return undefined;
    const c = contactFromEpp(this.resData(r, 'contact:infData').data, r.ext?.contactFields);
    return { ...c, id: this.portContact(pool, c.id), sponsor: this.ours(c.sponsor, pool) };
  }

  private async mustContact(id: string): Promise<ContactInfo> {
    const c = await this.infoContact(id);
    if (!c) throw new RegistryError(2303, `contact ${id} does not exist`);
    return c;
  }

  // ------------------------------------------------------------------ poll queue

  /** The oldest message of each registry in turn (EPP shows one at a time, until it is acked). */
  async poll(limit = 1): Promise<PollMessage[]> {
    const out: PollMessage[] = [];
    for (const pool of this.backend.pools()) {
      if (out.length >= limit) break;
      const m = await this.pollOne(pool);
      if (!m) continue;
      this.polledFrom.set(m.id, pool);
      out.push(m);
    }
    return out;
  }

  /** The message at the head of one registry's queue, if any. */
  async pollOne(pool: SessionPool): Promise<(PollMessage & { wireId: string }) | undefined> {
    const r = await this.send(pool, () => ({ cmd: 'poll', op: 'req' }), true);
    const m = pollFromEpp(r);
    return m && r.msgQ ? { ...m, wireId: r.msgQ.id } : undefined;
  }

  async ack(messageId: number): Promise<void> {
    const pool = this.polledFrom.get(messageId) ?? this.backend.pools()[0]!;
    await this.ackAt(pool, String(messageId));
  }

  async ackAt(pool: SessionPool, wireId: string): Promise<void> {
    await this.send(pool, () => ({ cmd: 'poll', op: 'ack', msgID: wireId }));
  }
}
