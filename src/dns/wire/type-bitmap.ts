import type { Reader, Writer } from './buffer.ts';
import { DecodeError } from './types.ts';

/**
 * The type bit maps of NSEC and NSEC3 (RFC 4034 §4.1.2): per window of 256 types that has any,
 * the window number, the length of its bitmap in bytes (trailing zero bytes left out) and the bitmap.
 */
export function writeTypeBitmap(w: Writer, types: readonly number[]): void {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  let i = 0;
  while (i < sorted.length) {
    const window = sorted[i]! >> 8;
    const bits = new Uint8Array(32);
    let len = 0;
    for (; i < sorted.length && sorted[i]! >> 8 === window; i++) {
      const low = sorted[i]! & 0xff;
      bits[low >> 3]! |= 0x80 >> (low & 7);
      len = (low >> 3) + 1;
    }
    w.u8(window);
    w.u8(len);
    w.bytes(bits.subarray(0, len));
  }
}

export function readTypeBitmap(r: Reader, end: number): number[] {
  const types: number[] = [];
  let last = -1;
  while (r.pos < end) {
    const window = r.u8('a type bitmap window');
    const len = r.u8('a type bitmap length');
    if (window <= last || len === 0 || len > 32 || r.pos + len > end) throw new DecodeError('malformed type bit map');
    last = window;
    const bits = r.bytes(len);
    for (let i = 0; i < len; i++) for (let b = 0; b < 8; b++) if (bits[i]! & (0x80 >> b)) types.push(window * 256 + i * 8 + b);
  }
  return types;
}
