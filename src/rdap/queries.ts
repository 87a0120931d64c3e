import { checkDomainName } from '../core/domain-name.ts';
import { CONTROL_CHARS as controls, lookupName, type Parsed } from '../services/directory.ts';
import ipaddr from 'ipaddr.js';

/**
 * RDAP query syntax (RFC 9082): names in the path, search patterns and addresses in the query
 * string. Pure: each answers the value or why it is refused (the route turns that into a 400).
 */
const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
const MAX_NAME = 253;

/** Percent-decoding that refuses what is not UTF-8 (decodeURIComponent would throw; URLSearchParams would hide it as U+FFFD). */
export function decodeComponent(raw: string): Parsed<string> {
  try {
    return { ok: true, value: decodeURIComponent(raw.replace(/\+/g, ' ')) };
  } catch {
    return refuse('the address has a percent-encoding that is not UTF-8');
  }
}

/** The query string's parameters; a repeated parameter is refused (which one would be meant?). */
export function parseQueryString(qs: string): Parsed<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of qs.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const key = decodeComponent(at < 0 ? part : part.slice(0, at));
    const value = decodeComponent(at < 0 ? '' : part.slice(at + 1));
    if (!key.ok) return key;
    if (!value.ok) return value;
    if (out.has(key.value)) return refuse(`the parameter ${JSON.stringify(key.value)} is given twice`);
    out.set(key.value, value.value);
  }
  return { ok: true, value: out };
}

/** Characters a partial label must have before its `*` (so one search cannot list everything). */
export const MIN_PARTIAL = 2;

/**
 * A search pattern (RFC 9082 §4.1): a name in which one label may end in `*`, matching any
 * trailing characters of that label (`exa*`, `exa*.com`, `ns*.example.net`). Labels without `*`
 * may be U-labels; the partial label must be ASCII (its A-label is unknown until it is complete).
 * Answers the pattern in A-labels with `*`, as core/glob.ts reads it.
 */
export function searchPattern(input: string): Parsed<string> {
  if (input.length > MAX_NAME + 1) return refuse(`the pattern is longer than ${MAX_NAME} characters`);
  if (controls.test(input)) return refuse('the pattern has control characters');
  const text = input.trim().replace(/\.$/, '');
  if (text === '') return refuse('the pattern is empty');
  const stars = [...text].filter((c) => c === '*').length;
  if (stars === 0) return lookupName(text);
  if (stars > 1) return refuse('a pattern may hold one * only');
  const labels = text.split('.');
  const partialAt = labels.findIndex((l) => l.includes('*'));
  const partial = labels[partialAt]!.toLowerCase();
  if (!partial.endsWith('*')) return refuse('* may only end a label (exa*.com)');
  const stem = partial.slice(0, -1);
  if (!/^[a-z0-9-]*$/.test(stem)) return refuse('the label with * must be ASCII letters, digits and hyphens (give IDN labels as A-labels: xn--…*)');
  if (stem.length < MIN_PARTIAL) return refuse(`the label with * needs at least ${MIN_PARTIAL} characters before it`);
  const rest = labels.slice(partialAt + 1);
  const before = labels.slice(0, partialAt);
  const out: string[] = [];
  for (const l of [...before, ...rest]) {
    // Each complete label is checked (and mapped to its A-label) with a stand-in parent name.
    const n = checkDomainName(`${l}.example`);
    if (!n.ok) return refuse(n.reason.replace('.example', ''));
    out.push(n.labels[0]!);
  }
  return { ok: true, value: [...out.slice(0, before.length), partial, ...out.slice(before.length)].join('.') };
}

/** An IP address of a search (nsIp, ip), in the canonical form the hosts table keeps. */
export function searchAddress(input: string): Parsed<string> {
  const s = input.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return { ok: true, value: ipaddr.IPv4.parse(s).toString() };
  if (!s.includes('%') && ipaddr.IPv6.isValid(s)) return { ok: true, value: ipaddr.IPv6.parse(s).toRFC5952String() };
  return refuse(`${JSON.stringify(s.slice(0, 64))} is not an IP address`);
}

/** Entity handles: contact handles (`CCOM-1234`) and the registrar's IANA id. */
export function entityHandle(input: string): Parsed<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(input)) return refuse('a handle is letters, digits, - and _ (at most 64)');
  return { ok: true, value: input.toUpperCase() };
}
