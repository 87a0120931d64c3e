import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asciiLower, globToLike } from './glob.ts';

describe('globToLike', () => {
  it('turns * into % and ? into _, one % for a run of *', () => {
    assert.equal(globToLike('a*b?c'), 'a%b_c');
    assert.equal(globToLike('***x**?*'), '%x%_%');
    assert.equal(globToLike('*'.repeat(255)), '%');
  });

  it('escapes LIKE metacharacters and the escape character, so they match literally', () => {
    assert.equal(globToLike('a_b%c\\d'), 'a\\_b\\%c\\\\d');
    assert.equal(globToLike('\\*'), '\\\\%');
  });

  it('lowers A-Z only', () => {
    assert.equal(globToLike('ÉCOLE-*.COM'), 'École-%.com');
    assert.equal(asciiLower('İSTANBUL \u212A'), 'İstanbul \u212A');
  });
});
