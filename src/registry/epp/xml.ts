import { DOMImplementation, DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';

/**
 * The few DOM helpers the EPP codec builds on (@xmldom/xmldom: pure JS, standard DOM API with
 * namespaces). Frames are built as DOM trees and serialised, never glued from strings, and
 * read through namespace-aware lookups so any prefix a peer chooses works.
 */

export const NS = {
  epp: 'urn:ietf:params:xml:ns:epp-1.0',
  eppcom: 'urn:ietf:params:xml:ns:eppcom-1.0',
  domain: 'urn:ietf:params:xml:ns:domain-1.0',
  host: 'urn:ietf:params:xml:ns:host-1.0',
  contact: 'urn:ietf:params:xml:ns:contact-1.0',
  rgp: 'urn:ietf:params:xml:ns:rgp-1.0',
  secDNS: 'urn:ietf:params:xml:ns:secDNS-1.1',
  fee: 'urn:ietf:params:xml:ns:epp:fee-1.0',
  /** dmapid's own small extension: TLD contact fields and poll message kinds (no standard place). */
  dmapid: 'urn:dmapid:params:xml:ns:dmapid-1.0',
  /** RFC 9154: announced so clients know auth codes follow its rules. */
  secureAuthInfo: 'urn:ietf:params:xml:ns:epp:secure-authinfo-transfer-1.0',
} as const;
export type Prefix = Exclude<keyof typeof NS, 'eppcom' | 'secureAuthInfo'>;

/** Thrown for a frame that is not well-formed XML or not EPP as the codec knows it (result 2001). */
export class EppSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EppSyntaxError';
  }
}

/** Builds elements of one document: `b.el('domain', 'name', {}, 'example.com')`. */
export class Builder {
  readonly doc: Document;
  readonly root: Element;

  constructor() {
    this.doc = new DOMImplementation().createDocument(NS.epp, 'epp', null);
    this.root = this.doc.documentElement!;
  }

  el(prefix: Prefix, name: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Array<Element | string | undefined | false>): Element {
    const e = this.doc.createElementNS(NS[prefix], prefix === 'epp' ? name : `${prefix}:${name}`);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, String(v));
    for (const c of children) {
      if (c === undefined || c === false) continue;
      e.appendChild(typeof c === 'string' ? this.doc.createTextNode(c) : c);
    }
    return e;
  }

  /** One element per item, for repeated children. */
  each<T>(items: readonly T[] | undefined, make: (item: T) => Element): Element[] {
    return (items ?? []).map(make);
  }

  toString(): string {
    return '<?xml version="1.0" encoding="UTF-8"?>' + new XMLSerializer().serializeToString(this.doc);
  }
}

/** Appends several children at once (arrays are flattened; undefined skipped). */
export function append(parent: Element, ...children: Array<Element | Element[] | undefined | false>): Element {
  for (const c of children.flat()) if (c) parent.appendChild(c);
  return parent;
}

/** Parses one frame; rejects DTDs (EPP has none, and entity tricks live there). */
export function parseXml(text: string): Element {
  if (/<!DOCTYPE/i.test(text)) throw new EppSyntaxError('document type declarations are not allowed');
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new EppSyntaxError(`XML ${level}: ${message}`);
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    throw new EppSyntaxError(e instanceof Error ? e.message.split('\n')[0]! : 'XML is not well-formed');
  }
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== NS.epp || root.localName !== 'epp') throw new EppSyntaxError('the root element is not <epp> in the EPP 1.0 namespace');
  return root;
}

/** Element children (any namespace unless given). */
export function kids(parent: Element, prefix?: Prefix, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const e = n as Element;
    if (prefix !== undefined && e.namespaceURI !== NS[prefix]) continue;
    if (name !== undefined && e.localName !== name) continue;
    out.push(e);
  }
  return out;
}

export function kid(parent: Element, prefix: Prefix, name: string): Element | undefined {
  return kids(parent, prefix, name)[0];
}

export function need(parent: Element, prefix: Prefix, name: string): Element {
  const e = kid(parent, prefix, name);
  if (!e) throw new EppSyntaxError(`<${parent.localName}> lacks <${name}>`);
  return e;
}

/** Whitespace-collapsed text content (EPP values are tokens). */
export function text(e: Element | undefined): string {
  return (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function childText(parent: Element, prefix: Prefix, name: string): string | undefined {
  const e = kid(parent, prefix, name);
  return e ? text(e) : undefined;
}

export function needText(parent: Element, prefix: Prefix, name: string): string {
  return text(need(parent, prefix, name));
}

export function texts(parent: Element, prefix: Prefix, name: string): string[] {
  return kids(parent, prefix, name).map(text);
}

export function int(value: string | undefined, what: string): number {
  if (value === undefined || !/^-?\d+$/.test(value)) throw new EppSyntaxError(`${what} is not an integer`);
  return Number(value);
}

/** xs:dateTime → epoch ms. */
export function instant(value: string | undefined, what: string): number {
  const t = value === undefined ? NaN : Date.parse(value);
  if (!Number.isFinite(t)) throw new EppSyntaxError(`${what} is not a date-time`);
  return t;
}

/** Epoch ms → xs:dateTime in UTC with milliseconds (e.g. 2026-01-02T03:04:05.000Z). */
export const dateTime = (ms: number) => new Date(ms).toISOString();
