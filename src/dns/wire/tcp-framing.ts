import { EncodeError } from './types.ts';

/** Prefixes a message with its 2-byte length, as DNS over TCP carries it (RFC 1035 §4.2.2). */
export function frame(message: Uint8Array): Buffer {
  if (message.length > 0xffff) throw new EncodeError(`a ${message.length}-byte message cannot be framed for TCP`);
  const out = Buffer.allocUnsafe(message.length + 2);
  out.writeUInt16BE(message.length, 0);
  out.set(message, 2);
  return out;
}

/** Splits a TCP byte stream into the length-prefixed messages it carries, however the chunks fall. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds received bytes; returns every message completed by them. */
  push(chunk: Uint8Array): Buffer[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    let at = 0;
    while (this.pending.length - at >= 2) {
      const len = this.pending.readUInt16BE(at);
      if (this.pending.length - at - 2 < len) break;
      out.push(this.pending.subarray(at + 2, at + 2 + len));
      at += 2 + len;
    }
    this.pending = this.pending.subarray(at);
    return out;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}
