import { isAtOrBelow, nameKey } from '../wire/name.ts';
import { RCODE, TYPE, type WireRecord } from '../wire/types.ts';
import type { IndexedZone, Node } from './zone-index.ts';

/** What the lookup decided; the handler turns it into a message within the transport's size limit. */
export interface Resolution {
  rcode: number;
  /** False only for referrals: the data below a cut is not ours. */
  aa: boolean;
  answers: WireRecord[];
  authority: WireRecord[];
  /** Additional RRsets that must fit or the reply is truncated (glue below a delegation, RFC 9471). */
  requiredAdditional: WireRecord[][];
  /** Additional RRsets left out silently when they do not fit (addresses of MX/SRV/NS targets). */
  optionalAdditional: WireRecord[][];
}

/** CNAME chains inside one zone stop after this many links (loops stop at once). */
const MAX_CHAIN = 12;

/**
 * The authoritative part of RFC 1034 §4.3.2, for one zone: delegations (referral with glue; DS
 * answered from this side of the cut), exact matches, CNAME chains within the zone, empty
 * non-terminals (NODATA), wildcards per RFC 4592, NXDOMAIN. Negative answers carry the SOA with
 * the negative-caching TTL (RFC 2308); after a CNAME the rcode is that of the last link (RFC 6604).
 */
export function resolve(zone: IndexedZone, qname: string, qtype: number): Resolution {
  const res: Resolution = { rcode: RCODE.NOERROR, aa: true, answers: [], authority: [], requiredAdditional: [], optionalAdditional: [] };
  let name = nameKey(qname);
  const visited = new Set<string>();
  for (let hop = 0; hop < MAX_CHAIN; hop++) {
    visited.add(name);
    const cut = zone.cutAt(name);
    if (cut !== undefined && !(qtype === TYPE.DS && cut === name)) {
      if (res.answers.length === 0) referral(zone, cut, res);
      return res;
    }
    let node: Node | undefined = zone.node(name);
    if (!node) {
      if (zone.exists(name)) return negative(zone, res, RCODE.NOERROR);
      const encloser = zone.closestEncloser(name);
      node = zone.node(encloser === '' ? '*' : `*.${encloser}`);
      if (!node) return negative(zone, res, RCODE.NXDOMAIN);
    }
    const owner = name;
    const own = (set: WireRecord[]) => (set[0]!.name === owner ? set : set.map((r) => ({ ...r, name: owner })));
    if (qtype === TYPE.ANY) {
      for (const set of node.values()) {
        res.answers.push(...own(set));
        additionalFor(zone, set, res);
      }
      return res;
    }
    const set = node.get(qtype);
    if (set) {
      res.answers.push(...own(set));
      additionalFor(zone, set, res);
      return res;
    }
    const cname = node.get(TYPE.CNAME);
    if (cname && qtype !== TYPE.CNAME) {
      res.answers.push(...own(cname));
      const data = cname[0]!.data;
      const target = nameKey(data.type === 'CNAME' ? data.target : '');
      // Outside this zone the resolver follows the chain itself; a loop ends here.
      if (!isAtOrBelow(target, zone.origin) || visited.has(target)) return res;
      name = target;
      continue;
    }
    return negative(zone, res, RCODE.NOERROR);
  }
  return res;
}

function negative(zone: IndexedZone, res: Resolution, rcode: number): Resolution {
  res.rcode = rcode;
  res.authority = [zone.negativeSoa];
  return res;
}

function referral(zone: IndexedZone, cut: string, res: Resolution): void {
  res.aa = false;
  const ns = zone.rrset(cut, TYPE.NS)!;
  res.authority = ns;
  for (const r of ns) {
    if (r.data.type !== 'NS') continue;
    const host = nameKey(r.data.host);
    if (!isAtOrBelow(host, zone.origin)) continue;
    const list = isAtOrBelow(host, cut) ? res.requiredAdditional : res.optionalAdditional;
    for (const t of [TYPE.A, TYPE.AAAA]) {
      const glue = zone.rrset(host, t);
      if (glue) list.push(glue);
    }
  }
}

/** Addresses of in-zone MX, SRV and NS targets that are not below a delegation. */
function additionalFor(zone: IndexedZone, set: WireRecord[], res: Resolution): void {
  for (const r of set) {
    const d = r.data;
    const target = d.type === 'MX' ? d.exchange : d.type === 'SRV' ? d.target : d.type === 'NS' ? d.host : undefined;
    if (target === undefined) continue;
    const host = nameKey(target);
    if (!isAtOrBelow(host, zone.origin) || zone.cutAt(host) !== undefined) continue;
    for (const t of [TYPE.A, TYPE.AAAA]) {
      const addr = zone.rrset(host, t);
      if (addr && !res.optionalAdditional.includes(addr)) res.optionalAdditional.push(addr);
    }
  }
}
