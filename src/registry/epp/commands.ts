import type { Element } from '@xmldom/xmldom';
import { Builder, EppSyntaxError, NS, append, childText, kid, kids, need, needText, parseXml, text, texts, instant, dateTime } from './xml.ts';
import { authInfoEl, contactFieldsEl, dnssecEls, periodEl, readAuthInfo, readContactFields, readDnssec, readPeriod } from './shared.ts';
import type { ClientFrame, Command, FeeCheck, ContactChange, ContactData, ContactRef, DomainAddRem, FeeAck, HostAddr, HostAddRem, PostalInfo, Restore, TransferOp } from './types.ts';

/** Client frames: hello and every command, built as DOM and read back (RFC 5730 §2.3, §2.9). */

export function encodeHello(): string {
  const b = new Builder();
  b.root.appendChild(b.el('epp', 'hello'));
  return b.toString();
}

export function encodeCommand(c: Command): string {
  const b = new Builder();
  const command = b.el('epp', 'command');
  b.root.appendChild(command);
  const ext: Element[] = [];
  append(command, body(b, c, ext));
  if (ext.length) command.appendChild(append(b.el('epp', 'extension'), ext));
  if (c.clTRID !== undefined) command.appendChild(b.el('epp', 'clTRID', {}, c.clTRID));
  return b.toString();
}

const nameEls = (b: Builder, prefix: 'domain' | 'host', names: readonly string[]) => names.map((n) => b.el(prefix, 'name', {}, n));
const addrEls = (b: Builder, prefix: 'host', addrs: readonly HostAddr[] | undefined) => (addrs ?? []).map((a) => b.el(prefix, 'addr', { ip: a.ip }, a.addr));
const contactEls = (b: Builder, cs: readonly ContactRef[] | undefined) => (cs ?? []).map((c) => b.el('domain', 'contact', { type: c.type }, c.id));
const nsEl = (b: Builder, ns: readonly string[] | undefined) => (ns && ns.length ? b.el('domain', 'ns', {}, ...ns.map((h) => b.el('domain', 'hostObj', {}, h))) : undefined);

function feeEl(b: Builder, kind: 'create' | 'renew' | 'transfer' | 'update', fee: FeeAck | undefined): Element | undefined {
  return fee ? b.el('fee', kind, {}, b.el('fee', 'currency', {}, fee.currency), b.el('fee', 'fee', {}, fee.fee)) : undefined;
}

function postalEl(b: Builder, p: PostalInfo): Element {
  return b.el(
    'contact',
    'postalInfo',
    { type: p.type },
    b.el('contact', 'name', {}, p.name),
    p.org ? b.el('contact', 'org', {}, p.org) : undefined,
    addrEl(b, p),
  );
}

function addrEl(b: Builder, a: { street: string[]; city: string; sp?: string | undefined; pc?: string | undefined; cc: string }): Element {
  return append(
    b.el('contact', 'addr'),
    a.street.map((s) => b.el('contact', 'street', {}, s)),
    b.el('contact', 'city', {}, a.city),
    a.sp ? b.el('contact', 'sp', {}, a.sp) : undefined,
    a.pc ? b.el('contact', 'pc', {}, a.pc) : undefined,
    b.el('contact', 'cc', {}, a.cc),
  );
}

const phoneEl = (b: Builder, name: 'voice' | 'fax', number: string | undefined, x?: string) => (number !== undefined ? b.el('contact', name, { x: x || undefined }, number) : undefined);

function domainAddRem(b: Builder, name: 'add' | 'rem', ar: DomainAddRem | undefined): Element | undefined {
  if (!ar) return undefined;
  return append(b.el('domain', name), nsEl(b, ar.ns), contactEls(b, ar.contacts), (ar.statuses ?? []).map((s) => b.el('domain', 'status', { s })));
}

function restoreEl(b: Builder, r: Restore): Element {
  const restore = b.el('rgp', 'restore', { op: r.op });
  if (r.op === 'report') {
    const p = r.report;
    restore.appendChild(
      append(
        b.el('rgp', 'report'),
        b.el('rgp', 'preData', {}, p.preData),
        b.el('rgp', 'postData', {}, p.postData),
        b.el('rgp', 'delTime', {}, dateTime(p.delTime)),
        b.el('rgp', 'resTime', {}, dateTime(p.resTime)),
        b.el('rgp', 'resReason', {}, p.resReason),
        p.statements.map((s) => b.el('rgp', 'statement', {}, s)),
        p.other !== undefined ? b.el('rgp', 'other', {}, p.other) : undefined,
      ),
    );
  }
  return b.el('rgp', 'update', {}, restore);
}

