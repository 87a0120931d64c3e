import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { dialectsToTest, freshDatabase } from '../../test/helpers/databases.ts';
import { referenceMatch } from '../../test/helpers/glob-reference.ts';
import { globMatch, globMatchNumber, trigramRun } from './sql-helpers.ts';

interface Probe {
  glob_probe: { id: number; value: string };
}

// Characters whose treatment could differ between the SQL matcher and the definition: the
// wildcards, LIKE's own metacharacters and escape, ASCII letters of both cases, non-ASCII letters
// that a locale would fold (É/é, the Kelvin sign K that folds to k, İ), an astral code point.
const unit = fc.constantFrom('a', 'a', 'b', 'A', 'B', '*', '?', '_', '%', '\\', '.', 'é', 'É', 'K', 'k', 'İ', 'i', '😀');
const word = (maxLength: number) => fc.array(unit, { maxLength }).map((cs) => cs.join(''));

for (const dialect of dialectsToTest()) {
  describe(`globMatch [${dialect}]`, () => {
    let handle: Awaited<ReturnType<typeof freshDatabase>>;
    let probe: Kysely<Probe>;
    before(async () => {
      handle = await freshDatabase(dialect);
      probe = handle.db as unknown as Kysely<Probe>;
      await sql`create table glob_probe (id integer primary key, value text not null)`.execute(handle.db);
    });
    after(() => handle.drop());

    /** The values among `values` the database says `pattern` matches. */
    const matched = async (pattern: string, values: readonly string[]): Promise<string[]> => {
      await probe.deleteFrom('glob_probe').execute();
      if (values.length) await probe.insertInto('glob_probe').values(values.map((value, id) => ({ id, value }))).execute();
      const rows = await probe.selectFrom('glob_probe').select('id').where(globMatch(handle.db, 'value', pattern)).orderBy('id').execute();
      return rows.map((r) => values[r.id]!);
    };
    const expected = (pattern: string, values: readonly string[]) => values.filter((v) => referenceMatch(pattern, v));

    it('agrees with the reference matcher on random patterns and values', async () => {
      await fc.assert(
        fc.asyncProperty(word(10), fc.array(word(12), { minLength: 1, maxLength: 12 }), async (pattern, values) => {
          assert.deepEqual(await matched(pattern, values), expected(pattern, values));
        }),
        { numRuns: 300 },
      );
    });

    it('reads `_`, `%` and `\\` literally and `*`, `?` as wildcards', async () => {
      const values = ['a_b', 'axb', 'ab', '100%', '1000', 'a\\b', 'a\\', 'a\\xb', 'a*b', 'a?b'];
      assert.deepEqual(await matched('a_b', values), ['a_b']);
      assert.deepEqual(await matched('100%', values), ['100%']);
      assert.deepEqual(await matched('a\\b', values), ['a\\b']);
      assert.deepEqual(await matched('a\\', values), ['a\\']);
      // `\` escapes nothing: `\*` is a backslash and then any run.
      assert.deepEqual(await matched('a\\*', values), ['a\\b', 'a\\', 'a\\xb']);
      assert.deepEqual(await matched('a?b', values), ['a_b', 'axb', 'a\\b', 'a*b', 'a?b']);
      assert.deepEqual(await matched('a*b', values), ['a_b', 'axb', 'ab', 'a\\b', 'a\\xb', 'a*b', 'a?b']);
      assert.deepEqual(await matched('**', values), values);
    });

    it('folds A-Z only: other letters match themselves, whatever the database locale', async () => {
      const values = ['Strasse', 'STRASSE', 'straße', 'Élan', 'élan', 'kelvin', '\u212Aelvin', 'istanbul', 'İstanbul'];
      assert.deepEqual(await matched('sTrAsSe', values), ['Strasse', 'STRASSE']);
      assert.deepEqual(await matched('É*', values), ['Élan']);
      assert.deepEqual(await matched('é*', values), ['élan']);
      assert.deepEqual(await matched('K*', values), ['kelvin']);
      assert.deepEqual(await matched('\u212A*', values), ['\u212Aelvin']);
      assert.deepEqual(await matched('İ*', values), ['İstanbul']);
      assert.deepEqual(await matched('?stanbul', values), ['istanbul', 'İstanbul']);
    });

    it('takes `?` as one code point, also outside the BMP', async () => {
      assert.deepEqual(await matched('x?y', ['x😀y', 'x😀😀y', 'xy']), ['x😀y']);
      assert.deepEqual(await matched('x??y', ['x😀y', 'x😀😀y']), ['x😀😀y']);
    });

    it('answers 250-character patterns of * and ? (and letters) against long values at once', { timeout: 120_000 }, async () => {
      const values = [120, 124, 125, 126, 200, 249, 250, 251, 253].flatMap((n) => ['a'.repeat(n), 'a'.repeat(n - 1) + 'b', 'ab'.repeat(n).slice(0, n)]);
      const patterns = [
        '*?'.repeat(125),
        '?*'.repeat(125),
        '*'.repeat(249) + '?',
        '?'.repeat(125) + '*'.repeat(125),
        '*?*'.repeat(83) + '*',
        '*a'.repeat(124) + '*z',
        '*a?'.repeat(83) + 'b',
        'a*'.repeat(125),
        '*'.repeat(28) + 'x',
      ];
      for (const p of patterns) {
        assert.ok(p.length <= 250);
        assert.deepEqual(await matched(p, values), expected(p, values), p);
      }
      // Random mixes, seeded so a failure repeats.
      const mixes = fc.sample(fc.array(fc.constantFrom('*', '*', '?', 'a', 'b'), { minLength: 250, maxLength: 250 }).map((cs) => cs.join('')), { numRuns: 40, seed: 7 });
      for (const p of mixes) assert.deepEqual(await matched(p, values), expected(p, values), p);
    });

    it('matches Proc-IDs as digits', async () => {
      await probe.deleteFrom('glob_probe').execute();
      await probe.insertInto('glob_probe').values([7, 17, 170, 1234].map((id) => ({ id, value: '' }))).execute();
      const ids = async (pattern: string) => (await probe.selectFrom('glob_probe').select('id').where(globMatchNumber('id', pattern)).orderBy('id').execute()).map((r) => r.id);
      assert.deepEqual(await ids('?7'), [17]);
      assert.deepEqual(await ids('*7*'), [7, 17, 170]);
      assert.deepEqual(await ids('1%'), []);
      assert.deepEqual(await ids('1_34'), []);
    });
  });
}

describe('trigramRun', () => {
  it('picks the longest literal run of three or more ASCII characters, lowered, quotes doubled', () => {
    assert.equal(trigramRun('*xyz*'), 'xyz');
    assert.equal(trigramRun('*ab?longer*x'), 'longer');
    assert.equal(trigramRun('*A"Bc*'), 'a""bc');
    assert.equal(trigramRun('*xy*z?'), undefined, 'no run long enough');
    assert.equal(trigramRun('*müll*'), undefined, 'not ASCII: left to LIKE');
  });
});
