import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/clock.ts';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('lets an address spend its minute at once, then one query per 60/limit seconds', () => {
    const clock = new ManualClock();
    const limit = new RateLimiter(3, clock);
    for (let i = 0; i < 3; i++) assert.deepEqual(limit.take('192.0.2.1'), { ok: true });
    assert.deepEqual(limit.take('192.0.2.1'), { ok: false, retryAfterSeconds: 20 });
    clock.advance(19_000);
    assert.deepEqual(limit.take('192.0.2.1'), { ok: false, retryAfterSeconds: 1 });
    clock.advance(1_000);
    assert.deepEqual(limit.take('192.0.2.1'), { ok: true });
    assert.equal(limit.take('192.0.2.1').ok, false);
    clock.advance(60_000);
    for (let i = 0; i < 3; i++) assert.equal(limit.take('192.0.2.1').ok, true, 'a full minute refills the bucket, no more');
    assert.equal(limit.take('192.0.2.1').ok, false);
  });

  it('counts addresses apart, IPv6 by its /64 and IPv4-mapped addresses as IPv4', () => {
    const limit = new RateLimiter(1, new ManualClock());
    assert.equal(limit.take('192.0.2.1').ok, true);
    assert.equal(limit.take('192.0.2.2').ok, true);
    assert.equal(limit.take('::ffff:192.0.2.1').ok, false);
    assert.equal(limit.take('2001:db8:1:2::1').ok, true);
    assert.equal(limit.take('2001:db8:1:2::ffff').ok, false, 'the same /64');
    assert.equal(limit.take('2001:db8:1:3::1').ok, true);
  });

  it('0 turns the limit off; a clock moved backwards locks no one out', () => {
    const clock = new ManualClock();
    const off = new RateLimiter(0, clock);
    for (let i = 0; i < 1000; i++) assert.equal(off.take('192.0.2.1').ok, true);
    const limit = new RateLimiter(2, clock);
    limit.take('192.0.2.9');
    limit.take('192.0.2.9');
    clock.advance(-3_600_000);
    assert.deepEqual(limit.take('192.0.2.9'), { ok: false, retryAfterSeconds: 30 });
    clock.advance(30_000);
    assert.equal(limit.take('192.0.2.9').ok, true);
  });
});
