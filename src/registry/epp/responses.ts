import type { Element } from '@xmldom/xmldom';
import type { RgpStatus, TransferStatus } from '../port.ts';
import { Builder, EppSyntaxError, NS, append, childText, dateTime, instant, int, kid, kids, need, needText, parseXml, text, texts } from './xml.ts';
import { contactFieldsEl, dnssecEls, periodEl, readContactFields, readDnssec, readPeriod } from './shared.ts';
import { readContactData } from './commands.ts';
import type { CheckItem, ContactInfData, DomainInfData, Greeting, HostAddr, HostInfData, ObjectStamps, ResData, Response, ResponseExtensions, ServerFrame, TrnData } from './types.ts';

/** Server frames: the greeting and every response (RFC 5730 §2.4, §2.6). */

export function encodeGreeting(g: Greeting): string {
  const b = new Builder();
  const menu = append(
    b.el('epp', 'svcMenu'),
    g.versions.map((v) => b.el('epp', 'version', {}, v)),
    g.langs.map((l) => b.el('epp', 'lang', {}, l)),
    g.objURIs.map((u) => b.el('epp', 'objURI', {}, u)),
    g.extURIs.length ? b.el('epp', 'svcExtension', {}, ...g.extURIs.map((u) => b.el('epp', 'extURI', {}, u))) : undefined,
  );
  // Data collection policy: registrars' data, kept for provisioning, shown as the registry's own.
  const dcp = b.el('epp', 'dcp', {}, b.el('epp', 'access', {}, b.el('epp', 'all')), b.el('epp', 'statement', {}, b.el('epp', 'purpose', {}, b.el('epp', 'admin'), b.el('epp', 'prov')), b.el('epp', 'recipient', {}, b.el('epp', 'ours'), b.el('epp', 'public')), b.el('epp', 'retention', {}, b.el('epp', 'stated'))));
  b.root.appendChild(b.el('epp', 'greeting', {}, b.el('epp', 'svID', {}, g.svID), b.el('epp', 'svDate', {}, dateTime(g.svDate)), menu, dcp));
  return b.toString();
}

const cdEls = (b: Builder, prefix: 'domain' | 'host' | 'contact', cds: CheckItem[]) =>
  cds.map((c) => b.el(prefix, 'cd', {}, b.el(prefix, prefix === 'contact' ? 'id' : 'name', { avail: c.avail ? '1' : '0' }, c.id), c.reason !== undefined ? b.el(prefix, 'reason', {}, c.reason) : undefined));
const statusEls = (b: Builder, prefix: 'domain' | 'host' | 'contact', statuses: string[]) => statuses.map((s) => b.el(prefix, 'status', { s }));
const opt = (b: Builder, prefix: 'domain' | 'host' | 'contact', name: string, v: string | number | undefined, date = false) => (v === undefined ? undefined : b.el(prefix, name, {}, date ? dateTime(v as number) : String(v)));
const addrEls = (b: Builder, addrs: HostAddr[]) => addrs.map((a) => b.el('host', 'addr', { ip: a.ip }, a.addr));

function trnEl(b: Builder, prefix: 'domain' | 'contact', t: TrnData): Element {
  return append(
    b.el(prefix, 'trnData'),
    b.el(prefix, prefix === 'domain' ? 'name' : 'id', {}, t.id),
    b.el(prefix, 'trStatus', {}, t.trStatus),
    b.el(prefix, 'reID', {}, t.reID),
    b.el(prefix, 'reDate', {}, dateTime(t.reDate)),
    b.el(prefix, 'acID', {}, t.acID),
    b.el(prefix, 'acDate', {}, dateTime(t.acDate)),
    prefix === 'domain' ? opt(b, 'domain', 'exDate', t.exDate, true) : undefined,
  );
}

function domainInf(b: Builder, d: DomainInfData): Element {
  return append(
    b.el('domain', 'infData'),
    b.el('domain', 'name', {}, d.name),
    b.el('domain', 'roid', {}, d.roid),
    statusEls(b, 'domain', d.statuses),
    opt(b, 'domain', 'registrant', d.registrant),
    d.contacts.map((c) => b.el('domain', 'contact', { type: c.type }, c.id)),
    d.ns.length ? b.el('domain', 'ns', {}, ...d.ns.map((h) => b.el('domain', 'hostObj', {}, h))) : undefined,
    d.hosts.map((h) => b.el('domain', 'host', {}, h)),
    b.el('domain', 'clID', {}, d.clID),
    opt(b, 'domain', 'crID', d.crID),
    opt(b, 'domain', 'crDate', d.crDate, true),
    opt(b, 'domain', 'upID', d.upID),
    opt(b, 'domain', 'upDate', d.upDate, true),
    opt(b, 'domain', 'exDate', d.exDate, true),
    opt(b, 'domain', 'trDate', d.trDate, true),
    d.authInfo !== undefined ? b.el('domain', 'authInfo', {}, b.el('domain', 'pw', {}, d.authInfo)) : undefined,
  );
}

