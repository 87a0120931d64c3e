import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameError, FrameReader, encodeFrame } from './framing.ts';

describe('EPP framing (RFC 5734)', () => {
  it('prefixes the total length, header included, big-endian', () => {
    const f = encodeFrame('<epp/>');
    assert.equal(f.readUInt32BE(0), 4 + 6);
    assert.equal(f.subarray(4).toString(), '<epp/>');
    assert.equal(encodeFrame('é').readUInt32BE(0), 4 + 2, 'counts UTF-8 bytes, not characters');
  });

  it('reads frames however TCP splits or merges them', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (messages, cuts) => {
        const bytes = Buffer.concat(messages.map(encodeFrame));
        const reader = new FrameReader();
        const got: string[] = [];
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...reader.push(bytes.subarray(at, at + n)));
          at += n;
        }
        assert.deepEqual(got, messages);
        assert.equal(reader.buffered, 0);
      }),
    );
  });

  it('waits for the rest of a partial frame', () => {
    const reader = new FrameReader();
    const f = encodeFrame('<epp><hello/></epp>');
    assert.deepEqual(reader.push(f.subarray(0, 3)), []);
    assert.deepEqual(reader.push(f.subarray(3, 10)), []);
    assert.equal(reader.buffered, 10);
    assert.deepEqual(reader.push(f.subarray(10)), ['<epp><hello/></epp>']);
  });

  it('refuses a frame over the limit as soon as its header arrives', () => {
    const reader = new FrameReader(100);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(101);
    assert.throws(() => reader.push(head), FrameError);
    assert.deepEqual(new FrameReader(100).push(encodeFrame('x'.repeat(96))), ['x'.repeat(96)]);
  });

  it('refuses a length that cannot hold the header and any XML', () => {
    for (const n of [0, 3, 4]) {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(n);
      assert.throws(() => new FrameReader().push(head), FrameError, String(n));
    }
  });
});