/** The command element; extension elements go to `ext`. */
function body(b: Builder, c: Command, ext: Element[]): Element {
  switch (c.cmd) {
    case 'login': {
      const svcs = append(b.el('epp', 'svcs'), c.objURIs.map((u) => b.el('epp', 'objURI', {}, u)), c.extURIs.length ? b.el('epp', 'svcExtension', {}, ...c.extURIs.map((u) => b.el('epp', 'extURI', {}, u))) : undefined);
      return b.el('epp', 'login', {}, b.el('epp', 'clID', {}, c.clID), b.el('epp', 'pw', {}, c.pw), c.newPW !== undefined ? b.el('epp', 'newPW', {}, c.newPW) : undefined, b.el('epp', 'options', {}, b.el('epp', 'version', {}, '1.0'), b.el('epp', 'lang', {}, c.lang ?? 'en')), svcs);
    }
    case 'logout':
      return b.el('epp', 'logout');
    case 'poll':
      return b.el('epp', 'poll', { op: c.op, msgID: c.op === 'ack' ? c.msgID : undefined });
    case 'domain:check':
      if (c.fee) ext.push(append(b.el('fee', 'check'), c.fee.currency ? b.el('fee', 'currency', {}, c.fee.currency) : undefined, c.fee.commands.map((x) => b.el('fee', 'command', { name: x.name }, periodEl(b, x.period, 'fee')))));
      return b.el('epp', 'check', {}, b.el('domain', 'check', {}, ...nameEls(b, 'domain', c.names)));
    case 'domain:info':
      return b.el('epp', 'info', {}, b.el('domain', 'info', {}, b.el('domain', 'name', { hosts: c.hosts }, c.name), authInfoEl(b, 'domain', c.authInfo)));
    case 'domain:create':
      if (c.dnssec) ext.push(b.el('secDNS', 'create', {}, ...dnssecEls(b, c.dnssec)));
      if (c.fee) ext.push(feeEl(b, 'create', c.fee)!);
      return b.el(
        'epp',
        'create',
        {},
        append(b.el('domain', 'create'), b.el('domain', 'name', {}, c.name), periodEl(b, c.period), nsEl(b, c.ns), c.registrant !== undefined ? b.el('domain', 'registrant', {}, c.registrant) : undefined, contactEls(b, c.contacts), authInfoEl(b, 'domain', c.authInfo)),
      );
    case 'domain:delete':
      return b.el('epp', 'delete', {}, b.el('domain', 'delete', {}, b.el('domain', 'name', {}, c.name)));
    case 'domain:renew':
      if (c.fee) ext.push(feeEl(b, 'renew', c.fee)!);
      return b.el('epp', 'renew', {}, b.el('domain', 'renew', {}, b.el('domain', 'name', {}, c.name), b.el('domain', 'curExpDate', {}, c.curExpDate), periodEl(b, c.period)));
    case 'domain:transfer':
      if (c.fee) ext.push(feeEl(b, 'transfer', c.fee)!);
      return b.el('epp', 'transfer', { op: c.op }, b.el('domain', 'transfer', {}, b.el('domain', 'name', {}, c.name), periodEl(b, c.period), authInfoEl(b, 'domain', c.authInfo)));
    case 'domain:update': {
      if (c.secDNS) {
        const s = c.secDNS;
        const rem = s.remAll ? b.el('secDNS', 'rem', {}, b.el('secDNS', 'all', {}, 'true')) : s.rem ? b.el('secDNS', 'rem', {}, ...dnssecEls(b, s.rem)) : undefined;
        ext.push(b.el('secDNS', 'update', {}, rem, s.add ? b.el('secDNS', 'add', {}, ...dnssecEls(b, s.add)) : undefined));
      }
      if (c.restore) ext.push(restoreEl(b, c.restore));
      if (c.fee) ext.push(feeEl(b, 'update', c.fee)!);
      let chg: Element | undefined;
      if (c.chg) {
        const auth = c.chg.authInfo === undefined ? undefined : b.el('domain', 'authInfo', {}, c.chg.authInfo === null ? b.el('domain', 'null') : b.el('domain', 'pw', {}, c.chg.authInfo));
        chg = b.el('domain', 'chg', {}, c.chg.registrant !== undefined ? b.el('domain', 'registrant', {}, c.chg.registrant) : undefined, auth);
      }
      // RFC 3915 restore sends an empty <domain:chg/> when nothing else changes.
      if (!c.add && !c.rem && !chg && c.restore) chg = b.el('domain', 'chg');
      return b.el('epp', 'update', {}, b.el('domain', 'update', {}, b.el('domain', 'name', {}, c.name), domainAddRem(b, 'add', c.add), domainAddRem(b, 'rem', c.rem), chg));
    }
    case 'host:check':
      return b.el('epp', 'check', {}, b.el('host', 'check', {}, ...nameEls(b, 'host', c.names)));
    case 'host:info':
      return b.el('epp', 'info', {}, b.el('host', 'info', {}, b.el('host', 'name', {}, c.name)));
    case 'host:create':
      return b.el('epp', 'create', {}, append(b.el('host', 'create'), b.el('host', 'name', {}, c.name), addrEls(b, 'host', c.addrs)));
    case 'host:delete':
      return b.el('epp', 'delete', {}, b.el('host', 'delete', {}, b.el('host', 'name', {}, c.name)));
    case 'host:update': {
      const ar = (name: 'add' | 'rem', x: HostAddRem | undefined) => (x ? append(b.el('host', name), addrEls(b, 'host', x.addrs), (x.statuses ?? []).map((s) => b.el('host', 'status', { s }))) : undefined);
      return b.el('epp', 'update', {}, b.el('host', 'update', {}, b.el('host', 'name', {}, c.name), ar('add', c.add), ar('rem', c.rem), c.newName !== undefined ? b.el('host', 'chg', {}, b.el('host', 'name', {}, c.newName)) : undefined));
    }
    case 'contact:check':
      return b.el('epp', 'check', {}, b.el('contact', 'check', {}, ...c.ids.map((id) => b.el('contact', 'id', {}, id))));
    case 'contact:info':
      return b.el('epp', 'info', {}, b.el('contact', 'info', {}, b.el('contact', 'id', {}, c.id), authInfoEl(b, 'contact', c.authInfo)));
    case 'contact:create': {
      if (c.fields && Object.keys(c.fields).length) ext.push(contactFieldsEl(b, c.fields));
      const d = c.data;
      return b.el(
        'epp',
        'create',
        {},
        append(b.el('contact', 'create'), b.el('contact', 'id', {}, c.id), d.postalInfo.map((p) => postalEl(b, p)), phoneEl(b, 'voice', d.voice, d.voiceExt), phoneEl(b, 'fax', d.fax), b.el('contact', 'email', {}, d.email), authInfoEl(b, 'contact', c.authInfo)),
      );
    }
    case 'contact:delete':
      return b.el('epp', 'delete', {}, b.el('contact', 'delete', {}, b.el('contact', 'id', {}, c.id)));
    case 'contact:update': {
      if (c.fields && Object.keys(c.fields).length) ext.push(contactFieldsEl(b, c.fields));
      const st = (name: 'add' | 'rem', list: string[] | undefined) => (list && list.length ? b.el('contact', name, {}, ...list.map((s) => b.el('contact', 'status', { s }))) : undefined);
      return b.el('epp', 'update', {}, b.el('contact', 'update', {}, b.el('contact', 'id', {}, c.id), st('add', c.addStatuses), st('rem', c.remStatuses), c.chg ? contactChg(b, c.chg) : undefined));
    }
    case 'contact:transfer':
      return b.el('epp', 'transfer', { op: c.op }, b.el('contact', 'transfer', {}, b.el('contact', 'id', {}, c.id), authInfoEl(b, 'contact', c.authInfo)));
  }
}

