import type { Element } from '@xmldom/xmldom';
import type { DnssecData, DsRecord, KeyRecord } from '../port.ts';
import type { Builder } from './xml.ts';
import { EppSyntaxError, int, kid, kids, needText, text } from './xml.ts';
import type { ContactFields, Period } from './types.ts';

/** Pieces both commands and responses carry: periods, secDNS data, dmapid contact fields. */

/** A period; fee-1.0 puts its own in the fee namespace (same type). */
export function periodEl(b: Builder, p: Period | undefined, prefix: 'domain' | 'fee' = 'domain'): Element | undefined {
  return p ? b.el(prefix, 'period', { unit: p.unit }, String(p.value)) : undefined;
}

export function readPeriod(parent: Element, prefix: 'domain' | 'fee' = 'domain'): Period | undefined {
  const e = kid(parent, prefix, 'period');
  if (!e) return undefined;
  const unit = e.getAttribute('unit');
  if (unit !== 'y' && unit !== 'm') throw new EppSyntaxError('period unit must be y or m');
  const value = int(text(e), 'period');
  if (value < 1 || value > 99) throw new EppSyntaxError('period must be 1-99');
  return { value, unit };
}

function keyEl(b: Builder, k: KeyRecord): Element {
  return b.el('secDNS', 'keyData', {}, b.el('secDNS', 'flags', {}, String(k.flags)), b.el('secDNS', 'protocol', {}, String(k.protocol)), b.el('secDNS', 'alg', {}, String(k.algorithm)), b.el('secDNS', 'pubKey', {}, k.publicKey));
}

/** The dsData or keyData children of a secDNS dsOrKeyType (or rem) element. */
export function dnssecEls(b: Builder, d: DnssecData): Element[] {
  if (d.kind === 'key') return d.records.map((k) => keyEl(b, k));
  return d.records.map((r) =>
    b.el('secDNS', 'dsData', {}, b.el('secDNS', 'keyTag', {}, String(r.keyTag)), b.el('secDNS', 'alg', {}, String(r.algorithm)), b.el('secDNS', 'digestType', {}, String(r.digestType)), b.el('secDNS', 'digest', {}, r.digest)),
  );
}

function readKey(e: Element): KeyRecord {
  return { flags: int(needText(e, 'secDNS', 'flags'), 'flags'), protocol: int(needText(e, 'secDNS', 'protocol'), 'protocol'), algorithm: int(needText(e, 'secDNS', 'alg'), 'alg'), publicKey: needText(e, 'secDNS', 'pubKey').replace(/\s+/g, '') };
}

/** Reads dsData or keyData children; undefined when there are none. Both kinds at once is a syntax error. */
export function readDnssec(parent: Element): DnssecData | undefined {
  const ds = kids(parent, 'secDNS', 'dsData');
  const keys = kids(parent, 'secDNS', 'keyData');
  if (ds.length && keys.length) throw new EppSyntaxError('secDNS takes dsData or keyData, not both');
  if (ds.length) {
    const records: DsRecord[] = ds.map((e) => ({ keyTag: int(needText(e, 'secDNS', 'keyTag'), 'keyTag'), algorithm: int(needText(e, 'secDNS', 'alg'), 'alg'), digestType: int(needText(e, 'secDNS', 'digestType'), 'digestType'), digest: needText(e, 'secDNS', 'digest').toUpperCase() }));
    return { kind: 'ds', records };
  }
  if (keys.length) return { kind: 'key', records: keys.map(readKey) };
  return undefined;
}

export function contactFieldsEl(b: Builder, fields: ContactFields): Element {
  return b.el('dmapid', 'contact', {}, ...Object.entries(fields).map(([name, value]) => b.el('dmapid', 'field', { name }, value)));
}

export function readContactFields(e: Element): ContactFields {
  const out: ContactFields = {};
  for (const f of kids(e, 'dmapid', 'field')) {
    const name = f.getAttribute('name');
    if (!name) throw new EppSyntaxError('dmapid:field needs a name');
    out[name] = text(f);
  }
  return out;
}

/** `<x:authInfo><x:pw>…</x:pw></x:authInfo>`; '' gives the empty pw of RFC 9154. */
export function authInfoEl(b: Builder, prefix: 'domain' | 'contact', pw: string | undefined): Element | undefined {
  return pw === undefined ? undefined : b.el(prefix, 'authInfo', {}, b.el(prefix, 'pw', {}, pw));
}

/** The pw of an authInfo child (undefined when absent; ext authInfo is not supported). */
export function readAuthInfo(parent: Element, prefix: 'domain' | 'contact'): string | undefined {
  const a = kid(parent, prefix, 'authInfo');
  if (!a) return undefined;
  const pw = kid(a, prefix, 'pw');
  if (!pw) throw new EppSyntaxError('only pw authInfo is supported');
  return pw.textContent ?? '';
}
