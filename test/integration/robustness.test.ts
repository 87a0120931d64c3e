import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pino } from 'pino';
import type { InjectOptions } from 'fastify';
import { forEachDatabase, withCommands } from '../helpers/harness.ts';
import { assertWellFormed } from '../helpers/wire.ts';
import { testFault } from '../helpers/test-commands.ts';
import { commands } from '../../src/dmapi/commands/index.ts';
import type { Command } from '../../src/dmapi/command.ts';

const stats = new Map<string, number>();

/** The parameter names a request declares (its zod object's keys): the fuzzer aims at them to reach handlers and the database. */
function declaredParams(c: Command): string[] {
  const shape = (c.params as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}
const extraParams = ['auth-sid', 'api-key', 'cltrid', 'client-ip', 'Engine', 'internal', '__proto__', 'constructor', 'hasOwnProperty'];
const knownParams = [...new Set([...commands.flatMap(declaredParams), ...extraParams])];

/** Strings that tend to break things: control characters, NUL, lone surrogates, huge, SQL and glob syntax, out-of-range numbers. */
const nasty = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  {
    weight: 3,
    arbitrary: fc.constantFrom('\0', 'a\u0000b', '\r\n', '\n\nStatus-Code: 0', '\u0007\u001b[2J', ' ', '%', '_', '*', '?', "' or 1=1 --", '\\', '-1', '0', '1',
      '99999999999999999999', '9223372036854775808', '1e9', 'NaN', '2026-02-30', '0000-01-01', 'Y', '\u{1F600}', '\uD800', 'ä'.repeat(300)),
  },
  fc.integer({ min: 1, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
);

const paramName = fc.oneof(fc.constantFrom(...knownParams), fc.constantFrom(...knownParams).map((n) => n.toUpperCase()), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }));
const spell = (name: string) => fc.constantFrom(name, name.toUpperCase(), name[0]!.toUpperCase() + name.slice(1));

/** Either a real request with (mostly) its own parameters, or anything at all. */
const target = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(...commands).chain((c) =>
      fc.record({
        name: fc.constantFrom(c.name, ...(c.aliases ?? [])).chain(spell),
        params: fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...declaredParams(c), 'cltrid').chain(spell) }, paramName), nasty), { maxLength: 6 }),
      }),
    ),
  },
  fc.record({
    name: fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('', '..', '../../etc/passwd', 'login/extra', '%', 'login%00', 'a b')),
    params: fc.array(fc.tuple(paramName, nasty), { maxLength: 6 }),
  }),
);

const encodeForm = (p: Array<[string, string]>) => p.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** Lone surrogates cannot be percent-encoded; they become U+FFFD like any client's UTF-8 encoder would make them. */
const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

type BodyKind = 'none' | 'urlencoded' | 'multipart' | 'json' | 'text' | 'garbage' | 'wrong-type';

