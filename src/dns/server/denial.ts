import { parentName } from '../wire/name.ts';
import { TYPE, type WireRecord } from '../wire/types.ts';
import type { IndexedZone } from './zone-index.ts';

/**
 * The NSEC or NSEC3 records (with their RRSIGs) that a signed answer carries in its authority
 * section to prove what does not exist (RFC 4035 §3.1.3, RFC 5155 §7.2). `name` is the name
 * looked at, `encloser` the closest existing ancestor when the name does not exist.
 */
export type Proof =
  | { kind: 'nxdomain'; name: string; encloser: string }
  | { kind: 'nodata'; name: string }
  /** An answer synthesised from `*.encloser`: the name itself does not exist. */
  | { kind: 'wildcard'; name: string; encloser: string }
  | { kind: 'wildcard-nodata'; name: string; encloser: string }
  /** A delegation without DS: no DS at the cut. */
  | { kind: 'insecure-referral'; name: string };

/** The name one label below `encloser` on the way to `name` (RFC 5155 §1.3 "next closer name"). */
function nextCloser(name: string, encloser: string): string {
  let n = name;
  while (parentName(n) !== encloser && n !== '') n = parentName(n);
  return n;
}

const wildcardOf = (encloser: string) => (encloser === '' ? '*' : `*.${encloser}`);

export function denialRecords(zone: IndexedZone, p: Proof): WireRecord[] {
  const sets: Array<WireRecord[] | undefined> = [];
  if (zone.denial === 'nsec3') {
    switch (p.kind) {
      case 'nxdomain':
        sets.push(zone.nsec3Matching(p.encloser), zone.nsec3Covering(nextCloser(p.name, p.encloser)), zone.nsec3Covering(wildcardOf(p.encloser)));
        break;
      case 'nodata':
      case 'insecure-referral':
        sets.push(zone.nsec3Matching(p.name));
        break;
      case 'wildcard':
        sets.push(zone.nsec3Covering(nextCloser(p.name, p.encloser)));
        break;
      case 'wildcard-nodata':
        sets.push(zone.nsec3Matching(p.encloser), zone.nsec3Covering(nextCloser(p.name, p.encloser)), zone.nsec3Matching(wildcardOf(p.encloser)));
        break;
    }
  } else if (zone.denial === 'nsec') {
    const at = (n: string) => {
      const own = zone.rrset(n, TYPE.NSEC);
      return own && [...own, ...zone.sigsFor(n, TYPE.NSEC)];
    };
    switch (p.kind) {
      case 'nxdomain':
        sets.push(zone.nsecCovering(p.name), zone.nsecCovering(wildcardOf(p.encloser)));
        break;
      case 'nodata':
      case 'insecure-referral':
        // An empty non-terminal has no NSEC of its own: the one before it covers it.
        sets.push(at(p.name) ?? zone.nsecCovering(p.name));
        break;
      case 'wildcard':
        sets.push(zone.nsecCovering(p.name));
        break;
      case 'wildcard-nodata':
        sets.push(zone.nsecCovering(p.name), at(wildcardOf(p.encloser)));
        break;
    }
  }
  // One record may prove two things (the same NSEC3 covers the next closer name and the wildcard).
  const out: WireRecord[] = [];
  const seen = new Set<WireRecord>();
  for (const set of sets) for (const rr of set ?? []) if (!seen.has(rr)) (seen.add(rr), out.push(rr));
  return out;
}