/** clID, crID, crDate, upID, upDate, trDate: the tail of host and contact infData. */
function stampEls(b: Builder, prefix: 'host' | 'contact', x: ObjectStamps): Element[] {
  return [b.el(prefix, 'clID', {}, x.clID), b.el(prefix, 'crID', {}, x.crID), b.el(prefix, 'crDate', {}, dateTime(x.crDate)), opt(b, prefix, 'upID', x.upID), opt(b, prefix, 'upDate', x.upDate, true), opt(b, prefix, 'trDate', x.trDate, true)].filter((e): e is Element => e !== undefined);
}

function hostInf(b: Builder, h: HostInfData): Element {
  return append(
    b.el('host', 'infData'),
    b.el('host', 'name', {}, h.name),
    b.el('host', 'roid', {}, h.roid),
    statusEls(b, 'host', h.statuses),
    addrEls(b, h.addrs),
    stampEls(b, 'host', h),
  );
}

function contactInf(b: Builder, c: ContactInfData): Element {
  const postal = c.postalInfo.map((p) =>
    b.el(
      'contact',
      'postalInfo',
      { type: p.type },
      b.el('contact', 'name', {}, p.name),
      p.org ? b.el('contact', 'org', {}, p.org) : undefined,
      append(b.el('contact', 'addr'), p.street.map((s) => b.el('contact', 'street', {}, s)), b.el('contact', 'city', {}, p.city), p.sp ? b.el('contact', 'sp', {}, p.sp) : undefined, p.pc ? b.el('contact', 'pc', {}, p.pc) : undefined, b.el('contact', 'cc', {}, p.cc)),
    ),
  );
  return append(
    b.el('contact', 'infData'),
    b.el('contact', 'id', {}, c.id),
    b.el('contact', 'roid', {}, c.roid),
    statusEls(b, 'contact', c.statuses),
    postal,
    c.voice !== undefined ? b.el('contact', 'voice', { x: c.voiceExt || undefined }, c.voice) : undefined,
    opt(b, 'contact', 'fax', c.fax),
    b.el('contact', 'email', {}, c.email),
    stampEls(b, 'contact', c),
  );
}

function resDataEl(b: Builder, r: ResData): Element {
  switch (r.type) {
    case 'domain:chkData':
      return b.el('domain', 'chkData', {}, ...cdEls(b, 'domain', r.cds));
    case 'host:chkData':
      return b.el('host', 'chkData', {}, ...cdEls(b, 'host', r.cds));
    case 'contact:chkData':
      return b.el('contact', 'chkData', {}, ...cdEls(b, 'contact', r.cds));
    case 'domain:infData':
      return domainInf(b, r.data);
    case 'host:infData':
      return hostInf(b, r.data);
    case 'contact:infData':
      return contactInf(b, r.data);
    case 'domain:creData':
      return b.el('domain', 'creData', {}, b.el('domain', 'name', {}, r.name), b.el('domain', 'crDate', {}, dateTime(r.crDate)), opt(b, 'domain', 'exDate', r.exDate, true));
    case 'host:creData':
      return b.el('host', 'creData', {}, b.el('host', 'name', {}, r.name), b.el('host', 'crDate', {}, dateTime(r.crDate)));
    case 'contact:creData':
      return b.el('contact', 'creData', {}, b.el('contact', 'id', {}, r.id), b.el('contact', 'crDate', {}, dateTime(r.crDate)));
    case 'domain:renData':
      return b.el('domain', 'renData', {}, b.el('domain', 'name', {}, r.name), opt(b, 'domain', 'exDate', r.exDate, true));
    case 'domain:trnData':
      return trnEl(b, 'domain', r.data);
    case 'contact:trnData':
      return trnEl(b, 'contact', r.data);
    case 'domain:panData':
      return b.el(
        'domain',
        'panData',
        {},
        b.el('domain', 'name', { paResult: r.paResult ? '1' : '0' }, r.name),
        b.el('domain', 'paTRID', {}, r.paTRID.clTRID !== undefined ? b.el('epp', 'clTRID', {}, r.paTRID.clTRID) : undefined, b.el('epp', 'svTRID', {}, r.paTRID.svTRID)),
        b.el('domain', 'paDate', {}, dateTime(r.paDate)),
      );
  }
}

