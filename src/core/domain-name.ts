import { toASCII, toUnicode, type Tr46Options } from 'tr46';

/**
 * Domain and host names: UTS #46 strict processing (tr46, non-transitional, STD3 rules, hyphen,
 * joiner and bidi checks, DNS lengths). Names are stored as lowercase A-labels without the
 * trailing dot; the U-label form is for display.
 */
const strict: Tr46Options = { checkBidi: true, checkHyphens: true, checkJoiners: true, useSTD3ASCIIRules: true, transitionalProcessing: false };

export type NameCheck = { ok: true; ascii: string; unicode: string; labels: string[] } | { ok: false; reason: string };

/** Names checked lately: one request checks the same names several times (params, services, registry). */
const checked = new Map<string, NameCheck>();
const CHECKED_MAX = 4096;

/** Checks and normalises a DNS name (one trailing dot allowed). The answer is frozen (it is shared). */
export function checkDomainName(input: string): NameCheck {
  const known = checked.get(input);
  if (known) return known;
  const result = deepFreeze(checkUncached(input));
  if (checked.size >= CHECKED_MAX) checked.clear();
  checked.set(input, result);
  return result;
}

function deepFreeze(c: NameCheck): NameCheck {
  if (c.ok) Object.freeze(c.labels);
  return Object.freeze(c);
}

function checkUncached(input: string): NameCheck {
  let s = input.trim();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (s === '') return { ok: false, reason: 'empty name' };
  if (/\s/.test(s)) return { ok: false, reason: `${JSON.stringify(input)} contains white space` };
  // IDNA maps the ideographic full stops to '.', so split only after mapping.
  const ascii = toASCII(s, { ...strict, verifyDNSLength: true });
  if (ascii === null) return { ok: false, reason: explain(s) };
  const labels = ascii.split('.');
  // tr46 accepts "xn--" labels whose decoding is invalid only when told to ignore that; be sure.
  const uni = toUnicode(ascii, strict);
  if (uni.error) return { ok: false, reason: `${s} has an A-label that does not decode to a valid IDNA label` };
  return { ok: true, ascii, unicode: uni.domain, labels };
}

/** A readable reason for a name tr46 refused; the common mistakes first. */
function explain(s: string): string {
  const labels = s.split('.');
  if (s.length > 253) return `${s.slice(0, 40)}… is longer than 253 characters`;
  for (const l of labels) {
    if (l === '') return `${s} has an empty label`;
    if (l.length > 63) return `label ${l.slice(0, 20)}… is longer than 63 characters`;
    if (/^[\x00-\x7f]*$/.test(l)) {
      if (/[^a-z0-9-]/i.test(l)) return `label ${l} has a character other than letters, digits and hyphen`;
      if (l.startsWith('-') || l.endsWith('-')) return `label ${l} starts or ends with a hyphen`;
      if (l.slice(2, 4) === '--' && !/^xn--/i.test(l)) return `label ${l} has hyphens in the third and fourth position`;
      if (/^xn--/i.test(l)) return `label ${l} is not valid Punycode for an IDNA label`;
    }
  }
  return `${s} is not a valid internationalised domain name (UTS #46 strict)`;
}

/** The longest entry of `suffixes` that `name` (an A-label) ends with, e.g. `co.uk` before `uk`. */
export function matchSuffix(name: string, suffixes: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const t of suffixes) {
    if ((name === t || name.endsWith(`.${t}`)) && (best === undefined || t.length > best.length)) best = t;
  }
  return best;
}

/**
 * Splits a name under one of `tlds` into the registrable domain (one label under the TLD) and
 * what lies below it. `example.co.uk` → domain `example.co.uk`, below ''. Undefined when the name
 * is not under any of them or is the TLD itself.
 */
export function registrableDomain(name: string, tlds: Iterable<string>): { tld: string; domain: string; label: string; below: string } | undefined {
  const tld = matchSuffix(name, tlds);
  if (tld === undefined || name === tld) return undefined;
  const rest = name.slice(0, -(tld.length + 1)).split('.');
  const label = rest.pop()!;
  return { tld, domain: `${label}.${tld}`, label, below: rest.join('.') };
}
