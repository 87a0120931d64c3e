import { createHmac, timingSafeEqual } from 'node:crypto';
import { Reader, Writer } from './buffer.ts';
import { nameKey } from './name.ts';
import { CLASS, DecodeError, TYPE, type Message } from './types.ts';

/**
 * TSIG (RFC 8945): HMAC signatures over whole DNS messages with a secret shared between two
 * servers. This module holds the record codec and the MAC computations for both sides: a
 * server verifying a request and signing its answers (one or many messages), a client signing a
 * request and verifying the answers.
 */

export const TSIG_ALGORITHMS = {
  'hmac-sha1': { hash: 'sha1', size: 20 },
  'hmac-sha224': { hash: 'sha224', size: 28 },
  'hmac-sha256': { hash: 'sha256', size: 32 },
  'hmac-sha384': { hash: 'sha384', size: 48 },
  'hmac-sha512': { hash: 'sha512', size: 64 },
} as const;
export type TsigAlgorithm = keyof typeof TSIG_ALGORITHMS;

/** The TSIG error field (RFC 8945 §3): its own space, carried in the TSIG record, not the header. */
export const TSIG_ERROR = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

/** Seconds of clock difference tolerated (RFC 8945 §10 recommends 300). */
export const TSIG_FUDGE = 300;

export interface TsigKey {
  /** Canonical: lowercase, no trailing dot. */
  name: string;
  algorithm: TsigAlgorithm;
  secret: Uint8Array;
}

/** The RDATA of a TSIG record. */
export interface TsigData {
  algorithm: string;
  /** UNIX seconds (48 bits on the wire). */
  timeSigned: number;
  fudge: number;
  mac: Uint8Array;
  originalId: number;
  error: number;
  other: Uint8Array;
}

/** A TSIG record as found at the end of a received message. */
export interface ReceivedTsig {
  /** Where the record starts in the message bytes: everything before it is what was signed. */
  offset: number;
  keyName: string;
  data: TsigData;
}

/** Parses `name:algorithm:base64secret` (several separated by commas or new lines). Throws with the bad entry named. */
export function parseTsigKeys(text: string): TsigKey[] {
  const keys: TsigKey[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const entry = raw.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    const [name, algorithm, secret, ...rest] = entry.split(':');
    const alg = algorithm?.toLowerCase();
    const bad = (why: string) => new Error(`TSIG key ${JSON.stringify(entry.replace(/:[^:]*$/, ':…'))}: ${why}`);
    if (rest.length > 0 || !name || !alg || secret === undefined) throw bad('must be name:algorithm:base64-secret');
    if (!(alg in TSIG_ALGORITHMS)) throw bad(`unknown algorithm (one of ${Object.keys(TSIG_ALGORITHMS).join(', ')})`);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) throw bad('the secret is not base64');
    const key = nameKey(name.replace(/\.$/, ''));
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(key)) throw bad('the name must be a domain name (letters, digits, - and _)');
    if (keys.some((k) => k.name === key)) throw bad('defined twice');
    keys.push({ name: key, algorithm: alg as TsigAlgorithm, secret: Buffer.from(secret, 'base64') });
  }
  return keys;
}

export function readTsigData(bytes: Uint8Array): TsigData {
  const r = new Reader(bytes);
  const algorithm = nameKey(r.name());
  const high = r.u16('the TSIG time');
  const low = r.u32('the TSIG time');
  const fudge = r.u16('the TSIG fudge');
  const mac = r.bytes(r.u16('the TSIG MAC size'), 'the TSIG MAC');
  const originalId = r.u16('the TSIG original id');
  const error = r.u16('the TSIG error');
  const other = r.bytes(r.u16('the TSIG other length'), 'the TSIG other data');
  if (r.remaining !== 0) throw new DecodeError('bytes after the TSIG record data');
  return { algorithm, timeSigned: high * 2 ** 32 + low, fudge, mac, originalId, error, other };
}

function u48(w: Writer, v: number): void {
  w.u16(Math.floor(v / 2 ** 32) & 0xffff);
  w.u32(v >>> 0);
}

/** Names in TSIG input go in canonical form: lowercase, uncompressed (RFC 8945 §4.3.3). */
function canonicalName(w: Writer, name: string): void {
  w.name(nameKey(name), false);
}

