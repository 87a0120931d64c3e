import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkDomainName, matchSuffix, registrableDomain } from './domain-name.ts';

describe('checkDomainName (UTS #46 strict)', () => {
  it('lowercases, strips one trailing dot and maps U-labels to A-labels', () => {
    const r = checkDomainName('Bücher.DE.');
    assert.deepEqual(r, { ok: true, ascii: 'xn--bcher-kva.de', unicode: 'bücher.de', labels: ['xn--bcher-kva', 'de'] });
    assert.equal((checkDomainName('xn--bcher-kva.de') as { unicode: string }).unicode, 'bücher.de');
  });

  it('uses non-transitional processing: ß stays ß', () => {
    assert.equal((checkDomainName('faß.de') as { ascii: string }).ascii, 'xn--fa-hia.de');
  });

  it('explains the usual mistakes', () => {
    const reason = (s: string) => (checkDomainName(s) as { reason: string }).reason;
    assert.match(reason(''), /empty name/);
    assert.match(reason('a..com'), /empty label/);
    assert.match(reason('-a.com'), /starts or ends with a hyphen/);
    assert.match(reason('ab--c.com'), /third and fourth position/);
    assert.match(reason('ex_ample.com'), /other than letters, digits and hyphen/);
    assert.match(reason(`${'a'.repeat(64)}.com`), /longer than 63/);
    assert.match(reason(`${'abcdefghi.'.repeat(26)}com`), /longer than 253/);
    assert.match(reason('xn--abc.com'), /Punycode/);
    assert.match(reason('exa mple.com'), /white space/);
  });

  it('never throws and only returns lowercase LDH A-labels within DNS limits (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = checkDomainName(s);
        if (!r.ok) return typeof r.reason === 'string' && r.reason.length > 0;
        return /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(r.ascii) && r.ascii.length <= 253 && r.labels.every((l) => l.length >= 1 && l.length <= 63);
      }),
    );
  });

  it('is idempotent: the A-label form checks to itself (property)', () => {
    const label = fc.stringMatching(/^[a-zäöüéß0-9]([a-zäöüéß0-9-]{0,20}[a-zäöüéß0-9])?$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), (labels) => {
        const r = checkDomainName(labels.join('.') + '.com');
        if (!r.ok) return true;
        const again = checkDomainName(r.ascii);
        return again.ok && again.ascii === r.ascii && again.unicode === r.unicode;
      }),
    );
  });
});

describe('suffix matching', () => {
  it('prefers the longest TLD: co.uk before uk', () => {
    assert.equal(matchSuffix('example.co.uk', ['uk', 'co.uk', 'com']), 'co.uk');
    assert.equal(matchSuffix('example.uk', ['uk', 'co.uk']), 'uk');
    assert.equal(matchSuffix('example.org', ['uk', 'co.uk']), undefined);
    assert.equal(matchSuffix('xcom', ['com']), undefined);
  });

  it('splits the registrable domain from what lies below it', () => {
    assert.deepEqual(registrableDomain('ns1.a.example.co.uk', ['uk', 'co.uk']), { tld: 'co.uk', domain: 'example.co.uk', label: 'example', below: 'ns1.a' });
    assert.deepEqual(registrableDomain('example.com', ['com']), { tld: 'com', domain: 'example.com', label: 'example', below: '' });
    assert.equal(registrableDomain('com', ['com']), undefined);
  });
});
