import { checkDomainName } from '../../core/domain-name.ts';
import { formatAmount, parseAmount } from '../../core/money.ts';
import {
  RegistryError,
  type Availability,
  type ClientStatus,
  type ContactInfo,
  type ContactPostal,
  type ContactStatus,
  type DnssecData,
  type DomainInfo,
  type DomainStatus,
  type DomainUpdate,
  type EppErrorCode,
  type HostInfo,
  type HostStatus,
  type Money,
  type PollMessage,
  type TransferInfo,
} from '../port.ts';
import type { CheckItem, Command, ContactChange, ContactData, ContactInfData, ContactFields, ContactRef, DomainInfData, FeeAck, HostAddr, HostInfData, Period, PostalInfo, Response, ResponseExtensions, Result, TrnData } from './types.ts';

/**
 * One mapping between the registry port's types and EPP elements, used by the server face
 * (port → EPP) and by a client backend (EPP → port), so both read a frame the same way.
 */

// ------------------------------------------------------------------ results

/** RFC 5730 §3 result texts (the msg a result carries when nothing more specific is known). */
export const resultText: Record<number, string> = {
  1000: 'Command completed successfully',
  1001: 'Command completed successfully; action pending',
  1300: 'Command completed successfully; no messages',
  1301: 'Command completed successfully; ack to dequeue',
  1500: 'Command completed successfully; ending session',
  2000: 'Unknown command',
  2001: 'Command syntax error',
  2002: 'Command use error',
  2003: 'Required parameter missing',
  2004: 'Parameter value range error',
  2005: 'Parameter value syntax error',
  2100: 'Unimplemented protocol version',
  2101: 'Unimplemented command',
  2102: 'Unimplemented option',
  2103: 'Unimplemented extension',
  2104: 'Billing failure',
  2105: 'Object is not eligible for renewal',
  2106: 'Object is not eligible for transfer',
  2200: 'Authentication error',
  2201: 'Authorization error',
  2202: 'Invalid authorization information',
  2300: 'Object pending transfer',
  2301: 'Object not pending transfer',
  2302: 'Object exists',
  2303: 'Object does not exist',
  2304: 'Object status prohibits operation',
  2305: 'Object association prohibits operation',
  2306: 'Parameter value policy error',
  2307: 'Unimplemented object service',
  2308: 'Data management policy violation',
  2400: 'Command failed',
  2500: 'Command failed; server closing connection',
  2501: 'Authentication error; server closing connection',
  2502: 'Session limit exceeded; server closing connection',
};

export const result = (code: number, msg?: string): Result => ({ code, msg: msg ?? resultText[code] ?? 'Command failed' });

/** A RegistryError as the result that carries it (the message says what was wrong). */
export const errorResult = (e: RegistryError): Result => result(e.code, e.message);

const portCodes = new Set<number>([2002, 2003, 2004, 2005, 2104, 2105, 2106, 2201, 2202, 2300, 2301, 2302, 2303, 2304, 2305, 2306, 2308, 2400]);

/** The RegistryError of a failed response; codes the port does not know (session, protocol) become 2400. */
export function registryErrorOf(r: Response): RegistryError {
  const first = r.results[0] ?? result(2400);
  const code = (portCodes.has(first.code) ? first.code : 2400) as EppErrorCode;
  return new RegistryError(code, first.code === code ? first.msg : `${first.code} ${first.msg}`);
}

// ------------------------------------------------------------------ periods and money

export const periodOfMonths = (months: number): Period => (months % 12 === 0 ? { value: months / 12, unit: 'y' } : { value: months, unit: 'm' });
export const monthsOf = (p: Period | undefined, fallback: number): number => (p ? (p.unit === 'y' ? p.value * 12 : p.value) : fallback);