function contactChg(b: Builder, ch: ContactChange): Element {
  const p = ch.postalInfo;
  const postal = p ? b.el('contact', 'postalInfo', { type: p.type }, p.name !== undefined ? b.el('contact', 'name', {}, p.name) : undefined, p.org !== undefined ? b.el('contact', 'org', {}, p.org) : undefined, p.addr ? addrEl(b, p.addr) : undefined) : undefined;
  return b.el('contact', 'chg', {}, postal, phoneEl(b, 'voice', ch.voice, ch.voiceExt), phoneEl(b, 'fax', ch.fax), ch.email !== undefined ? b.el('contact', 'email', {}, ch.email) : undefined, authInfoEl(b, 'contact', ch.authInfo));
}

// ------------------------------------------------------------------ decoding

export function decodeClientFrame(xml: string): ClientFrame {
  const root = parseXml(xml);
  const [top, ...more] = kids(root);
  if (!top || more.length) throw new EppSyntaxError('<epp> must hold exactly one element');
  if (top.namespaceURI !== NS.epp) throw new EppSyntaxError(`unexpected <${top.localName}> outside the EPP namespace`);
  if (top.localName === 'hello') return { kind: 'hello' };
  if (top.localName !== 'command') throw new EppSyntaxError(`a client sends <hello> or <command>, not <${top.localName}>`);
  return { kind: 'command', command: decodeCommand(top) };
}