/** The TSIG variables of RFC 8945 §4.3.3, or only the timers (§4.3.1) for later messages of a stream. */
function variables(keyName: string, d: TsigData, timersOnly: boolean): Uint8Array {
  const w = new Writer(128);
  if (!timersOnly) {
    canonicalName(w, keyName);
    w.u16(CLASS.ANY);
    w.u32(0);
    canonicalName(w, d.algorithm);
  }
  u48(w, d.timeSigned);
  w.u16(d.fudge);
  if (!timersOnly) {
    w.u16(d.error);
    w.u16(d.other.length);
    w.bytes(d.other);
  }
  return w.finish();
}

function lengthPrefixed(mac: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + mac.length);
  out[0] = mac.length >> 8;
  out[1] = mac.length & 0xff;
  out.set(mac, 2);
  return out;
}

function computeMac(key: TsigKey, parts: Uint8Array[]): Uint8Array {
  const h = createHmac(TSIG_ALGORITHMS[key.algorithm].hash, key.secret);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

function tsigRecord(keyName: string, d: TsigData): Uint8Array {
  const w = new Writer(128);
  w.name(keyName, false);
  w.u16(TYPE.TSIG);
  w.u16(CLASS.ANY);
  w.u32(0);
  const lenAt = w.pos;
  w.u16(0);
  const start = w.pos;
  canonicalName(w, d.algorithm);
  u48(w, d.timeSigned);
  w.u16(d.fudge);
  w.u16(d.mac.length);
  w.bytes(d.mac);
  w.u16(d.originalId);
  w.u16(d.error);
  w.u16(d.other.length);
  w.bytes(d.other);
  w.patchU16(lenAt, w.pos - start);
  return w.finish();
}

/** Bytes a TSIG record of `key` adds to a message (for size limits), with `other` bytes of other data. */
export function tsigSize(key: Pick<TsigKey, 'name' | 'algorithm'>, other = 0): number {
  return tsigRecord(key.name, { algorithm: key.algorithm, timeSigned: 0, fudge: 0, mac: new Uint8Array(TSIG_ALGORITHMS[key.algorithm].size), originalId: 0, error: 0, other: new Uint8Array(other) }).length;
}

/** `msg` with `record` appended to its additional section (ARCOUNT + 1). */
function appendRecord(msg: Uint8Array, record: Uint8Array): Uint8Array {
  const out = new Uint8Array(msg.length + record.length);
  out.set(msg);
  out.set(record, msg.length);
  const ar = ((msg[10]! << 8) | msg[11]!) + 1;
  out[10] = ar >> 8;
  out[11] = ar & 0xff;
  return out;
}

/** The signed part of a received message: without its TSIG record, ARCOUNT one less, the original id (RFC 8945 §4.3.2). */
function unsignedPart(msg: Uint8Array, tsig: ReceivedTsig): Uint8Array {
  const out = new Uint8Array(msg.subarray(0, tsig.offset));
  out[0] = tsig.data.originalId >> 8;
  out[1] = tsig.data.originalId & 0xff;
  const ar = ((out[10]! << 8) | out[11]!) - 1;
  out[10] = ar >> 8;
  out[11] = ar & 0xff;
  return out;
}

export interface SignOptions {
  /** UNIX seconds. */
  now: number;
  error?: number;
  other?: Uint8Array;
  /** Sent as the record's time (BADTIME answers echo the request's). */
  timeSigned?: number;
}

/**
 * The TSIG record of an answer to a request whose key is unknown or whose MAC is wrong: the
 * request's key and algorithm names echoed, the error set, no MAC (RFC 8945 §5.3.2).
 */
export function unsignedError(msg: Uint8Array, request: ReceivedTsig, error: number, now: number): Uint8Array {
  const id = (msg[0]! << 8) | msg[1]!;
  const d: TsigData = { algorithm: request.data.algorithm, timeSigned: now, fudge: TSIG_FUDGE, mac: new Uint8Array(0), originalId: id, error, other: new Uint8Array(0) };
  return appendRecord(msg, tsigRecord(request.keyName, d));
}

/**
 * Signs a sequence of messages with one key: a request (no `requestMac`), or the answers to a
 * request whose MAC is `requestMac`. The first message covers the request MAC and every TSIG
 * variable; each later one covers the MAC before it and the timers only (RFC 8945 §5.3.1).
 */
export class TsigSigner {
  private prior: Uint8Array | undefined;
  private count = 0;
  readonly key: TsigKey;

  constructor(key: TsigKey, requestMac?: Uint8Array) {
    this.key = key;
    this.prior = requestMac;
  }

  /** The MAC of the last message signed. */
  get mac(): Uint8Array {
    return this.prior ?? new Uint8Array(0);
  }

  sign(msg: Uint8Array, o: SignOptions): Uint8Array {
    const id = (msg[0]! << 8) | msg[1]!;
    const d: TsigData = { algorithm: this.key.algorithm, timeSigned: o.timeSigned ?? o.now, fudge: TSIG_FUDGE, mac: new Uint8Array(0), originalId: id, error: o.error ?? 0, other: o.other ?? new Uint8Array(0) };
    const parts = [...(this.prior ? [lengthPrefixed(this.prior)] : []), msg, variables(this.key.name, d, this.count > 0)];
    d.mac = computeMac(this.key, parts);
    this.prior = d.mac;
    this.count++;
    return appendRecord(msg, tsigRecord(this.key.name, d));
  }
}

export interface TsigCheck {
  /** 0, or the TSIG error to answer with. */
  error: number;
  /** The key, once known (absent for BADKEY). */
  key?: TsigKey;
  /** The MAC size is impossible: the request is answered FORMERR. */
  formerr?: boolean;
}

/**
 * Verifies one received, signed message: the key by name and algorithm (BADKEY), the MAC
 * (BADSIG; a truncated MAC is refused with BADTRUNC, a MAC shorter than RFC 8945 §5.2.2.1
 * allows is FORMERR), then the time (BADTIME). `prior` is the request MAC for the first answer
 * of a stream, the previous answer's MAC after that (`timersOnly`).
 */
export function verifyTsig(msg: Uint8Array, tsig: ReceivedTsig, keys: ReadonlyMap<string, TsigKey>, now: number, prior?: { mac: Uint8Array; timersOnly: boolean }): TsigCheck {
  const key = keys.get(tsig.keyName);
  if (!key || key.algorithm !== tsig.data.algorithm) return { error: TSIG_ERROR.BADKEY };
  const size = TSIG_ALGORITHMS[key.algorithm].size;
  const got = tsig.data.mac;
  if (got.length > size || got.length < Math.max(10, size / 2)) return { formerr: true, error: TSIG_ERROR.BADSIG };
  const parts = [...(prior ? [lengthPrefixed(prior.mac)] : []), unsignedPart(msg, tsig), variables(tsig.keyName, tsig.data, prior?.timersOnly ?? false)];
  const want = computeMac(key, parts).subarray(0, got.length);
  if (!timingSafeEqual(want, got)) return { error: TSIG_ERROR.BADSIG, key };
  if (got.length < size) return { error: TSIG_ERROR.BADTRUNC, key };
  if (Math.abs(now - tsig.data.timeSigned) > tsig.data.fudge) return { error: TSIG_ERROR.BADTIME, key };
  return { error: 0, key };
}

/** Other data of a BADTIME answer: our clock, 48 bits. */
export function timeOther(now: number): Uint8Array {
  const w = new Writer(6);
  u48(w, now);
  return w.finish();
}

/**
 * Verifies the answers of a signed request, message by message (client side: NOTIFY acks, zone
 * transfers in tests). Every message must be signed (we never accept the unsigned messages
 * RFC 8945 §5.3.1 would allow in between).
 */
export class TsigVerifier {
  private prior: Uint8Array;
  private first = true;
  private readonly keys: ReadonlyMap<string, TsigKey>;

  constructor(key: TsigKey, requestMac: Uint8Array) {
    this.keys = new Map([[key.name, key]]);
    this.prior = requestMac;
  }

  /** The TSIG error (0 when the message verifies); a message without TSIG answers BADSIG. */
  verify(msg: Uint8Array, m: Message, now: number): number {
    if (!m.tsig) return TSIG_ERROR.BADSIG;
    if (m.tsig.data.error !== 0) return m.tsig.data.error;
    const check = verifyTsig(msg, m.tsig, this.keys, now, { mac: this.prior, timersOnly: !this.first });
    if (check.error !== 0) return check.error;
    this.prior = m.tsig.data.mac;
    this.first = false;
    return 0;
  }
}

export const unixSeconds = (ms: number) => Math.floor(ms / 1000);
