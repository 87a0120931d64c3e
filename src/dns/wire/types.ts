import type { RData, RRType } from '../zone-source.ts';
import type { ReceivedTsig } from './tsig.ts';

/** Type codes of the record types the codec knows by name (RFC 1035, 3596, 2782, 3403, 4034, 5155, 6891, 7344, 8659). */
export const TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  OPT: 41,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  NSEC3PARAM: 51,
  CDS: 59,
  CDNSKEY: 60,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  CAA: 257,
} as const;

/** Codes of the RData variants of the zone-source contract. */
export const rdataTypeCode: Record<RRType, number> = {
  A: TYPE.A,
  AAAA: TYPE.AAAA,
  NS: TYPE.NS,
  CNAME: TYPE.CNAME,
  PTR: TYPE.PTR,
  MX: TYPE.MX,
  TXT: TYPE.TXT,
  SRV: TYPE.SRV,
  CAA: TYPE.CAA,
  NAPTR: TYPE.NAPTR,
  SOA: TYPE.SOA,
  DS: TYPE.DS,
  CDS: TYPE.CDS,
  DNSKEY: TYPE.DNSKEY,
  CDNSKEY: TYPE.CDNSKEY,
  RRSIG: TYPE.RRSIG,
  NSEC: TYPE.NSEC,
  NSEC3: TYPE.NSEC3,
  NSEC3PARAM: TYPE.NSEC3PARAM,
};

const typeNames = new Map<number, string>(Object.entries(TYPE).map(([name, code]) => [code, name]));

/** Presentation name of a type code (`TYPE65` for the ones without a name, RFC 3597 §5). */
export function typeName(code: number): string {
  return typeNames.get(code) ?? `TYPE${code}`;
}

/** Inverse of typeName, accepting `TYPEnnn`. */
export function typeCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = (TYPE as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

export const CLASS = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const OPCODE = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/** Response codes; 16 and above need the EDNS extended-rcode bits. */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  NOTAUTH: 9,
  BADVERS: 16,
} as const;

/** A record of a type the codec has no structure for: the rdata bytes as they were (RFC 3597). */
export interface UnknownRData {
  type: 'UNKNOWN';
  code: number;
  data: Uint8Array;
}

export type AnyRData = RData | UnknownRData;

/** A resource record on the wire. Names are in presentation form without the trailing dot. */
export interface WireRecord {
  name: string;
  /** CLASS.IN for everything a zone holds. */
  class: number;
  ttl: number;
  data: AnyRData;
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

export interface EdnsOption {
  code: number;
  data: Uint8Array;
}

/** The OPT pseudo-record of RFC 6891, lifted out of the additional section. */
export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
  options: EdnsOption[];
}

export interface Message {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** The full response code: the header's 4 bits plus the OPT record's 8 extension bits. */
  rcode: number;
  questions: Question[];
  answers: WireRecord[];
  authorities: WireRecord[];
  /** Without the OPT record, which is in `edns`, and the TSIG record, which is in `tsig`. */
  additionals: WireRecord[];
  edns?: Edns;
  /** The TSIG record that ended the message (decoded messages only; signing is a step of its own, see tsig.ts). */
  tsig?: ReceivedTsig;
}

/** Thrown by the decoder for anything malformed; the server answers FORMERR to it. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Thrown by the encoder for values that cannot be put on the wire (a 64-byte label, a bad address…). */
export class EncodeError extends Error {
  override name = 'EncodeError';
}

export function typeCodeOf(data: AnyRData): number {
  return data.type === 'UNKNOWN' ? data.code : rdataTypeCode[data.type];
}

export function emptyMessage(id = 0): Message {
  return { id, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, rcode: 0, questions: [], answers: [], authorities: [], additionals: [] };
}
