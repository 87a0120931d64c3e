import { DecodeError, EncodeError } from './types.ts';

/** Base32 with the extended hex alphabet, without padding (RFC 4648 §7): NSEC3 hashed owner names (RFC 5155 §3.3). */
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

export function base32hex(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

export function fromBase32hex(text: string, Err: typeof DecodeError | typeof EncodeError = EncodeError): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of text.toLowerCase()) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Err(`${JSON.stringify(text)} is not base32hex`);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}
