import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { forEachDatabase } from '../helpers/harness.ts';
import { commands } from '../../src/dmapi/commands/index.ts';
import { paramList } from '../../src/dmapi/docs.ts';
import { buildWorld, changes, digest, malformed, session, type World } from './world.ts';
import { enumValues, objectKindOf, objectKinds, objectValue, sample, shapeOf } from './samples.ts';

/**
 * The fuzz round, for every request of the command table: its parameters get random, oversized,
 * Unicode, NUL, CR/LF, TAB and separator values (and the victim's objects), with the attacker's
 * full-scope session. Every reply must be a well-formed DMAPI reply without an internal error or
 * an injected line, and a refused request must leave every table as it was.
 */
const ROUNDS = 6;

const nasty = [
  '',
  ' ',
  'x'.repeat(100_000),
  'üñíçødé 𝄞 中文 עברית',
  'xn--',
  'a\u0000b',
  'line\r\nINJ: forged',
  'x\nINJ 999 forged line',
  '\tINJ\t',
  ':',
  ': ',
  ';,|',
  '*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?x',
  '%_\\',
  "' OR 1=1 --",
  '"><script>',
  '-1',
  '0',
  '99999999999999999999999',
  '1e309',
  '../../etc/passwd',
  '\u202eevil',
];

forEachDatabase('security: fuzz round', (t) => {
  let w: World;
  before(async () => {
    w = await buildWorld(t());
  });

  for (const c of commands) {
    it(`${c.name}: random and hostile values get a well-formed DMAPI answer and change nothing when refused`, async () => {
      const params = paramList(c.params).map((p) => p.name);
      const victimValues = params.map((p) => objectKindOf(c, p)).filter((k) => k !== undefined).map((k) => objectValue(w.b, k!));
      const value = fc.oneof(
        fc.constantFrom(...nasty, ...victimValues),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ maxLength: 300 }),
        fc.integer().map(String),
      );
      const sid = c.session === 'required' ? await session(t(), w.a, 'full') : undefined;
      const rounds = fc.sample(
        fc.record({ base: fc.boolean(), values: fc.dictionary(fc.constantFrom(...(params.length ? params : ['junk'])), value, { maxKeys: 6 }) }),
        { numRuns: ROUNDS, seed: [...c.name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 7) },
      );
      // Each enumerated value at least once, with an otherwise valid request.
      for (const p of params) for (const v of enumValues(shapeOf(c)[p]!) ?? []) rounds.push({ base: true, values: { [p]: v } });
      // The state before each request: read again only after one that was taken.
      let state = await digest(t());
      for (const { base, values } of rounds) {
        const sent = { ...(base ? sample(c, w.a) : {}), ...values, ...(sid ? { 'auth-sid': sid } : {}) };
        const r = await t().call(c.name, sent);
        assert.equal(malformed(r), undefined, `${c.name} ${JSON.stringify(sent).slice(0, 400)}:\n${r.raw.slice(0, 2000)}`);
        const now = await digest(t());
        if (r.code !== 0) assert.equal(changes(state, now), '', `${c.name} refused ${JSON.stringify(sent).slice(0, 400)} but changed state`);
        await t().work();
        state = r.code === 0 ? await digest(t()) : now;
      }
    });
  }

  // Every parameter of every request, with line breaks, tabs and separators that would forge a
  // line or shift a field wherever the value is echoed; then every listing is read back.
  const injections = ['x\nINJ 999 domain-delete victim.com ack -', 'x\r\nINJ: forged', 'x\tINJ\tshifted field', 'x y z INJ'];
  // logout would end the session the read-back runs in.
  const reads = commands.filter((c) => c.access === 'read' && c.session === 'required' && c.name !== 'logout');
  /** Reads every listing back: each read once per kind of object it can name (query-whois of the domain, the contact, the host). */
  async function readBack(after: string): Promise<void> {
    const sid = await session(t(), w.a, 'full');
    for (const read of reads) {
      for (const kind of [undefined, ...objectKinds(read)]) {
        const r = await t().call(read.name, { ...sample(read, w.a, kind && { tenant: w.a, kind }), 'auth-sid': sid });
        assert.equal(malformed(r), undefined, `${read.name} after ${after}:\n${r.raw.slice(0, 2000)}`);
        // Space-separated lines keep their number of fields (result-list 7, grants-list 12).
        const fields = read.name === 'result-list' ? 7 : read.name === 'grants-list' ? 12 : undefined;
        if (fields && r.body.trim()) for (const line of r.body.trim().split('\n')) assert.equal(line.split(' ').length, fields, `${read.name} after ${after}: ${line}`);
      }
    }
  }

  for (const c of commands.filter((x) => x.session === 'required')) {
    it(`${c.name}: no parameter value forges a line or a field in any reply`, async () => {
      let state = await digest(t());
      for (const p of paramList(c.params).map((x) => x.name)) {
        for (const inj of injections) {
          const sent = { ...sample(c, w.a), [p]: inj, 'auth-sid': await session(t(), w.a, 'full') };
          const r = await t().call(c.name, sent);
          const what = `${c.name} ${p}=${JSON.stringify(inj)}`;
          assert.equal(malformed(r), undefined, `${what}:\n${r.raw.slice(0, 2000)}`);
          assert.notEqual(r.code, -401, `${what}: the session is gone, the suite tests nothing`);
          if (r.code !== 0) {
            assert.equal(changes(state, await digest(t())), '', `${c.name} refused ${p}=${JSON.stringify(inj)} but changed state`);
            continue;
          }
          // Taken: wherever the value is echoed now, it must not have forged anything.
          await t().work();
          await readBack(what);
          state = await digest(t());
        }
      }
    });
  }
});
