import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegistries, registryOfName } from './settings.ts';
import { Circuit, RateLimit } from './circuit.ts';
import { maskFrame } from '../../frames.ts';
import { startTestApp } from '../../../../test/helpers/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'registries-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (content: unknown) => {
  const path = join(dir, `r-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('registries file', () => {
  it('reads registries, their TLDs and secrets from the environment or files', () => {
    const pwFile = join(dir, 'pw');
    writeFileSync(pwFile, 'from-a-file\n');
    const targets = loadRegistries(file({ verisign: { host: 'epp.example', login: 'reg-1', passwordEnv: 'VS_PW', tlds: ['com', 'net'], contactPrefix: 'DMP' }, denic: { host: 'epp.denic.example', port: 7001, login: 'reg-2', passwordFile: pwFile, tlds: ['de'], sessions: 4 } }), { VS_PW: 'from-env' });
    assert.deepEqual(targets.map((t) => [t.name, t.port, t.password, t.sessions, t.contactPrefix]), [['verisign', 700, 'from-env', 2, 'DMP'], ['denic', 7001, 'from-a-file', 4, '']]);
    assert.equal(registryOfName(targets, 'example.net')?.name, 'verisign');
    assert.equal(registryOfName(targets, 'ns1.example.de')?.name, 'denic');
    assert.equal(registryOfName(targets, 'example.org'), undefined);
  });

  it('prefers the longest TLD', () => {
    const t = [{ name: 'a', tlds: ['uk'] }, { name: 'b', tlds: ['co.uk'] }];
    assert.equal(registryOfName(t, 'x.co.uk')?.name, 'b');
    assert.equal(registryOfName(t, 'x.org.uk')?.name, 'a');
  });

  it('names every problem, and never a secret', () => {
    const bad = (content: unknown, env: NodeJS.ProcessEnv, pattern: RegExp) => assert.throws(() => loadRegistries(file(content), env), pattern);
    bad('{ not json', {}, /registries file .*JSON/);
    bad({}, {}, /name at least one registry/);
    bad({ x: { host: 'h', login: 'reg', tlds: ['com'] } }, {}, /exactly one of passwordEnv and passwordFile/);
    bad({ x: { host: 'h', login: 'reg', passwordEnv: 'P', tlds: ['com'], certFile: '/c.pem' } }, { P: 'x' }, /certFile and keyFile go together/);
    bad({ x: { host: 'h', login: 'reg', passwordEnv: 'P', tlds: ['.com'] } }, { P: 'x' }, /tlds\.0/);
    bad({ x: { host: 'h', login: 'reg', passwordEnv: 'P', tlds: ['com'], pasword: 'typo' } }, { P: 'x' }, /pasword/);
    bad({ x: { host: 'h', login: 'reg', passwordEnv: 'MISSING', tlds: ['com'] } }, {}, /MISSING is not set/);
    bad({ x: { host: 'h', login: 'reg', passwordEnv: 'P', tlds: ['com'] }, y: { host: 'h', login: 'reg', passwordEnv: 'P', tlds: ['com'] } }, { P: 'x' }, /\.com is served by both x and y/);
    try {
      loadRegistries(file({ x: { host: 'h', login: 'r', passwordEnv: 'P', tlds: ['com'] } }), { P: 'Very-Secret-1' });
    } catch (e) {
      assert.doesNotMatch((e as Error).message, /Very-Secret-1/);
    }
  });
});

describe('DMAPID_REGISTRY=epp', () => {
  it('does not start with a registries file it cannot use', async () => {
    await assert.rejects(startTestApp('sqlite', { registry: 'epp', registriesFile: join(dir, 'missing.json') }), /registries file .*missing\.json/);
    await assert.rejects(startTestApp('sqlite', { registry: 'epp', registriesFile: file({ x: { host: 'h', login: 'reg', passwordEnv: 'DMAPID_TEST_UNSET_PW', tlds: ['com'] } }) }), /DMAPID_TEST_UNSET_PW is not set/);
  });
});

describe('circuit and rate limit', () => {
  it('backs off failed connections, opens after the threshold, probes once, closes on success', () => {
    let now = 0;
    const c = new Circuit({ threshold: 3, baseMs: 1000, maxMs: 8000, now: () => now });
    assert.equal(c.state, 'closed');
    c.failure('connect');
    assert.equal(c.mayConnect(), false);
    assert.equal(c.waitMs(), 1000);
    now = 1000;
    assert.ok(c.mayConnect());
    c.failure('exchange');
    assert.ok(c.mayConnect(), 'a lost answer does not delay a new connection');
    c.failure('connect');
    assert.equal(c.state, 'open');
    assert.equal(c.allow(), false);
    now += 1000;
    assert.equal(c.state, 'half-open');
    assert.equal(c.allow(), true, 'one probe');
    assert.equal(c.allow(), false, 'only one');
    c.failure('connect');
    assert.equal(c.state, 'open');
    assert.equal(c.waitMs(), 4000, 'the wait doubles (connect backoff of the third connect failure)');
    now += 4000;
    assert.ok(c.allow());
    c.abandon();
    assert.ok(c.allow(), 'a probe that was not made lets the next call probe');
    c.success();
    assert.deepEqual([c.state, c.waitMs(), c.consecutiveFailures], ['closed', 0, 0]);
  });

  it('spaces commands 1/rate apart', () => {
    let now = 0;
    const r = new RateLimit(4, () => now);
    assert.deepEqual([r.delay(), r.delay(), r.delay()], [0, 250, 500]);
    now = 2000;
    assert.equal(r.delay(), 0);
  });
});

describe('frame masking', () => {
  it('masks login passwords and auth codes, keeps the empty pw of RFC 9154 and the rest', () => {
    const xml = '<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><login><clID>reg</clID><pw>Login-Pw-1</pw><newPW>New-Pw-2</newPW></login></command></epp>';
    const masked = maskFrame(xml);
    assert.doesNotMatch(masked, /Login-Pw-1|New-Pw-2/);
    assert.match(masked, /<clID>reg<\/clID><pw>\*{8}<\/pw><newPW>\*{8}<\/newPW>/);
    const empty = '<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><x:authInfo xmlns:x="urn:ietf:params:xml:ns:domain-1.0"><x:pw/></x:authInfo></epp>';
    assert.match(maskFrame(empty), /<x:pw\/>/);
    assert.equal(maskFrame('<bad><pw>Leak-3</pw>'), '<bad><pw>********</pw>', 'not XML: masked all the same');
  });
});
