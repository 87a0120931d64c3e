import type { Reader, Writer } from './buffer.ts';
import { base32hex, fromBase32hex } from './base32.ts';
import { readTypeBitmap, writeTypeBitmap } from './type-bitmap.ts';
import { DecodeError, EncodeError, TYPE, type AnyRData } from './types.ts';

const utf8 = new TextDecoder('utf-8');

export function parseIPv4(text: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) {
    throw new EncodeError(`${JSON.stringify(text)} is not an IPv4 address`);
  }
  return Uint8Array.from(parts.map(Number));
}

export function formatIPv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

export function parseIPv6(text: string): Uint8Array {
  const bad = () => new EncodeError(`${JSON.stringify(text)} is not an IPv6 address`);
  let head = text;
  let v4: Uint8Array | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    try {
      v4 = parseIPv4(text.slice(lastColon + 1));
    } catch {
      throw bad();
    }
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) throw bad();
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const total = left.length + right.length;
  if (halves.length === 1 ? total !== 8 : total > 7) throw bad();
  const all = [...left, ...new Array<string>(8 - total).fill('0'), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw bad();
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

/** RFC 5952 canonical text: lowercase, no leading zeros, the longest run of ≥2 zero groups as '::'. */
export function formatIPv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((v) => v.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** A <character-string>: one length byte and at most 255 bytes. */
function charString(w: Writer, text: string | Uint8Array, what: string): void {
  const b = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  if (b.length > 255) throw new EncodeError(`${what} is ${b.length} bytes long (a character-string holds at most 255)`);
  w.u8(b.length);
  w.bytes(b);
}

function readCharString(r: Reader, end: number, what: string): string {
  const len = r.u8(what);
  if (r.pos + len > end) throw new DecodeError(`${what} runs past the end of its record`);
  return utf8.decode(r.bytes(len, what));
}

/** TXT strings longer than 255 bytes are split into consecutive character-strings, as zone files do. */
export function txtChunks(strings: readonly string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const s of strings) {
    const b = Buffer.from(s, 'utf8');
    if (b.length === 0) out.push(b);
    for (let i = 0; i < b.length; i += 255) out.push(b.subarray(i, i + 255));
  }
  if (out.length === 0) out.push(new Uint8Array(0));
  return out;
}

function hexToBytes(hex: string, what: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new EncodeError(`${what} ${JSON.stringify(hex)} is not an even number of hex digits`);
  return Buffer.from(hex, 'hex');
}

/**
 * Writes RDLENGTH and RDATA. Names are compressed only in the types of RFC 1035 (NS, CNAME,
 * PTR, MX, SOA); RFC 3597 §4 forbids it for every later type, whose names go out in full.
 */
export function writeRData(w: Writer, d: AnyRData): void {
  const lenAt = w.pos;
  w.u16(0);
  const start = w.pos;
  switch (d.type) {
    case 'A':
      w.bytes(parseIPv4(d.address));
      break;
    case 'AAAA':
      w.bytes(parseIPv6(d.address));
      break;
    case 'NS':
      w.name(d.host, true);
      break;
    case 'CNAME':
    case 'PTR':
      w.name(d.target, true);
      break;
    case 'MX':
      w.u16(d.preference);
      w.name(d.exchange, true);
      break;
    case 'TXT':
      for (const chunk of txtChunks(d.strings)) charString(w, chunk, 'a TXT string');
      break;
    case 'SRV':
      w.u16(d.priority);
      w.u16(d.weight);
      w.u16(d.port);
      w.name(d.target, false);
      break;
    case 'CAA': {
      if (!/^[a-zA-Z0-9]{1,255}$/.test(d.tag)) throw new EncodeError(`CAA tag ${JSON.stringify(d.tag)} must be 1-255 letters and digits`);
      w.u8(d.flags);
      charString(w, d.tag, 'the CAA tag');
      w.bytes(Buffer.from(d.value, 'utf8'));
      break;
    }
    case 'NAPTR':
      w.u16(d.order);
      w.u16(d.preference);
      charString(w, d.flags, 'the NAPTR flags');
      charString(w, d.service, 'the NAPTR service');
      charString(w, d.regexp, 'the NAPTR regexp');
      w.name(d.replacement, false);
      break;
    case 'SOA':
      w.name(d.mname, true);
      w.name(d.rname, true);
      w.u32(d.serial);
      w.u32(d.refresh);
      w.u32(d.retry);
      w.u32(d.expire);
      w.u32(d.minimum);
      break;
    case 'DS':
    case 'CDS':
      w.u16(d.keyTag);
      w.u8(d.algorithm);
      w.u8(d.digestType);
      w.bytes(hexToBytes(d.digest, 'the DS digest'));
      break;
    case 'DNSKEY':
    case 'CDNSKEY':
      w.u16(d.flags);
      w.u8(d.protocol);
      w.u8(d.algorithm);
      w.bytes(Buffer.from(d.publicKey, 'base64'));
      break;
    case 'RRSIG':
      writeRrsigHead(w, d, d.signer);
      w.bytes(Buffer.from(d.signature, 'base64'));
      break;
    case 'NSEC':
      w.name(d.next, false);
      writeTypeBitmap(w, d.types);
      break;
    case 'NSEC3':
    case 'NSEC3PARAM': {
      w.u8(d.hashAlgorithm);
      w.u8(d.flags);
      w.u16(d.iterations);
      charString(w, hexToBytes(d.salt, 'the NSEC3 salt'), 'the NSEC3 salt');
      if (d.type === 'NSEC3') {
        charString(w, fromBase32hex(d.next), 'the NSEC3 next hashed owner');
        writeTypeBitmap(w, d.types);
      }
      break;
    }
    case 'UNKNOWN':
      w.bytes(d.data);
      break;
  }
  w.patchU16(lenAt, w.pos - start);
}

/** Reads the RDATA of `type` that starts at the reader's position and is `length` bytes long. */
export function readRData(r: Reader, type: number, length: number): AnyRData {
  const start = r.pos;
  const end = start + length;
  if (end > r.buf.length) throw new DecodeError(`record data of ${length} bytes runs past the end of the message`);
  const done = <T extends AnyRData>(d: T): T => {
    if (r.pos !== end) throw new DecodeError(`${typeLabel(type)} record data is ${length} bytes but its fields take ${r.pos - start}`);
    return d;
  };
  switch (type) {
    case TYPE.A:
      if (length !== 4) throw new DecodeError(`an A record has 4 bytes of data, not ${length}`);
      return done({ type: 'A', address: formatIPv4(r.bytes(4)) });
    case TYPE.AAAA:
      if (length !== 16) throw new DecodeError(`an AAAA record has 16 bytes of data, not ${length}`);
      return done({ type: 'AAAA', address: formatIPv6(r.bytes(16)) });
    case TYPE.NS:
      return done({ type: 'NS', host: r.name() });
    case TYPE.CNAME:
      return done({ type: 'CNAME', target: r.name() });
    case TYPE.PTR:
      return done({ type: 'PTR', target: r.name() });
    case TYPE.MX:
      return done({ type: 'MX', preference: r.u16(), exchange: r.name() });
    case TYPE.TXT: {
      const strings: string[] = [];
      while (r.pos < end) strings.push(readCharString(r, end, 'a TXT string'));
      if (strings.length === 0) throw new DecodeError('a TXT record needs at least one string');
      return done({ type: 'TXT', strings });
    }
    case TYPE.SRV:
      return done({ type: 'SRV', priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() });
    case TYPE.CAA: {
      const flags = r.u8();
      const tagLen = r.u8();
      if (tagLen === 0 || r.pos + tagLen > end) throw new DecodeError('the CAA tag length is out of range');
      const tag = Buffer.from(r.bytes(tagLen)).toString('latin1');
      const value = utf8.decode(r.bytes(end - r.pos));
      return done({ type: 'CAA', flags, tag, value });
    }
    case TYPE.NAPTR: {
      const order = r.u16();
      const preference = r.u16();
      const flags = readCharString(r, end, 'the NAPTR flags');
      const service = readCharString(r, end, 'the NAPTR service');
      const regexp = readCharString(r, end, 'the NAPTR regexp');
      return done({ type: 'NAPTR', order, preference, flags, service, regexp, replacement: r.name() });
    }
    case TYPE.SOA:
      return done({ type: 'SOA', mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() });
    case TYPE.DS:
    case TYPE.CDS: {
      if (length < 4) throw new DecodeError(`a DS record has at least 4 bytes of data, not ${length}`);
      const keyTag = r.u16();
      const algorithm = r.u8();
      const digestType = r.u8();
      return done({ type: type === TYPE.DS ? 'DS' : 'CDS', keyTag, algorithm, digestType, digest: Buffer.from(r.bytes(end - r.pos)).toString('hex').toUpperCase() });
    }
    case TYPE.DNSKEY:
    case TYPE.CDNSKEY: {
      if (length < 4) throw new DecodeError(`a DNSKEY record has at least 4 bytes of data, not ${length}`);
      const flags = r.u16();
      const protocol = r.u8();
      const algorithm = r.u8();
      return done({ type: type === TYPE.DNSKEY ? 'DNSKEY' : 'CDNSKEY', flags, protocol, algorithm, publicKey: Buffer.from(r.bytes(end - r.pos)).toString('base64') });
    }
    case TYPE.RRSIG: {
      if (length < 18) throw new DecodeError(`an RRSIG record has at least 18 bytes of data, not ${length}`);
      const typeCovered = r.u16();
      const algorithm = r.u8();
      const labels = r.u8();
      const originalTtl = r.u32();
      const expiration = r.u32();
      const inception = r.u32();
      const keyTag = r.u16();
      const signer = r.name();
      if (r.pos > end) throw new DecodeError('the RRSIG signer name runs past the end of its record');
      return done({ type: 'RRSIG', typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signer, signature: Buffer.from(r.bytes(end - r.pos)).toString('base64') });
    }
    case TYPE.NSEC: {
      const next = r.name();
      if (r.pos > end) throw new DecodeError('the NSEC next name runs past the end of its record');
      return done({ type: 'NSEC', next, types: readTypeBitmap(r, end) });
    }
    case TYPE.NSEC3:
    case TYPE.NSEC3PARAM: {
      const hashAlgorithm = r.u8();
      const flags = r.u8();
      const iterations = r.u16();
      const saltLen = r.u8();
      if (r.pos + saltLen > end) throw new DecodeError('the NSEC3 salt runs past the end of its record');
      const salt = Buffer.from(r.bytes(saltLen)).toString('hex').toUpperCase();
      if (type === TYPE.NSEC3PARAM) return done({ type: 'NSEC3PARAM', hashAlgorithm, flags, iterations, salt });
      const hashLen = r.u8();
      if (hashLen === 0 || r.pos + hashLen > end) throw new DecodeError('the NSEC3 next hashed owner is out of range');
      const next = base32hex(r.bytes(hashLen));
      return done({ type: 'NSEC3', hashAlgorithm, flags, iterations, salt, next, types: readTypeBitmap(r, end) });
    }
    default:
      return done({ type: 'UNKNOWN', code: type, data: r.bytes(length) });
  }
}

function typeLabel(type: number): string {
  return `type ${type}`;
}

/** An RRSIG's fields but its signature: what a signer fills in before signing. */
export type RrsigFields = Omit<Extract<AnyRData, { type: 'RRSIG' }>, 'type' | 'signature'>;

/** An RRSIG's rdata up to and with the signer's name (RFC 4034 §3.1): also what its signature covers first. */
export function writeRrsigHead(w: Writer, d: RrsigFields, signer: string): void {
  w.u16(d.typeCovered);
  w.u8(d.algorithm);
  w.u8(d.labels);
  w.u32(d.originalTtl);
  w.u32(d.expiration);
  w.u32(d.inception);
  w.u16(d.keyTag);
  w.name(signer, false);
}