function extEls(b: Builder, x: ResponseExtensions): Element[] {
  const out: Element[] = [];
  if (x.rgp) out.push(b.el('rgp', x.rgp.kind, {}, ...x.rgp.statuses.map((s) => b.el('rgp', 'rgpStatus', { s }))));
  if (x.secDNS) out.push(b.el('secDNS', 'infData', {}, ...dnssecEls(b, x.secDNS)));
  if (x.fee) out.push(append(b.el('fee', x.fee.kind), x.fee.currency ? b.el('fee', 'currency', {}, x.fee.currency) : undefined, x.fee.fees.map((f) => b.el('fee', 'fee', {}, f)), x.fee.credits.map((c) => b.el('fee', 'credit', {}, c))));
  if (x.feeCheck) {
    const cds = x.feeCheck.cds.map((cd) =>
      append(
        b.el('fee', 'cd', { avail: cd.avail ? '1' : '0' }),
        b.el('fee', 'objID', {}, cd.name),
        cd.class !== undefined ? b.el('fee', 'class', {}, cd.class) : undefined,
        cd.commands.map((c) => b.el('fee', 'command', { name: c.name, standard: c.standard === undefined ? undefined : c.standard ? '1' : '0' }, periodEl(b, c.period, 'fee'), c.fee !== undefined ? b.el('fee', 'fee', {}, c.fee) : undefined)),
        cd.reason !== undefined ? b.el('fee', 'reason', {}, cd.reason) : undefined,
      ),
    );
    out.push(b.el('fee', 'chkData', {}, b.el('fee', 'currency', {}, x.feeCheck.currency), ...cds));
  }
  if (x.poll) out.push(b.el('dmapid', 'poll', { kind: x.poll.kind, object: x.poll.object }));
  if (x.contactFields && Object.keys(x.contactFields).length) out.push(contactFieldsEl(b, x.contactFields));
  return out;
}

export function encodeResponse(r: Response): string {
  const b = new Builder();
  const resp = b.el('epp', 'response');
  b.root.appendChild(resp);
  for (const res of r.results) {
    resp.appendChild(b.el('epp', 'result', { code: res.code }, b.el('epp', 'msg', {}, res.msg)));
  }
  if (r.msgQ) resp.appendChild(b.el('epp', 'msgQ', { count: r.msgQ.count, id: r.msgQ.id }, r.msgQ.qDate !== undefined ? b.el('epp', 'qDate', {}, dateTime(r.msgQ.qDate)) : undefined, r.msgQ.msg !== undefined ? b.el('epp', 'msg', {}, r.msgQ.msg) : undefined));
  if (r.resData) resp.appendChild(b.el('epp', 'resData', {}, resDataEl(b, r.resData)));
  const ext = r.ext ? extEls(b, r.ext) : [];
  if (ext.length) resp.appendChild(b.el('epp', 'extension', {}, ...ext));
  resp.appendChild(b.el('epp', 'trID', {}, r.clTRID !== undefined ? b.el('epp', 'clTRID', {}, r.clTRID) : undefined, b.el('epp', 'svTRID', {}, r.svTRID)));
  return b.toString();
}

// ------------------------------------------------------------------ decoding

export function decodeServerFrame(xml: string): ServerFrame {
  const root = parseXml(xml);
  const top = kids(root)[0];
  if (!top || top.namespaceURI !== NS.epp) throw new EppSyntaxError('<epp> holds no EPP element');
  if (top.localName === 'greeting') return { kind: 'greeting', greeting: readGreeting(top) };
  if (top.localName === 'response') return { kind: 'response', response: readResponse(top) };
  throw new EppSyntaxError(`a server sends <greeting> or <response>, not <${top.localName}>`);
}

function readGreeting(g: Element): Greeting {
  const menu = need(g, 'epp', 'svcMenu');
  const ext = kid(menu, 'epp', 'svcExtension');
  return { svID: needText(g, 'epp', 'svID'), svDate: instant(needText(g, 'epp', 'svDate'), 'svDate'), versions: texts(menu, 'epp', 'version'), langs: texts(menu, 'epp', 'lang'), objURIs: texts(menu, 'epp', 'objURI'), extURIs: ext ? texts(ext, 'epp', 'extURI') : [] };
}