/** The object element inside an epp verb: exactly one, in a namespace the codec knows. */
function objectOf(verb: Element): { prefix: 'domain' | 'host' | 'contact'; el: Element } {
  const inner = kids(verb);
  if (inner.length !== 1) throw new EppSyntaxError(`<${verb.localName}> must hold one object element`);
  const el = inner[0]!;
  for (const prefix of ['domain', 'host', 'contact'] as const) if (el.namespaceURI === NS[prefix]) return { prefix, el };
  throw new EppSyntaxError(`unknown object namespace ${el.namespaceURI ?? '(none)'}`);
}

function readPostal(e: Element): PostalInfo {
  const type = e.getAttribute('type');
  if (type !== 'loc' && type !== 'int') throw new EppSyntaxError('postalInfo type must be loc or int');
  const addr = need(e, 'contact', 'addr');
  return { type, name: needText(e, 'contact', 'name'), org: childText(e, 'contact', 'org'), street: texts(addr, 'contact', 'street'), city: needText(addr, 'contact', 'city'), sp: childText(addr, 'contact', 'sp'), pc: childText(addr, 'contact', 'pc'), cc: needText(addr, 'contact', 'cc') };
}

/** Contact data as create and info carry it. */
export function readContactData(e: Element): ContactData {
  const postalInfo = kids(e, 'contact', 'postalInfo').map(readPostal);
  if (postalInfo.length === 0) throw new EppSyntaxError('a contact needs postalInfo');
  const voice = kid(e, 'contact', 'voice');
  return { postalInfo, voice: voice ? text(voice) : undefined, voiceExt: voice?.getAttribute('x') || undefined, fax: childText(e, 'contact', 'fax'), email: needText(e, 'contact', 'email') };
}

function readAddrs(e: Element): HostAddr[] {
  return kids(e, 'host', 'addr').map((a) => {
    const ip = a.getAttribute('ip') || 'v4';
    if (ip !== 'v4' && ip !== 'v6') throw new EppSyntaxError('host addr ip must be v4 or v6');
    return { ip, addr: text(a) };
  });
}

function readContacts(e: Element): ContactRef[] {
  return kids(e, 'domain', 'contact').map((c) => {
    const type = c.getAttribute('type');
    if (type !== 'admin' && type !== 'tech' && type !== 'billing') throw new EppSyntaxError('contact type must be admin, tech or billing');
    return { type, id: text(c) };
  });
}

function readNs(e: Element | undefined): string[] | undefined {
  if (!e) return undefined;
  if (kids(e, 'domain', 'hostAttr').length) throw new EppSyntaxError('host attributes are not supported; use host objects');
  return texts(e, 'domain', 'hostObj');
}

function readAddRem(e: Element | undefined): DomainAddRem | undefined {
  if (!e) return undefined;
  return { ns: readNs(kid(e, 'domain', 'ns')), contacts: nonEmpty(readContacts(e)), statuses: nonEmpty(kids(e, 'domain', 'status').map((s) => s.getAttribute('s') ?? '')) };
}