forEachDatabase('robustness', (t) => {
  it('answers any request with HTTP 200 (401 for a dead session) and a well-formed DMAPI reply, and no internal error', async () => {
    const r = await t().reseller('rb-alice');
    const sids = [r.sid, await r.session('read-only'), 'deadbeef'.repeat(4), ''];
    const property = fc.asyncProperty(
      fc.record({
        method: fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        target,
        query: fc.array(fc.tuple(paramName, nasty), { maxLength: 3 }),
        bodyKind: fc.constantFrom<BodyKind>('none', 'urlencoded', 'urlencoded', 'multipart', 'json', 'text', 'garbage', 'wrong-type'),
        sid: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.constantFrom(...sids.keys())),
        garbage: fc.uint8Array({ maxLength: 200 }),
        cookie: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
      }),
      async (c) => {
        // The chosen session travels in the query string (any method), ahead of any generated auth-sid.
        const sid = sids[c.sid]!;
        const isSid = ([k]: [string, string]) => sid !== '' && k.toLowerCase() === 'auth-sid';
        const body = c.target.params.filter((p) => !isSid(p)).map(([k, v]): [string, string] => [wellFormed(k), wellFormed(v)]);
        const headers: Record<string, string> = {};
        let payload: string | Buffer | undefined;
        const canHaveBody = c.method !== 'GET' && c.method !== 'OPTIONS';
        if (canHaveBody) {
          switch (c.bodyKind) {
            case 'urlencoded':
              headers['content-type'] = 'application/x-www-form-urlencoded';
              payload = encodeForm(body) + (body.length % 2 ? '&' : '');
              break;
            case 'multipart': {
              const b = 'XyZ' + body.length;
              headers['content-type'] = `multipart/form-data; boundary=${b}`;
              payload = body.map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, '')}"\r\n\r\n${v}\r\n`).join('') + `--${b}--\r\n`;
              break;
            }
            case 'json':
              headers['content-type'] = 'application/json';
              payload = JSON.stringify(Object.fromEntries(body));
              break;
            case 'text':
              headers['content-type'] = 'text/plain';
              payload = encodeForm(body);
              break;
            case 'garbage':
              headers['content-type'] = 'application/x-www-form-urlencoded';
              payload = Buffer.from(c.garbage);
              break;
            case 'wrong-type':
              headers['content-type'] = 'multipart/form-data';
              payload = encodeForm(body);
              break;
            case 'none':
              break;
          }
        }
        if (c.cookie !== undefined) headers['cookie'] = `dmapi-auth=${encodeURIComponent(c.cookie)}`;
        const query: Array<[string, string]> = [...(sid ? [['auth-sid', sid] as [string, string]] : []), ...c.query.filter((p) => !isSid(p)), ...(canHaveBody ? [] : body)];
        const qs = query.length ? `?${encodeForm(query.map(([k, v]) => [wellFormed(k), wellFormed(v)]))}` : '';
        const options: InjectOptions = {
          method: c.method as NonNullable<InjectOptions['method']>,
          // `.` and `..` segments are resolved by any HTTP client before they reach a server.
          url: `/request/${encodeURIComponent(/^\.\.?$/.test(c.target.name) ? `x${c.target.name}` : wellFormed(c.target.name))}${qs}`,
          headers,
          remoteAddress: '127.0.0.1',
          ...(payload !== undefined ? { payload } : {}),
        };
        const res = await t().app.http.inject(options);
        assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
        const reply = assertWellFormed(res.body);
        // HTTP 401 for a dead session (-401) and only for it; every other answer is 200.
        assert.equal(res.statusCode, reply.code === -401 ? 401 : 200, `HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (process.env.ROBUSTNESS_STATS) stats.set(`${reply.code}`, (stats.get(`${reply.code}`) ?? 0) + 1);
        assert.ok(!res.body.includes('internal error'), `unexpected fault: ${res.body.slice(0, 400)}`);
        assert.ok(Number.isInteger(reply.code));
        // A fuzzed logout ends the session the following cases rely on: open a new one.
        if (reply.code === 0 && c.target.name.toLowerCase() === 'logout' && c.sid < 2) sids[c.sid] = await r.session(c.sid === 0 ? 'full' : 'read-only');
      },
    );
    await fc.assert(property, { numRuns: Number(process.env.ROBUSTNESS_RUNS ?? 300) });
    if (process.env.ROBUSTNESS_STATS) console.log(stats);
  });

  it('answers an unexpected fault with 2400 and the Tracking-Id, which the JSON log line carries too', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const r = await t().reseller('rb-bob');
    const extra = await withCommands(t(), [...commands, testFault], { log });
    try {
      const res = await extra.call('test-fault', { 'auth-sid': r.sid });
      assert.equal(res.httpStatus, 200);
      assertWellFormed(res.raw, t().clock.now());
      assert.equal(res.code, 2400);
      assert.equal(res.get('Status-Text'), 'Command failed');
      const tid = res.get('Tracking-Id')!;
      assert.deepEqual(res.all('Error'), [`internal error; quote Tracking-Id ${tid} when reporting it`]);
      assert.ok(!res.raw.includes('simulated bug'), 'the fault itself stays in the log');
      const entries = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((e) => e['trackingId'] === tid);
      // The fault's error line, then the request's own line with the code it answered.
      assert.equal(entries.length, 2, `log lines: ${lines.join('')}`);
      assert.deepEqual([entries[1]!['msg'], entries[1]!['request'], entries[1]!['code'], entries[1]!['account']], ['request', 'test-fault', 2400, 'rb-bob']);
      const entry = entries[0]!;
      assert.equal(entry['level'], 50);
      assert.equal(entry['request'], 'test-fault');
      assert.equal(entry['msg'], 'request failed unexpectedly');
      assert.match(entry['err'].message, /simulated bug/);
      assert.match(entry['err'].stack, /test-commands\.ts/);
      // The app is still fine afterwards.
      assert.equal((await extra.call('version', { 'auth-sid': r.sid })).code, 0);
    } finally {
      await extra.close();
    }
  });
});
