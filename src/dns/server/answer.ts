import { isAtOrBelow, nameKey } from '../wire/name.ts';
import { RCODE, TYPE, typeCodeOf, type WireRecord } from '../wire/types.ts';
import { denialRecords, type Proof } from './denial.ts';
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
 * With `dnssec` (the query set DO and the zone is signed) every RRset comes with its RRSIGs and
 * the authority section with the NSEC/NSEC3 proofs (RFC 4035 §3.1).
 */
export function resolve(zone: IndexedZone, qname: string, qtype: number, dnssec = false): Resolution {
  return lookup(zone, qname, qtype, dnssec && zone.denial !== undefined);
}

function lookup(zone: IndexedZone, qname: string, qtype: number, signed: boolean): Resolution {
  const res: Resolution = { rcode: RCODE.NOERROR, aa: true, answers: [], authority: [], requiredAdditional: [], optionalAdditional: [] };
  let name = nameKey(qname);
  const visited = new Set<string>();
  for (let hop = 0; hop < MAX_CHAIN; hop++) {
    visited.add(name);
    const cut = zone.cutAt(name);
    if (cut !== undefined && !(qtype === TYPE.DS && cut === name)) {
      if (res.answers.length === 0) referral(zone, cut, res, signed);
      return res;
    }
    let node: Node | undefined = zone.node(name);
    let encloser: string | undefined;
    if (!node) {
      if (zone.exists(name)) return negative(zone, res, RCODE.NOERROR, signed && { kind: 'nodata', name });
      encloser = zone.closestEncloser(name);
      node = zone.node(encloser === '' ? '*' : `*.${encloser}`);
      if (!node) return negative(zone, res, RCODE.NXDOMAIN, signed && { kind: 'nxdomain', name, encloser });
    }
    const owner = name;
    const own = (set: WireRecord[]) => {
      res.answers.push(...(set[0]!.name === owner ? set : set.map((r) => ({ ...r, name: owner }))));
      if (!signed) return;
      // A synthesised answer keeps the wildcard's signatures (their label count tells the validator).
      for (const sig of zone.sigsFor(set[0]!.name, typeCodeOf(set[0]!.data))) res.answers.push(sig.name === owner ? sig : { ...sig, name: owner });
    };
    const proveWildcard = () => {
      if (signed && encloser !== undefined) res.authority.push(...denialRecords(zone, { kind: 'wildcard', name, encloser }));
    };
    if (qtype === TYPE.ANY) {
      for (const set of node.values()) {
        own(set);
        additionalFor(zone, set, res);
      }
      proveWildcard();
      return res;
    }
    // RRSIGs live beside their RRsets, not in the node: a query for them gets all of the name's (RFC 4035 §3.1.5 allows it).
    if (qtype === TYPE.RRSIG && zone.denial !== undefined && encloser === undefined) {
      const sigs = zone.allSigsAt(name);
      if (sigs.length > 0) {
        res.answers.push(...sigs);
        return res;
      }
    }
    const set = node.get(qtype);
    if (set) {
      own(set);
      additionalFor(zone, set, res);
      proveWildcard();
      return res;
    }
    const cname = node.get(TYPE.CNAME);
    if (cname && qtype !== TYPE.CNAME) {
      own(cname);
      proveWildcard();
      const data = cname[0]!.data;
      const target = nameKey(data.type === 'CNAME' ? data.target : '');
      // Outside this zone the resolver follows the chain itself; a loop ends here.
      if (!isAtOrBelow(target, zone.origin) || visited.has(target)) return res;
      name = target;
      continue;
    }
    return negative(zone, res, RCODE.NOERROR, signed && (encloser === undefined ? { kind: 'nodata', name } : { kind: 'wildcard-nodata', name, encloser }));
  }
  return res;
}

function negative(zone: IndexedZone, res: Resolution, rcode: number, proof: Proof | false): Resolution {
  res.rcode = rcode;
  res.authority = [zone.negativeSoa];
  if (proof) res.authority.push(...zone.sigsFor(zone.origin, TYPE.SOA).map((s) => ({ ...s, ttl: zone.negativeSoa.ttl })), ...denialRecords(zone, proof));
  return res;
}

function referral(zone: IndexedZone, cut: string, res: Resolution, signed: boolean): void {
  res.aa = false;
  const ns = zone.rrset(cut, TYPE.NS)!;
  res.authority = ns;
  if (signed) {
    // The DS (signed) says the child is signed; its proven absence says it is not (RFC 4035 §3.1.4).
    const ds = zone.rrset(cut, TYPE.DS);
    res.authority = [...ns, ...(ds ? [...ds, ...zone.sigsFor(cut, TYPE.DS)] : denialRecords(zone, { kind: 'insecure-referral', name: cut }))];
  }
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