function readFeeAck(ext: Element | undefined, kind: string): FeeAck | undefined {
  const f = ext ? kid(ext, 'fee', kind) : undefined;
  if (!f) return undefined;
  const fees = texts(f, 'fee', 'fee');
  if (!fees.length) throw new EppSyntaxError('fee extension without a fee');
  // Several fee elements add up; the server compares the sum (kept as a decimal string).
  const total = fees.reduce((sum, x) => {
    if (!/^\d+(\.\d+)?$/.test(x)) throw new EppSyntaxError(`fee ${x} is not a decimal`);
    return sum + Number(x);
  }, 0);
  return { currency: childText(f, 'fee', 'currency') ?? '', fee: fees.length === 1 ? fees[0]! : total.toFixed(2) };
}

function readTransferOp(verb: Element): TransferOp {
  const op = verb.getAttribute('op');
  if (op !== 'request' && op !== 'query' && op !== 'approve' && op !== 'reject' && op !== 'cancel') throw new EppSyntaxError('transfer op must be request, query, approve, reject or cancel');
  return op;
}

function readRestore(ext: Element | undefined): Restore | undefined {
  const u = ext ? kid(ext, 'rgp', 'update') : undefined;
  if (!u) return undefined;
  const r = need(u, 'rgp', 'restore');
  const op = r.getAttribute('op');
  if (op === 'request') return { op };
  if (op !== 'report') throw new EppSyntaxError('restore op must be request or report');
  const rep = need(r, 'rgp', 'report');
  return {
    op,
    report: {
      preData: needText(rep, 'rgp', 'preData'),
      postData: needText(rep, 'rgp', 'postData'),
      delTime: instant(needText(rep, 'rgp', 'delTime'), 'delTime'),
      resTime: instant(needText(rep, 'rgp', 'resTime'), 'resTime'),
      resReason: needText(rep, 'rgp', 'resReason'),
      statements: texts(rep, 'rgp', 'statement'),
      other: childText(rep, 'rgp', 'other'),
    },
  };
}

