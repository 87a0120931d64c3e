import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkCountry, countryName, eeaMembers, euMembers, isCountry } from './country.ts';
import { countries } from './data/countries.ts';

describe('ISO 3166-1 countries', () => {
  it('holds the 249 assigned codes, each once, each named', () => {
    assert.equal(countries.length, 249);
    assert.equal(new Set(countries.map(([c]) => c)).size, 249);
    for (const [code, name] of countries) {
      assert.match(code, /^[A-Z]{2}$/);
      assert.ok(name.length > 2);
    }
    assert.equal(countryName('se'), 'Sweden');
  });

  it('accepts codes case-insensitively and explains UK', () => {
    assert.deepEqual(checkCountry('de'), { ok: true, code: 'DE' });
    assert.match((checkCountry('UK') as { reason: string }).reason, /United Kingdom is GB/);
    assert.match((checkCountry('XX') as { reason: string }).reason, /not an assigned/);
    assert.match((checkCountry('Germany') as { reason: string }).reason, /not a two-letter/);
  });

  it('has 27 EU members and 30 EEA states, all real codes', () => {
    assert.equal(euMembers.size, 27);
    assert.equal(eeaMembers.size, 30);
    for (const c of eeaMembers) assert.ok(isCountry(c), c);
    assert.ok(!euMembers.has('GB'));
  });
});