export const feeOf = (m: Money): FeeAck => ({ currency: m.currency, fee: formatAmount(m.amount, m.currency) });
/** The fee a client acknowledged as port money; undefined when malformed or in an unknown currency. */
export function moneyOf(f: FeeAck): Money | undefined {
  try {
    const amount = parseAmount(f.fee, f.currency);
    return amount === undefined ? undefined : { amount, currency: f.currency };
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ check

export function availabilityItem(name: string, a: Availability): CheckItem {
  switch (a.status) {
    case 'available':
    case 'premium':
      return { id: name, avail: true };
    case 'registered':
      return { id: name, avail: false, reason: a.rgp ? 'Pending deletion' : 'In use' };
    case 'reserved':
      return { id: name, avail: false, reason: 'Reserved' };
    case 'invalid':
      return { id: name, avail: false, reason: 'Not available here' };
  }
}

// ------------------------------------------------------------------ domains

const roles = ['admin', 'tech', 'billing'] as const;

/** Domain info as the infData, rgp and secDNS extensions carry it; `viewer` decides what the authInfo shows. */
export function domainToEpp(d: DomainInfo, viewer: string): { data: DomainInfData; ext: ResponseExtensions } {
  const contacts: ContactRef[] = roles.flatMap((type) => (d[type] ? [{ type, id: d[type]! }] : []));
  const data: DomainInfData = {
    name: d.name,
    roid: d.roid,
    statuses: d.statuses,
    registrant: d.registrant ?? undefined,
    contacts,
    ns: d.nameservers,
    hosts: d.subordinateHosts,
    clID: d.sponsor,
    crID: d.createdBy,
    crDate: d.createdAt,
    upID: d.updatedAt !== d.createdAt ? d.sponsor : undefined,
    upDate: d.updatedAt !== d.createdAt ? d.updatedAt : undefined,
    exDate: d.expiresAt,
    trDate: d.transferredAt ?? undefined,
    // RFC 9154: never the value; an empty pw tells the sponsor that a code is set.
    authInfo: viewer === d.sponsor && d.hasAuthCode ? '' : undefined,
  };
  const ext: ResponseExtensions = {};
  if (d.rgp.length) ext.rgp = { kind: 'infData', statuses: d.rgp };
  if (d.dnssec) ext.secDNS = d.dnssec;
  return { data, ext };
}

export function domainFromEpp(data: DomainInfData, ext: ResponseExtensions | undefined): DomainInfo {
  const u = checkDomainName(data.name);
  const role = (t: 'admin' | 'tech' | 'billing') => data.contacts.find((c) => c.type === t)?.id ?? null;
  return {
    name: data.name,
    unicode: u.ok ? u.unicode : data.name,
    roid: data.roid,
    tld: data.name.slice(data.name.indexOf('.') + 1),
    sponsor: data.clID,
    createdBy: data.crID ?? data.clID,
    createdAt: data.crDate ?? 0,
    updatedAt: data.upDate ?? data.crDate ?? 0,
    expiresAt: data.exDate ?? 0,
    transferredAt: data.trDate ?? null,
    registrant: data.registrant ?? null,
    admin: role('admin'),
    tech: role('tech'),
    billing: role('billing'),
    nameservers: data.ns,
    subordinateHosts: data.hosts,
    statuses: data.statuses as DomainStatus[],
    rgp: ext?.rgp?.statuses ?? [],
    dnssec: ext?.secDNS ?? null,
    hasAuthCode: data.authInfo !== undefined,
    // Not part of info: a client asks with a transfer query when the status says pendingTransfer.
    pendingTransfer: null,
  };
}

/** The EPP update that turns `current` into what `change` asks for (add/rem lists are differences). */
export function domainUpdateToEpp(current: DomainInfo, change: DomainUpdate): Extract<Command, { cmd: 'domain:update' }> {
  const add: { ns?: string[]; contacts?: ContactRef[]; statuses?: string[] } = {};
  const rem: { ns?: string[]; contacts?: ContactRef[]; statuses?: string[] } = {};
  if (change.nameservers) {
    const want = change.nameservers.map((n) => n.toLowerCase());
    const addNs = want.filter((n) => !current.nameservers.includes(n));
    const remNs = current.nameservers.filter((n) => !want.includes(n));
    if (addNs.length) add.ns = addNs;
    if (remNs.length) rem.ns = remNs;
  }
  for (const type of roles) {
    const v = change[type];
    if (v === undefined || v === current[type]) continue;
    if (current[type]) (rem.contacts ??= []).push({ type, id: current[type]! });
    if (v !== null) (add.contacts ??= []).push({ type, id: v });
  }
  if (change.addStatuses?.length) add.statuses = [...change.addStatuses];
  if (change.removeStatuses?.length) rem.statuses = [...change.removeStatuses];
  const cmd: Extract<Command, { cmd: 'domain:update' }> = { cmd: 'domain:update', name: current.name };
  if (Object.keys(add).length) cmd.add = add;
  if (Object.keys(rem).length) cmd.rem = rem;
  if (change.registrant !== undefined) cmd.chg = { registrant: change.registrant };
  if (change.dnssec !== undefined) cmd.secDNS = change.dnssec === null ? { remAll: true } : { remAll: current.dnssec ? true : undefined, add: change.dnssec };
  return cmd;
}

/** The port change an EPP domain update asks for, given the name's current state. */
export function domainUpdateFromEpp(current: DomainInfo, c: Extract<Command, { cmd: 'domain:update' }>): DomainUpdate {
  const change: DomainUpdate = {};
  if (c.add?.ns?.length || c.rem?.ns?.length) {
    const rem = new Set((c.rem?.ns ?? []).map((n) => n.toLowerCase()));
    const kept = current.nameservers.filter((n) => !rem.has(n));
    change.nameservers = [...kept, ...(c.add?.ns ?? []).map((n) => n.toLowerCase()).filter((n) => !kept.includes(n))];
  }
  for (const r of c.rem?.contacts ?? []) {
    if (current[r.type]?.toUpperCase() !== r.id.toUpperCase()) throw new RegistryError(2303, `${r.type} contact ${r.id} is not on ${current.name}`);
    change[r.type] = null;
  }
  for (const a of c.add?.contacts ?? []) change[a.type] = a.id;
  if (c.add?.statuses?.length) change.addStatuses = c.add.statuses as ClientStatus[];
  if (c.rem?.statuses?.length) change.removeStatuses = c.rem.statuses as ClientStatus[];
  if (c.chg?.registrant !== undefined) {
    if (c.chg.registrant === '') throw new RegistryError(2306, 'the registrant cannot be removed');
    change.registrant = c.chg.registrant;
  }
  if (c.secDNS) change.dnssec = dnssecAfter(current.dnssec, c.secDNS);
  return change;
}

/** secDNS-1.1 update semantics: rem (all or listed) first, then add; null when nothing is left. */
function dnssecAfter(current: DnssecData | null, u: NonNullable<Extract<Command, { cmd: 'domain:update' }>['secDNS']>): DnssecData | null {
  let records: DnssecData | null = u.remAll ? null : current;
  if (u.rem && records) {
    if (u.rem.kind !== records.kind) throw new RegistryError(2306, 'the records to remove are of the other DNSSEC interface');
    const gone = new Set(u.rem.records.map((r) => JSON.stringify(r)));
    const left = (records.records as Array<DnssecData['records'][number]>).filter((r) => !gone.has(JSON.stringify(r)));
    records = left.length ? ({ kind: records.kind, records: left } as DnssecData) : null;
  }
  if (u.add) {
    if (records && records.kind !== u.add.kind) throw new RegistryError(2306, 'DS data and key data cannot be mixed');
    const have = records ? [...records.records] : [];
    const seen = new Set(have.map((r) => JSON.stringify(r)));
    for (const r of u.add.records) if (!seen.has(JSON.stringify(r))) have.push(r);
    records = { kind: u.add.kind, records: have } as DnssecData;
  }
  return records;
}

export const transferToEpp = (t: TransferInfo): TrnData => ({ id: t.name, trStatus: t.status, reID: t.gaining, reDate: t.requestedAt, acID: t.losing, acDate: t.actBy, exDate: t.expiresAt });
export const transferFromEpp = (t: TrnData): TransferInfo => ({ name: t.id, status: t.trStatus, gaining: t.reID, losing: t.acID, requestedAt: t.reDate, actBy: t.acDate, expiresAt: t.exDate ?? 0 });

// ------------------------------------------------------------------ hosts

const addrsOf = (h: { ipv4: string[]; ipv6: string[] }): HostAddr[] => [...h.ipv4.map((addr) => ({ ip: 'v4' as const, addr })), ...h.ipv6.map((addr) => ({ ip: 'v6' as const, addr }))];
export const splitAddrs = (addrs: readonly HostAddr[]) => ({ ipv4: addrs.filter((a) => a.ip === 'v4').map((a) => a.addr), ipv6: addrs.filter((a) => a.ip === 'v6').map((a) => a.addr) });

export function hostToEpp(h: HostInfo): HostInfData {
  return { name: h.name, roid: h.roid, statuses: h.statuses, addrs: addrsOf(h), clID: h.sponsor, crID: h.sponsor, crDate: h.createdAt, upID: h.updatedAt !== h.createdAt ? h.sponsor : undefined, upDate: h.updatedAt !== h.createdAt ? h.updatedAt : undefined };
}

/** `superordinate` is not in host info; the caller knows which names are internal. */
export function hostFromEpp(h: HostInfData, superordinate: string | null = null): HostInfo {
  return { name: h.name, roid: h.roid, sponsor: h.clID, superordinate, statuses: h.statuses as HostStatus[], ...splitAddrs(h.addrs), createdAt: h.crDate, updatedAt: h.upDate ?? h.crDate };
}

// ------------------------------------------------------------------ contacts

/** The one postal set of the port as EPP `loc` postal info (UTF-8 allowed), plus dmapid's TLD fields. */
export function contactDataOf(p: ContactPostal): { data: ContactData; fields: ContactFields } {
  const postal: PostalInfo = { type: 'loc', name: p.name, org: p.organization || undefined, street: p.street, city: p.city, sp: p.state || undefined, pc: p.postalCode || undefined, cc: p.country };
  return { data: { postalInfo: [postal], voice: p.voice || undefined, voiceExt: p.voiceExt || undefined, fax: p.fax || undefined, email: p.email }, fields: p.extensions };
}

export function postalOf(d: ContactData, fields: ContactFields | undefined): ContactPostal {
  const p = d.postalInfo.find((x) => x.type === 'loc') ?? d.postalInfo[0]!;
  return { name: p.name, organization: p.org ?? '', street: p.street, city: p.city, state: p.sp ?? '', postalCode: p.pc ?? '', country: p.cc.toUpperCase(), voice: d.voice ?? '', voiceExt: d.voiceExt ?? '', fax: d.fax ?? '', email: d.email, extensions: fields ?? {} };
}

/** The port's partial postal change as an EPP chg (the address goes whole, as EPP requires). */
export function contactChangeOf(current: ContactPostal, change: Partial<ContactPostal>): ContactChange {
  const next = { ...current, ...change };
  const out: ContactChange = {};
  const addrKeys = ['street', 'city', 'state', 'postalCode', 'country'] as const;
  if (change.name !== undefined || change.organization !== undefined || addrKeys.some((k) => change[k] !== undefined)) {
    out.postalInfo = { type: 'loc', name: next.name, org: next.organization, addr: { street: next.street, city: next.city, sp: next.state || undefined, pc: next.postalCode || undefined, cc: next.country } };
  }
  if (change.voice !== undefined || change.voiceExt !== undefined) {
    out.voice = next.voice;
    out.voiceExt = next.voiceExt;
  }
  if (change.fax !== undefined) out.fax = next.fax;
  if (change.email !== undefined) out.email = next.email;
  return out;
}

/** The port change an EPP contact chg asks for. */
export function postalChangeOf(c: ContactChange, fields: ContactFields | undefined, current: ContactPostal): Partial<ContactPostal> {
  const out: Partial<ContactPostal> = {};
  const p = c.postalInfo;
  if (p?.name !== undefined) out.name = p.name;
  if (p?.org !== undefined) out.organization = p.org;
  if (p?.addr) Object.assign(out, { street: p.addr.street, city: p.addr.city, state: p.addr.sp ?? '', postalCode: p.addr.pc ?? '', country: p.addr.cc.toUpperCase() });
  if (c.voice !== undefined) out.voice = c.voice;
  if (c.voiceExt !== undefined) out.voiceExt = c.voiceExt;
  if (c.fax !== undefined) out.fax = c.fax;
  if (c.email !== undefined) out.email = c.email;
  if (fields) out.extensions = { ...current.extensions, ...fields };
  return out;
}

export function contactToEpp(c: ContactInfo): { data: ContactInfData; fields: ContactFields } {
  const { data, fields } = contactDataOf(c.postal);
  return { data: { ...data, id: c.id, roid: c.roid, statuses: c.statuses, clID: c.sponsor, crID: c.sponsor, crDate: c.createdAt, upID: c.updatedAt !== c.createdAt ? c.sponsor : undefined, upDate: c.updatedAt !== c.createdAt ? c.updatedAt : undefined }, fields };
}

export function contactFromEpp(d: ContactInfData, fields: ContactFields | undefined): ContactInfo {
  return { id: d.id, roid: d.roid, sponsor: d.clID, postal: postalOf(d, fields), statuses: d.statuses as ContactStatus[], createdAt: d.crDate, updatedAt: d.upDate ?? d.crDate };
}

// ------------------------------------------------------------------ poll

/** A queued message as the 1301 response carries it (msgQ plus dmapid's kind/object). */
export function pollToEpp(m: PollMessage, count: number): Pick<Response, 'msgQ' | 'ext'> {
  return { msgQ: { count, id: String(m.id), qDate: m.createdAt, msg: m.text }, ext: { poll: { kind: m.kind, object: m.object } } };
}

export function pollFromEpp(r: Response): PollMessage | undefined {
  if (!r.msgQ || r.results[0]?.code !== 1301) return undefined;
  const trn = r.resData?.type === 'domain:trnData' ? r.resData.data : undefined;
  const kind = r.ext?.poll?.kind ?? (trn ? `transfer-${trn.trStatus === 'pending' ? 'requested' : trn.trStatus.replace(/^client|^server/, '').toLowerCase()}` : 'message');
  return { id: Number(r.msgQ.id), kind, object: r.ext?.poll?.object ?? trn?.id ?? '', text: r.msgQ.msg ?? '', createdAt: r.msgQ.qDate ?? 0 };
}