function decodeCommand(command: Element): Command {
  const parts = kids(command);
  const verb = parts[0];
  if (!verb || verb.namespaceURI !== NS.epp) throw new EppSyntaxError('<command> lacks a verb');
  const ext = kid(command, 'epp', 'extension');
  const clTRID = childText(command, 'epp', 'clTRID');
  const withId = <C extends Command>(c: C): C => (clTRID !== undefined ? { ...c, clTRID } : c);
  const v = verb.localName ?? '';
  if (v === 'login') {
    const svcs = need(verb, 'epp', 'svcs');
    const svcExt = kid(svcs, 'epp', 'svcExtension');
    const options = need(verb, 'epp', 'options');
    const version = needText(options, 'epp', 'version');
    if (version !== '1.0') throw new EppSyntaxError(`EPP version ${version} is not 1.0`);
    return withId({ cmd: 'login', clID: needText(verb, 'epp', 'clID'), pw: need(verb, 'epp', 'pw').textContent ?? '', newPW: kid(verb, 'epp', 'newPW')?.textContent ?? undefined, lang: needText(options, 'epp', 'lang'), objURIs: texts(svcs, 'epp', 'objURI'), extURIs: svcExt ? texts(svcExt, 'epp', 'extURI') : [] });
  }
  if (v === 'logout') return withId({ cmd: 'logout' });
  if (v === 'poll') {
    const op = verb.getAttribute('op');
    if (op === 'req') return withId({ cmd: 'poll', op });
    if (op === 'ack') {
      const msgID = verb.getAttribute('msgID') ?? '';
      if (!msgID) throw new EppSyntaxError('poll ack needs msgID');
      return withId({ cmd: 'poll', op, msgID });
    }
    throw new EppSyntaxError('poll op must be req or ack');
  }
  const known = ['check', 'info', 'create', 'delete', 'renew', 'transfer', 'update'];
  if (!known.includes(v)) throw new EppSyntaxError(`unknown command <${v}>`);
  const { prefix, el } = objectOf(verb);
  const key = `${prefix}:${v}`;
  switch (key) {
    case 'domain:check': {
      const fc = ext ? kid(ext, 'fee', 'check') : undefined;
      const fee: FeeCheck | undefined = fc
        ? {
            currency: childText(fc, 'fee', 'currency'),
            commands: kids(fc, 'fee', 'command').map((x) => {
              const name = x.getAttribute('name');
              if (name !== 'create' && name !== 'renew' && name !== 'transfer' && name !== 'restore') throw new EppSyntaxError(`fee command ${name ?? ''} is not supported`);
              return { name, period: readPeriod(x, 'fee') };
            }),
          }
        : undefined;
      return withId({ cmd: 'domain:check', names: texts(el, 'domain', 'name'), fee });
    }
    case 'domain:info': {
      const n = need(el, 'domain', 'name');
      const hosts = n.getAttribute('hosts') || undefined;
      if (hosts !== undefined && hosts !== 'all' && hosts !== 'del' && hosts !== 'sub' && hosts !== 'none') throw new EppSyntaxError('hosts must be all, del, sub or none');
      return withId({ cmd: 'domain:info', name: text(n), hosts, authInfo: readAuthInfo(el, 'domain') });
    }
    case 'domain:create': {
      const sec = ext ? kid(ext, 'secDNS', 'create') : undefined;
      if (sec && kid(sec, 'secDNS', 'maxSigLife')) throw new UnimplementedOption('maxSigLife is not supported');
      return withId({
        cmd: 'domain:create',
        name: needText(el, 'domain', 'name'),
        period: readPeriod(el),
        ns: readNs(kid(el, 'domain', 'ns')),
        registrant: childText(el, 'domain', 'registrant'),
        contacts: nonEmpty(readContacts(el)),
        authInfo: readAuthInfo(el, 'domain') ?? missing('authInfo'),
        dnssec: sec ? readDnssec(sec) : undefined,
        fee: readFeeAck(ext, 'create'),
      });
    }
    case 'domain:delete':
      return withId({ cmd: 'domain:delete', name: needText(el, 'domain', 'name') });
    case 'domain:renew':
      return withId({ cmd: 'domain:renew', name: needText(el, 'domain', 'name'), curExpDate: needText(el, 'domain', 'curExpDate'), period: readPeriod(el), fee: readFeeAck(ext, 'renew') });
    case 'domain:transfer':
      return withId({ cmd: 'domain:transfer', op: readTransferOp(verb), name: needText(el, 'domain', 'name'), period: readPeriod(el), authInfo: readAuthInfo(el, 'domain'), fee: readFeeAck(ext, 'transfer') });
    case 'domain:update': {
      const chgEl = kid(el, 'domain', 'chg');
      let chg: { registrant?: string | undefined; authInfo?: string | null | undefined } | undefined;
      if (chgEl && kids(chgEl).length) {
        const a = kid(chgEl, 'domain', 'authInfo');
        chg = { registrant: childText(chgEl, 'domain', 'registrant'), authInfo: a ? (kid(a, 'domain', 'null') ? null : (need(a, 'domain', 'pw').textContent ?? '')) : undefined };
      }
      const sec = ext ? kid(ext, 'secDNS', 'update') : undefined;
      let secDNS;
      if (sec) {
        if (sec.getAttribute('urgent') === 'true' || sec.getAttribute('urgent') === '1') throw new UnimplementedOption('urgent is not supported');
        if (kid(sec, 'secDNS', 'chg')) throw new UnimplementedOption('maxSigLife is not supported');
        const rem = kid(sec, 'secDNS', 'rem');
        const add = kid(sec, 'secDNS', 'add');
        const all = rem ? childText(rem, 'secDNS', 'all') : undefined;
        secDNS = { remAll: all === 'true' || all === '1' ? true : undefined, rem: rem ? readDnssec(rem) : undefined, add: add ? readDnssec(add) : undefined };
      }
      return withId({ cmd: 'domain:update', name: needText(el, 'domain', 'name'), add: readAddRem(kid(el, 'domain', 'add')), rem: readAddRem(kid(el, 'domain', 'rem')), chg, secDNS, restore: readRestore(ext), fee: readFeeAck(ext, 'update') });
    }
    case 'host:check':
      return withId({ cmd: 'host:check', names: texts(el, 'host', 'name') });
    case 'host:info':
      return withId({ cmd: 'host:info', name: needText(el, 'host', 'name') });
    case 'host:create':
      return withId({ cmd: 'host:create', name: needText(el, 'host', 'name'), addrs: readAddrs(el) });
    case 'host:delete':
      return withId({ cmd: 'host:delete', name: needText(el, 'host', 'name') });
    case 'host:update': {
      const ar = (n: 'add' | 'rem') => {
        const x = kid(el, 'host', n);
        return x ? { addrs: nonEmpty(readAddrs(x)), statuses: nonEmpty(kids(x, 'host', 'status').map((s) => s.getAttribute('s') ?? '')) } : undefined;
      };
      const chg = kid(el, 'host', 'chg');
      return withId({ cmd: 'host:update', name: needText(el, 'host', 'name'), add: ar('add'), rem: ar('rem'), newName: chg ? needText(chg, 'host', 'name') : undefined });
    }
    case 'contact:check':
      return withId({ cmd: 'contact:check', ids: texts(el, 'contact', 'id') });
    case 'contact:info':
      return withId({ cmd: 'contact:info', id: needText(el, 'contact', 'id'), authInfo: readAuthInfo(el, 'contact') });
    case 'contact:create': {
      const f = ext ? kid(ext, 'dmapid', 'contact') : undefined;
      return withId({ cmd: 'contact:create', id: needText(el, 'contact', 'id'), data: readContactData(el), authInfo: readAuthInfo(el, 'contact') ?? missing('authInfo'), fields: f ? readContactFields(f) : undefined });
    }
    case 'contact:delete':
      return withId({ cmd: 'contact:delete', id: needText(el, 'contact', 'id') });
    case 'contact:update': {
      const f = ext ? kid(ext, 'dmapid', 'contact') : undefined;
      const st = (n: 'add' | 'rem') => {
        const x = kid(el, 'contact', n);
        return x ? nonEmpty(kids(x, 'contact', 'status').map((s) => s.getAttribute('s') ?? '')) : undefined;
      };
      const c = kid(el, 'contact', 'chg');
      return withId({ cmd: 'contact:update', id: needText(el, 'contact', 'id'), addStatuses: st('add'), remStatuses: st('rem'), chg: c ? readContactChg(c) : undefined, fields: f ? readContactFields(f) : undefined });
    }
    case 'contact:transfer':
      return withId({ cmd: 'contact:transfer', op: readTransferOp(verb), id: needText(el, 'contact', 'id'), authInfo: readAuthInfo(el, 'contact') });
    default:
      throw new UnimplementedCommand(`${prefix} ${v} is not a command of this server`);
  }
}

