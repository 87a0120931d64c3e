import { formatLabel, MAX_NAME_WIRE, nameToLabels } from './name.ts';
import { DecodeError, EncodeError } from './types.ts';

/** Compression pointers can only address the first 16 KiB of a message (14-bit offsets). */
const MAX_POINTER = 0x3fff;
// Labels are latin1 strings joined with a character no latin1 label can contain.
const SEP = '\u0100';

function lowerLabel(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 32 : b);
  return s;
}

interface EncodedName {
  labels: Uint8Array[];
  /** For each label position, the case-folded suffix starting there (the compression key). */
  keys: string[];
}

const NAME_CACHE_SIZE = 20_000;
const encodedNames = new Map<string, EncodedName>();

function encodeName(name: string): EncodedName {
  const labels = nameToLabels(name);
  const keys: string[] = new Array(labels.length);
  let key = '';
  for (let i = labels.length - 1; i >= 0; i--) {
    key = i === labels.length - 1 ? lowerLabel(labels[i]!) : lowerLabel(labels[i]!) + SEP + key;
    keys[i] = key;
  }
  return { labels, keys };
}

export interface WriterMark {
  pos: number;
  names: number;
}

/**
 * Appends big-endian fields to a growing buffer and writes names with compression: every suffix
 * written so far is remembered by its case-folded labels, and a later name that ends in one
 * becomes a pointer to it. Pointers therefore only ever point backwards. mark()/rollback()
 * undo a record that turned out not to fit.
 */
export class Writer {
  private buf: Buffer;
  pos = 0;
  private readonly offsets = new Map<string, number>();
  private readonly log: string[] = [];
  /** False writes every name in full (the canonical form DNSSEC signs, RFC 4034 §6.2). */
  private readonly compression: boolean;

  constructor(initial = 512, compression = true) {
    this.buf = Buffer.allocUnsafe(initial);
    this.compression = compression;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  u16(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EncodeError(`${v} is not a 16-bit unsigned integer`);
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(`${v} is not a 32-bit unsigned integer`);
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Overwrites a 16-bit field written earlier (counts, rdlength). */
  patchU16(at: number, v: number): void {
    if (v > 0xffff) throw new EncodeError(`${v} does not fit a 16-bit field`);
    this.buf.writeUInt16BE(v, at);
  }

  /**
   * Writes a name. With `compress`, a known suffix becomes a pointer; either way the suffixes
   * written here become targets for later names (a pointer may point into any earlier name).
   */
  name(name: string, compress: boolean): void {
    let enc = encodedNames.get(name);
    if (!enc) {
      enc = encodeName(name);
      // Zone and query names repeat endlessly; random names only churn a bounded map.
      if (encodedNames.size >= NAME_CACHE_SIZE) encodedNames.clear();
      encodedNames.set(name, enc);
    }
    this.labels(enc.labels, enc.keys, compress && this.compression);
  }

  private labels(labels: readonly Uint8Array[], keys: readonly string[], compress: boolean): void {
    for (let i = 0; i < labels.length; i++) {
      const k = keys[i]!;
      if (compress) {
        const at = this.offsets.get(k);
        if (at !== undefined) {
          this.u16(0xc000 | at);
          return;
        }
      }
      if (this.pos <= MAX_POINTER && !this.offsets.has(k)) {
        this.offsets.set(k, this.pos);
        this.log.push(k);
      }
      const l = labels[i]!;
      this.u8(l.length);
      this.bytes(l);
    }
    this.u8(0);
  }

  mark(): WriterMark {
    return { pos: this.pos, names: this.log.length };
  }

  /** Forgets everything written after `m`, including the compression targets it created. */
  rollback(m: WriterMark): void {
    this.pos = m.pos;
    while (this.log.length > m.names) this.offsets.delete(this.log.pop()!);
  }

  finish(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.pos));
  }
}

/** Reads big-endian fields and (compressed) names, failing with DecodeError on anything out of bounds. */
export class Reader {
  pos = 0;
  readonly buf: Uint8Array;
  private readonly view: DataView;
  /** Sees every compression pointer followed (tests check that none points forward). */
  private readonly onPointer: ((at: number, target: number) => void) | undefined;

  constructor(buf: Uint8Array, onPointer?: (at: number, target: number) => void) {
    this.buf = buf;
    this.onPointer = onPointer;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new DecodeError(`message ends inside ${what} at offset ${this.pos}`);
  }

  u8(what = 'a field'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'a field'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'a field'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number, what = 'a field'): Uint8Array {
    this.need(n, what);
    const b = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }

  /** A name, following compression pointers; each must point before itself and before the previous jump. */
  name(): string {
    const labels: string[] = [];
    let p = this.pos;
    let jumped = false;
    let lowest = Infinity;
    let wire = 1;
    for (;;) {
      if (p >= this.buf.length) throw new DecodeError(`message ends inside a name at offset ${p}`);
      const len = this.buf[p]!;
      if ((len & 0xc0) === 0xc0) {
        if (p + 1 >= this.buf.length) throw new DecodeError(`message ends inside a compression pointer at offset ${p}`);
        const target = ((len & 0x3f) << 8) | this.buf[p + 1]!;
        this.onPointer?.(p, target);
        if (target >= p) throw new DecodeError(`compression pointer at offset ${p} points forward to ${target}`);
        // Each jump must land before the previous one: the destinations strictly decrease, so
        // no sequence of pointers can loop.
        if (target >= lowest) throw new DecodeError(`compression pointer at offset ${p} loops back to ${target}`);
        lowest = target;
        if (!jumped) this.pos = p + 2;
        jumped = true;
        p = target;
        continue;
      }
      if ((len & 0xc0) !== 0) throw new DecodeError(`unsupported label type 0x${len.toString(16)} at offset ${p}`);
      if (len === 0) {
        if (!jumped) this.pos = p + 1;
        break;
      }
      if (p + 1 + len > this.buf.length) throw new DecodeError(`message ends inside a label at offset ${p}`);
      wire += len + 1;
      if (wire > MAX_NAME_WIRE) throw new DecodeError(`name at offset ${this.pos} is longer than ${MAX_NAME_WIRE} bytes`);
      labels.push(formatLabel(this.buf.subarray(p + 1, p + 1 + len)));
      p += len + 1;
    }
    return labels.join('.');
  }
}