const optDate = (e: Element, prefix: 'domain' | 'host' | 'contact', name: string) => {
  const v = childText(e, prefix, name);
  return v === undefined ? undefined : instant(v, name);
};

function readCds(e: Element, prefix: 'domain' | 'host' | 'contact'): CheckItem[] {
  return kids(e, prefix, 'cd').map((cd) => {
    const n = need(cd, prefix, prefix === 'contact' ? 'id' : 'name');
    const avail = n.getAttribute('avail');
    return { id: text(n), avail: avail === '1' || avail === 'true', reason: childText(cd, prefix, 'reason') };
  });
}

function readAddrs(e: Element): HostAddr[] {
  return kids(e, 'host', 'addr').map((a) => ({ ip: a.getAttribute('ip') === 'v6' ? 'v6' : 'v4', addr: text(a) }));
}

const statuses = (e: Element, prefix: 'domain' | 'host' | 'contact' | 'rgp', name = 'status') => kids(e, prefix, name).map((s) => s.getAttribute('s') ?? '');

function readTrn(e: Element, prefix: 'domain' | 'contact'): TrnData {
  return {
    id: needText(e, prefix, prefix === 'domain' ? 'name' : 'id'),
    trStatus: needText(e, prefix, 'trStatus') as TransferStatus,
    reID: needText(e, prefix, 'reID'),
    reDate: instant(needText(e, prefix, 'reDate'), 'reDate'),
    acID: needText(e, prefix, 'acID'),
    acDate: instant(needText(e, prefix, 'acDate'), 'acDate'),
    exDate: prefix === 'domain' ? optDate(e, 'domain', 'exDate') : undefined,
  };
}

function readResData(e: Element): ResData {
  const prefix = (['domain', 'host', 'contact'] as const).find((p) => e.namespaceURI === NS[p]);
  if (!prefix) throw new EppSyntaxError(`unknown resData namespace ${e.namespaceURI ?? ''}`);
  const key = `${prefix}:${e.localName}`;
  switch (key) {
    case 'domain:chkData':
    case 'host:chkData':
    case 'contact:chkData':
      return { type: key, cds: readCds(e, prefix) };
    case 'domain:infData': {
      const ns = kid(e, 'domain', 'ns');
      const auth = kid(e, 'domain', 'authInfo');
      const data: DomainInfData = {
        name: needText(e, 'domain', 'name'),
        roid: needText(e, 'domain', 'roid'),
        statuses: statuses(e, 'domain'),
        registrant: childText(e, 'domain', 'registrant'),
        contacts: kids(e, 'domain', 'contact').map((c) => ({ type: c.getAttribute('type') as 'admin' | 'tech' | 'billing', id: text(c) })),
        ns: ns ? texts(ns, 'domain', 'hostObj') : [],
        hosts: texts(e, 'domain', 'host'),
        clID: needText(e, 'domain', 'clID'),
        crID: childText(e, 'domain', 'crID'),
        crDate: optDate(e, 'domain', 'crDate'),
        upID: childText(e, 'domain', 'upID'),
        upDate: optDate(e, 'domain', 'upDate'),
        exDate: optDate(e, 'domain', 'exDate'),
        trDate: optDate(e, 'domain', 'trDate'),
        authInfo: auth ? (kid(auth, 'domain', 'pw')?.textContent ?? '') : undefined,
      };
      return { type: key, data };
    }
    case 'host:infData':
      return {
        type: key,
        data: { name: needText(e, 'host', 'name'), roid: needText(e, 'host', 'roid'), statuses: statuses(e, 'host'), addrs: readAddrs(e), clID: needText(e, 'host', 'clID'), crID: needText(e, 'host', 'crID'), crDate: instant(needText(e, 'host', 'crDate'), 'crDate'), upID: childText(e, 'host', 'upID'), upDate: optDate(e, 'host', 'upDate'), trDate: optDate(e, 'host', 'trDate') },
      };
    case 'contact:infData':
      return {
        type: key,
        data: { ...readContactData(e), id: needText(e, 'contact', 'id'), roid: needText(e, 'contact', 'roid'), statuses: statuses(e, 'contact'), clID: needText(e, 'contact', 'clID'), crID: needText(e, 'contact', 'crID'), crDate: instant(needText(e, 'contact', 'crDate'), 'crDate'), upID: childText(e, 'contact', 'upID'), upDate: optDate(e, 'contact', 'upDate'), trDate: optDate(e, 'contact', 'trDate') },
      };
    case 'domain:creData':
      return { type: key, name: needText(e, 'domain', 'name'), crDate: instant(needText(e, 'domain', 'crDate'), 'crDate'), exDate: optDate(e, 'domain', 'exDate') };
    case 'host:creData':
      return { type: key, name: needText(e, 'host', 'name'), crDate: instant(needText(e, 'host', 'crDate'), 'crDate') };
    case 'contact:creData':
      return { type: key, id: needText(e, 'contact', 'id'), crDate: instant(needText(e, 'contact', 'crDate'), 'crDate') };
    case 'domain:renData':
      return { type: key, name: needText(e, 'domain', 'name'), exDate: optDate(e, 'domain', 'exDate') };
    case 'domain:trnData':
      return { type: key, data: readTrn(e, 'domain') };
    case 'contact:trnData':
      return { type: key, data: readTrn(e, 'contact') };
    case 'domain:panData': {
      const n = need(e, 'domain', 'name');
      const tr = need(e, 'domain', 'paTRID');
      return { type: key, name: text(n), paResult: ['1', 'true'].includes(n.getAttribute('paResult') ?? ''), paTRID: { clTRID: childText(tr, 'epp', 'clTRID'), svTRID: needText(tr, 'epp', 'svTRID') }, paDate: instant(needText(e, 'domain', 'paDate'), 'paDate') };
    }
    default:
      throw new EppSyntaxError(`unknown resData <${key}>`);
  }
}

