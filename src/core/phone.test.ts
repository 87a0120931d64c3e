import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizePhone } from './phone.ts';

describe('normalizePhone', () => {
  it('turns the usual spellings into +CC.NNNN', () => {
    assert.deepEqual(normalizePhone('+1.4155552671'), { ok: true, value: '+1.4155552671' });
    assert.deepEqual(normalizePhone('+1 (415) 555-2671'), { ok: true, value: '+1.4155552671' });
    assert.deepEqual(normalizePhone('+49 30 1234567'), { ok: true, value: '+49.301234567' });
    assert.deepEqual(normalizePhone('+44.20.7946.0958'), { ok: true, value: '+44.2079460958' });
    assert.deepEqual(normalizePhone('+358.401234567'), { ok: true, value: '+358.401234567' });
  });

  it('refuses numbers without +, with letters, unknown country codes and impossible lengths', () => {
    const reason = (s: string) => (normalizePhone(s) as { reason: string }).reason;
    assert.match(reason('4155552671'), /must start with \+/);
    assert.match(reason('+1.415CALLME'), /only digits/);
    assert.match(reason('+999.1234567'), /unknown country calling code/);
    assert.match(reason('+1.422.8001'), /too short for country calling code \+1/);
    assert.match(reason('+49.301234567890123'), /more than 15 digits|too long/);
    assert.match(reason('+12.3456789'), /^\+12 in \+12\.3456789 is not a country calling code/);
  });

  it('output always has the EPP shape and is a fixed point (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[0-9 .()-]{1,20}$/), (s) => {
        const r = normalizePhone(s);
        if (!r.ok) return true;
        const again = normalizePhone(r.value);
        return /^\+\d{1,3}\.\d{1,14}$/.test(r.value) && again.ok && again.value === r.value;
      }),
    );
  });
});
