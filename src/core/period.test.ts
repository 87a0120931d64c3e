import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addMonths, sameUtcDay } from './period.ts';

describe('addMonths', () => {
  it('keeps the time of day and clamps to the month end', () => {
    assert.equal(new Date(addMonths(Date.parse('2024-02-29T10:30:00Z'), 12)).toISOString(), '2025-02-28T10:30:00.000Z');
    assert.equal(new Date(addMonths(Date.parse('2026-01-31T00:00:00Z'), 1)).toISOString(), '2026-02-28T00:00:00.000Z');
    assert.equal(new Date(addMonths(Date.parse('2026-03-15T12:00:00Z'), -12)).toISOString(), '2025-03-15T12:00:00.000Z');
  });

  it('adding 12·n months moves the year by n and never the day forward (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), fc.integer({ min: 1, max: 10 }), (d, n) => {
        const r = new Date(addMonths(d.getTime(), 12 * n));
        return r.getUTCFullYear() === d.getUTCFullYear() + n && r.getUTCMonth() === d.getUTCMonth() && r.getUTCDate() <= d.getUTCDate();
      }),
    );
  });

  it('compares UTC days', () => {
    assert.ok(sameUtcDay(Date.parse('2026-05-01T00:00:00Z'), Date.parse('2026-05-01T23:59:59Z')));
    assert.ok(!sameUtcDay(Date.parse('2026-05-01T23:59:59Z'), Date.parse('2026-05-02T00:00:00Z')));
  });
});
