/**
 * RFC 5734 data units: a 4-octet big-endian length that counts itself, then the XML. The
 * reader copes with frames split over or merged into TCP chunks and refuses ones larger
 * than its limit before buffering them.
 */

/** Default cap on one frame (1 MiB is far beyond any EPP command or answer). */
export const MAX_FRAME_BYTES = 1024 * 1024;
const HEADER = 4;

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export function encodeFrame(xml: string): Buffer {
  const body = Buffer.from(xml, 'utf8');
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out.writeUInt32BE(HEADER + body.length, 0);
  body.copy(out, HEADER);
  return out;
}

export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private readonly max: number;

  constructor(maxBytes = MAX_FRAME_BYTES) {
    this.max = maxBytes;
  }

  /** Feeds received bytes; returns the XML of every frame they complete. Throws FrameError on a bad length. */
  push(chunk: Uint8Array): string[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const out: string[] = [];
    let at = 0;
    while (this.pending.length - at >= HEADER) {
      const total = this.pending.readUInt32BE(at);
      if (total <= HEADER) throw new FrameError(`frame length ${total} is too small`);
      if (total > this.max) throw new FrameError(`frame of ${total} bytes exceeds the ${this.max}-byte limit`);
      if (this.pending.length - at < total) break;
      out.push(this.pending.toString('utf8', at + HEADER, at + total));
      at += total;
    }
    this.pending = this.pending.subarray(at);
    return out;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}
