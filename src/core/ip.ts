import ipaddr from 'ipaddr.js';
import { ipv4SpecialRanges, ipv6SpecialRanges, type SpecialRange } from './data/ip-special-purpose.ts';

/**
 * Glue address rules (registry-rules §1.6): IPv4 in dotted decimal without leading zeros, IPv6
 * per RFC 4291 (short notation accepted, RFC 5952 canonical form stored), and only globally
 * reachable unicast space: nothing from the IANA special-purpose registries that is not
 * globally reachable, no multicast, and for IPv6 nothing outside 2000::/3.
 */
export type IpFamily = 'ipv4' | 'ipv6';

export type IpCheck =
  | { ok: true; family: IpFamily; address: string }
  /** syntax: not an address of the wanted family; policy: an address, but not usable as glue. */
  | { ok: false; kind: 'syntax' | 'policy'; reason: string };

interface CompiledRange extends SpecialRange {
  readonly net: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

const compile = (list: readonly SpecialRange[]): CompiledRange[] =>
  list
    .map((r) => ({ ...r, net: ipaddr.parseCIDR(r.prefix) }))
    // Most specific first, so the first match decides.
    .sort((a, b) => b.net[1] - a.net[1]);

const v4Ranges = compile(ipv4SpecialRanges);
const v6Ranges = compile(ipv6SpecialRanges);
const globalUnicast6 = ipaddr.parseCIDR('2000::/3');

/** The special-purpose block an address falls in (most specific), if any. */
export function specialRangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): SpecialRange | undefined {
  const ranges = address.kind() === 'ipv4' ? v4Ranges : v6Ranges;
  return ranges.find((r) => r.net[0].kind() === address.kind() && address.match(r.net as [typeof address, number]));
}

/** Parses one address of the given family (or either) and checks it is usable as glue. */
export function checkGlueAddress(text: string, family?: IpFamily): IpCheck {
  const s = text.trim();
  if (s === '') return { ok: false, kind: 'syntax', reason: 'empty address' };
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) {
    addr = ipaddr.IPv4.parse(s);
  } else if (!s.includes('%') && ipaddr.IPv6.isValid(s)) {
    addr = ipaddr.IPv6.parse(s);
  } else if (/^[\d.]+$/.test(s)) {
    return { ok: false, kind: 'syntax', reason: `${s} is not an IPv4 address in dotted decimal (four numbers 0-255, no leading zeros)` };
  } else {
    return { ok: false, kind: 'syntax', reason: `${s} is not an IP address` };
  }
  const kind: IpFamily = addr.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
  if (family && family !== kind) {
    return { ok: false, kind: 'syntax', reason: `${s} is an ${kind === 'ipv4' ? 'IPv4' : 'IPv6'} address where an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address is expected` };
  }
  const special = specialRangeOf(addr);
  if (special && !special.reachable) return { ok: false, kind: 'policy', reason: `${s} is in IANA special-purpose range ${special.prefix} (${special.name})` };
  if (kind === 'ipv6' && !special && !(addr as ipaddr.IPv6).match(globalUnicast6 as [ipaddr.IPv6, number])) {
    return { ok: false, kind: 'policy', reason: `${s} is not global unicast IPv6 (outside 2000::/3)` };
  }
  if (kind === 'ipv6' && special?.reachable && !(addr as ipaddr.IPv6).match(globalUnicast6 as [ipaddr.IPv6, number])) {
    return { ok: false, kind: 'policy', reason: `${s} is in ${special.prefix} (${special.name}), which is not usable as a name server address` };
  }
  const address = kind === 'ipv4' ? addr.toString() : (addr as ipaddr.IPv6).toRFC5952String();
  return { ok: true, family: kind, address };
}

/**
 * Splits a comma-separated list of addresses of one family and checks each; duplicates (after
 * canonicalisation) collapse. Returns the canonical list or every reason it was refused.
 */
export function parseAddressList(text: string, family: IpFamily): { ok: true; addresses: string[] } | { ok: false; kind: 'syntax' | 'policy'; reasons: string[] } {
  const reasons: string[] = [];
  let kind: 'syntax' | 'policy' = 'policy';
  const out: string[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const r = checkGlueAddress(part, family);
    if (!r.ok) {
      reasons.push(r.reason);
      if (r.kind === 'syntax') kind = 'syntax';
    }
    else if (!out.includes(r.address)) out.push(r.address);
  }
  return reasons.length ? { ok: false, kind, reasons } : { ok: true, addresses: out };
}

/**
 * The address a client is counted under (connection caps, guessing limits): IPv4 as it is
 * (IPv4-mapped IPv6 too), IPv6 by its /64, the smallest prefix one subscriber gets, so one host
 * cannot dodge a limit by rotating addresses.
 */
export function clientPrefix(remote: string | undefined): string {
  if (!remote) return '?';
  try {
    const a = ipaddr.process(remote.replace(/%.*$/, ''));
    if (a.kind() === 'ipv4') return a.toString();
    return `${(a as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
  } catch {
    return remote;
  }
}