function readContactChg(c: Element): ContactChange {
  const out: ContactChange = {};
  const p = kid(c, 'contact', 'postalInfo');
  if (p) {
    const type = p.getAttribute('type');
    if (type !== 'loc' && type !== 'int') throw new EppSyntaxError('postalInfo type must be loc or int');
    const a = kid(p, 'contact', 'addr');
    out.postalInfo = { type, name: childText(p, 'contact', 'name'), org: childText(p, 'contact', 'org'), addr: a ? { street: texts(a, 'contact', 'street'), city: needText(a, 'contact', 'city'), sp: childText(a, 'contact', 'sp'), pc: childText(a, 'contact', 'pc'), cc: needText(a, 'contact', 'cc') } : undefined };
  }
  const voice = kid(c, 'contact', 'voice');
  if (voice) {
    out.voice = text(voice);
    out.voiceExt = voice.getAttribute('x') ?? '';
  }
  const fax = childText(c, 'contact', 'fax');
  if (fax !== undefined) out.fax = fax;
  const email = childText(c, 'contact', 'email');
  if (email !== undefined) out.email = email;
  const auth = readAuthInfo(c, 'contact');
  if (auth !== undefined) out.authInfo = auth;
  return out;
}

/** Optional lists decode as absent when empty, so a frame reads back as it was meant. */
const nonEmpty = <T>(a: T[] | undefined): T[] | undefined => (a && a.length ? a : undefined);

function missing(what: string): never {
  throw new EppSyntaxError(`required element ${what} is missing`);
}

/** A well-formed command for an object verb this server does not offer (result 2101). */
export class UnimplementedCommand extends Error {
  readonly code = 2101;
}
/** A secDNS option the server does not offer (result 2102). */
export class UnimplementedOption extends Error {
  readonly code = 2102;
}
