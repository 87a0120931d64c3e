import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeEmail } from './email.ts';

describe('normalizeEmail', () => {
  it('accepts dot-atom addresses and lowercases (A-labels) the domain only', () => {
    assert.deepEqual(normalizeEmail(' John.Doe+tag@Example.COM '), { ok: true, value: 'John.Doe+tag@example.com' });
    assert.deepEqual(normalizeEmail('info@bücher.de'), { ok: true, value: 'info@xn--bcher-kva.de' });
    assert.deepEqual(normalizeEmail('jörg@example.de'), { ok: true, value: 'jörg@example.de' });
  });

  it('refuses what registries refuse', () => {
    const reason = (s: string) => (normalizeEmail(s) as { reason: string }).reason;
    assert.match(reason('john'), /not an e-mail address/);
    assert.match(reason('@example.com'), /not an e-mail address/);
    assert.match(reason('a..b@example.com'), /two dots/);
    assert.match(reason('"quoted"@example.com'), /not allowed/);
    assert.match(reason('john@localhost'), /at least two labels/);
    assert.match(reason('john@192.168.1.1'), /ends in a number/);
    assert.match(reason('john@exa_mple.com'), /domain of/);
    assert.match(reason(`${'a'.repeat(65)}@example.com`), /longer than 64/);
  });

  it('the result is a fixed point (property)', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (s) => {
        const r = normalizeEmail(s);
        if (!r.ok) return true;
        const again = normalizeEmail(r.value);
        return again.ok && again.value === r.value;
      }),
    );
  });
});
