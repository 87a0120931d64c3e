import { Writer } from '../wire/buffer.ts';
import { asciiLower, nameToLabels } from '../wire/name.ts';
import { writeRData, writeRrsigHead, type RrsigFields } from '../wire/rdata.ts';
import { CLASS, typeCodeOf, type AnyRData, type WireRecord } from '../wire/types.ts';

/**
 * The canonical forms DNSSEC signs and orders by (RFC 4034 §6): names uncompressed and in
 * lowercase, RRs of an RRset sorted by their rdata as octet strings.
 */

/** A name in canonical wire form (lowercase labels, no compression). */
export function canonicalName(name: string): Uint8Array {
  const w = new Writer(64, false);
  w.name(asciiLower(name), false);
  return w.finish();
}

/**
 * Rdata in canonical form. Every name our zones hold is lowercase already (src/zone/to-dns.ts
 * and nameKey), so writing uncompressed is the whole job; the names are lowered once more for
 * records that come from elsewhere.
 */
export function canonicalRdata(d: AnyRData): Uint8Array {
  const w = new Writer(128, false);
  writeRData(w, lowerNames(d));
  // writeRData puts RDLENGTH first; the rdata proper follows it.
  return w.finish().subarray(2);
}

function lowerNames(d: AnyRData): AnyRData {
  switch (d.type) {
    case 'NS':
      return { ...d, host: asciiLower(d.host) };
    case 'CNAME':
    case 'PTR':
      return { ...d, target: asciiLower(d.target) };
    case 'MX':
      return { ...d, exchange: asciiLower(d.exchange) };
    case 'SOA':
      return { ...d, mname: asciiLower(d.mname), rname: asciiLower(d.rname) };
    case 'SRV':
      return { ...d, target: asciiLower(d.target) };
    case 'NAPTR':
      return { ...d, replacement: asciiLower(d.replacement) };
    case 'RRSIG':
      return { ...d, signer: asciiLower(d.signer) };
    default:
      return d;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const lowered = (l: Uint8Array) => l.map((b) => (b >= 0x41 && b <= 0x5a ? b + 32 : b));

/** Canonical name order (RFC 4034 §6.1): label by label from the right, each as lowercase octets. */
export function compareNames(a: string, b: string): number {
  const la = nameToLabels(a).map(lowered);
  const lb = nameToLabels(b).map(lowered);
  for (let i = 1; i <= Math.min(la.length, lb.length); i++) {
    const c = compareBytes(la[la.length - i]!, lb[lb.length - i]!);
    if (c !== 0) return c;
  }
  return la.length - lb.length;
}

/** The RRs of one RRset in canonical order, duplicates dropped (RFC 4034 §6.3). */
export function canonicalOrder(rrs: readonly WireRecord[]): Array<{ rr: WireRecord; rdata: Uint8Array }> {
  const out = rrs.map((rr) => ({ rr, rdata: canonicalRdata(rr.data) })).sort((x, y) => compareBytes(x.rdata, y.rdata));
  return out.filter((x, i) => i === 0 || compareBytes(x.rdata, out[i - 1]!.rdata) !== 0);
}

/** RRSIG rdata fields without the signature: the first part of what is signed (RFC 4034 §3.1.8.1). */
export type { RrsigFields };

/**
 * The data an RRSIG signs: its own rdata up to the signer's name, then each RR of the set in
 * canonical order as owner | type | class | original TTL | rdlength | rdata. `owner` is the
 * name the RRset is signed under (the wildcard itself for a wildcard RRset).
 */
export function signedData(fields: RrsigFields, owner: string, rrs: readonly WireRecord[]): Uint8Array {
  const w = new Writer(512, false);
  writeRrsigHead(w, fields, asciiLower(fields.signer));
  const ownerWire = canonicalName(owner);
  for (const { rr, rdata } of canonicalOrder(rrs)) {
    w.bytes(ownerWire);
    w.u16(typeCodeOf(rr.data));
    w.u16(CLASS.IN);
    w.u32(fields.originalTtl);
    w.u16(rdata.length);
    w.bytes(rdata);
  }
  return w.finish();
}