function readExtensions(ext: Element): ResponseExtensions {
  const x: ResponseExtensions = {};
  for (const e of kids(ext)) {
    const ns = e.namespaceURI;
    const name = e.localName ?? '';
    if (ns === NS.rgp && (name === 'infData' || name === 'upData')) x.rgp = { kind: name, statuses: statuses(e, 'rgp', 'rgpStatus') as RgpStatus[] };
    else if (ns === NS.secDNS && name === 'infData') x.secDNS = readDnssec(e) ?? { kind: 'ds', records: [] };
    else if (ns === NS.fee && name === 'chkData') {
      x.feeCheck = {
        currency: needText(e, 'fee', 'currency'),
        cds: kids(e, 'fee', 'cd').map((cd) => ({
          name: needText(cd, 'fee', 'objID'),
          avail: !['0', 'false'].includes(cd.getAttribute('avail') ?? '1'),
          class: childText(cd, 'fee', 'class'),
          commands: kids(cd, 'fee', 'command').map((c) => ({ name: c.getAttribute('name') ?? '', period: readPeriod(c, 'fee'), fee: childText(c, 'fee', 'fee'), standard: c.hasAttribute('standard') ? ['1', 'true'].includes(c.getAttribute('standard')!) : undefined })),
          reason: childText(cd, 'fee', 'reason'),
        })),
      };
    } else if (ns === NS.fee && ['creData', 'renData', 'trnData', 'updData', 'delData'].includes(name)) {
      x.fee = { kind: name as 'creData', currency: childText(e, 'fee', 'currency'), fees: texts(e, 'fee', 'fee'), credits: texts(e, 'fee', 'credit') };
    } else if (ns === NS.dmapid && name === 'poll') x.poll = { kind: e.getAttribute('kind') ?? '', object: e.getAttribute('object') ?? '' };
    else if (ns === NS.dmapid && name === 'contact') x.contactFields = readContactFields(e);
    // Extensions the codec does not know are skipped: a client must tolerate them.
  }
  return x;
}

function readResponse(r: Element): Response {
  const results = kids(r, 'epp', 'result').map((res) => ({ code: int(res.getAttribute('code') ?? undefined, 'result code'), msg: needText(res, 'epp', 'msg') }));
  if (!results.length) throw new EppSyntaxError('a response needs a result');
  const q = kid(r, 'epp', 'msgQ');
  const resData = kid(r, 'epp', 'resData');
  const inner = resData ? kids(resData)[0] : undefined;
  const ext = kid(r, 'epp', 'extension');
  const tr = need(r, 'epp', 'trID');
  return {
    results,
    msgQ: q ? { count: int(q.getAttribute('count') ?? undefined, 'msgQ count'), id: q.getAttribute('id') ?? '', qDate: childText(q, 'epp', 'qDate') !== undefined ? instant(childText(q, 'epp', 'qDate'), 'qDate') : undefined, msg: childText(q, 'epp', 'msg') } : undefined,
    resData: inner ? readResData(inner) : undefined,
    ext: ext ? readExtensions(ext) : undefined,
    clTRID: childText(tr, 'epp', 'clTRID'),
    svTRID: needText(tr, 'epp', 'svTRID'),
  };
}
