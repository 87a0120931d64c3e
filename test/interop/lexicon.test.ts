import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { query } from '../../src/dns/client.ts';
import { RCODE, TYPE } from '../../src/dns/wire/types.ts';
import { createApiKey } from '../../src/services/accounts.ts';
import { forEachDatabase } from '../helpers/harness.ts';
import { addDomain } from '../helpers/zones.ts';
import { presentAnswers } from './dns-tools.ts';

/**
 * The real lexicon CLI (Debian package `lexicon`, provider joker) against the in-process DMAPI
 * listener and DNS server: the ACME dance (create the _acme-challenge TXT, see it served,
 * delete it) plus A and CNAME create/update/delete, with every zone rewrite checked line by line.
 * lexicon re-puts the whole zone on every change, so the other records must survive unchanged.
 */

const wrapper = fileURLToPath(new URL('./lexicon-run.py', import.meta.url));

/** The first python3 that imports lexicon's CLI (Debian installs it for /usr/bin/python3). */
function pythonWithLexicon(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import lexicon.cli, lexicon.providers.joker, tldextract'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

const python = pythonWithLexicon();
if (!python && process.env.CI === 'true') throw new Error('lexicon is required under CI (.ci/run installs the Debian package lexicon)');
if (!python) console.error('note: lexicon (Debian package) not found for python3; skipping the lexicon interop test');
const skip = !python && 'lexicon not installed (apt-get install lexicon)';

const DOMAIN = 'lexicon-interop.com';
const OTHER = 'lexicon-other.com';
/** Two tokens at one name, as a certificate for the domain and its wildcard needs. */
const TOKEN_A = 'SrqD25Gpm3WtIGKCqhgsLeXWE_FAD5Hv9CRoLAHxlIE';
const TOKEN_B = 'c8mXk-2vTtQy0d4Rz9LwPq_7NhJbGfUe3sAiOoVyZ1k';

const BASE_ZONE = [
  '$dnssec=no',
  '$dyndns=no::',
  'www A 0 192.0.2.10 3600',
  `@ MX 10 mail.${DOMAIN}. 3600`,
  'mail A 0 192.0.2.25 3600',
  '@ TXT 0 "v=spf1 mx -all" 3600',
  `_sip._tcp SRV 10/5 sip.${DOMAIN}:5060 3600`,
].join('\n');
/** dns-zone-get's rendering of BASE_ZONE: the TXT value in the §5.4 shape. */
const BASE_LINES = ['$dnssec=no', '$dyndns=no::', 'www A 0 192.0.2.10 3600', `@ MX 10 mail.${DOMAIN}. 3600`, 'mail A 0 192.0.2.25 3600', '@ TXT 0  "v=spf1 mx -all " 3600', `_sip._tcp SRV 10/5 sip.${DOMAIN}:5060 3600`];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

interface LexRecord {
  id: string;
  type: string;
  name: string;
  ttl: number;
  content: string;
}

forEachDatabase(
  'interop: lexicon (joker provider) against dmapid',
  (t) => {
    let base = '';
    let key = '';
    let readOnlyKey = '';
    let strangerKey = '';
    let sid = '';
    let otherZone = '';
    let cwd = '';
    const times: number[] = [];

    /** `lexicon joker <action> <domain> <type> …` through the wrapper, with `--auth-token`. */
    const lexicon = (args: string[], token = key): Promise<Run> => {
      const env: NodeJS.ProcessEnv = { ...process.env, DMAPI_URL: base, TLDEXTRACT_CACHE_PATH: join(cwd, 'tldextract') };
      for (const name of Object.keys(env)) if (name.startsWith('LEXICON_')) delete env[name];
      const start = performance.now();
      return new Promise((resolve) => {
        execFile(python!, [wrapper, 'joker', ...args, '--auth-token', token], { env, cwd, timeout: 60_000 }, (err, stdout, stderr) => {
          const ms = performance.now() - start;
          times.push(ms);
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms });
        });
      });
    };
    const ok = async (args: string[]): Promise<Run> => {
      const run = await lexicon(args);
      assert.equal(run.code, 0, `lexicon ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
      return run;
    };
    const list = async (type: string, extra: string[] = []): Promise<LexRecord[]> => JSON.parse((await ok(['list', DOMAIN, type, '--output', 'JSON', ...extra])).stdout) as LexRecord[];

    const zoneLines = async (domain = DOMAIN): Promise<string[]> => {
      const r = await t().call('dns-zone-get', { 'auth-sid': sid, domain });
      assert.equal(r.code, 0, r.raw);
      assert.ok(r.body.endsWith('\n'), 'dns-zone-get ends its body with a newline');
      return r.body.slice(0, -1).split('\n');
    };
    const dnsAt = () => ({ host: '127.0.0.1', port: t().app.dns!.port });
    const answers = async (name: string, type: number) => presentAnswers(await query(dnsAt(), name, type, { tcp: true }));
    const serial = async () => {
      const d = (await query(dnsAt(), DOMAIN, TYPE.SOA)).answers[0]!.data;
      return d.type === 'SOA' ? d.serial : -1;
    };

    before(async () => {
      if (skip) return;
      const { app, clock } = t();
      base = await app.http.listen({ port: 0, host: '127.0.0.1' });
      await app.dns!.listen();
      cwd = mkdtempSync(join(tmpdir(), 'dmapid-lexicon-'));

      const r = await t().reseller('lexicon-reseller');
      sid = r.sid;
      key = (await createApiKey(app.deps.db, r.account.id, 'full', 'lexicon', clock.now())).key;
      readOnlyKey = (await createApiKey(app.deps.db, r.account.id, 'read-only', 'lexicon read-only', clock.now())).key;
      const stranger = await t().reseller('lexicon-stranger');
      strangerKey = (await createApiKey(app.deps.db, stranger.account.id, 'full', 'stranger', clock.now())).key;

      // lexicon accepts a domain only when every status word is production, lock or autorenew.
      const id = await addDomain(t(), r.account.id, DOMAIN);
      await app.deps.db.updateTable('domains').set({ locked: 1, autorenew: 1 }).where('id', '=', id).execute();
      await addDomain(t(), r.account.id, OTHER);
      for (const [domain, zone] of [
        [DOMAIN, BASE_ZONE],
        [OTHER, '$dnssec=no\n$dyndns=no::\n_acme-challenge TXT 0 "other-token" 120\nwww A 0 198.51.100.1 3600'],
      ] as const) {
        const put = await t().call('dns-zone-put', { 'auth-sid': sid, domain, zone });
        assert.equal(put.code, 0, put.raw);
      }
      assert.deepEqual(await zoneLines(), BASE_LINES);
      otherZone = (await zoneLines(OTHER)).join('\n');
    });
    after(() => {
      if (cwd) rmSync(cwd, { recursive: true, force: true });
    });

    it('the ACME dance: create the _acme-challenge TXT, list it, serve it, create it again, delete it', { skip }, async () => {
      const created = await ok(['create', DOMAIN, 'TXT', '--name', '_acme-challenge', '--content', TOKEN_A, '--ttl', '120']);
      assert.doesNotMatch(created.stdout + created.stderr, /Traceback|Error/);
      const acmeA = `_acme-challenge TXT 0  "${TOKEN_A} " 120`;
      assert.deepEqual(await zoneLines(), [...BASE_LINES, acmeA]);

      // lexicon reads the quirky line back as the bare token.
      assert.deepEqual(
        (await list('TXT')).map(({ name, ttl, content }) => ({ name, ttl, content })),
        [
          { name: DOMAIN, ttl: 3600, content: 'v=spf1 mx -all' },
          { name: `_acme-challenge.${DOMAIN}`, ttl: 120, content: TOKEN_A },
        ],
      );
      const table = await ok(['list', DOMAIN, 'TXT', '--name', '_acme-challenge']);
      assert.match(table.stdout, new RegExp(`TXT\\s+_acme-challenge\\.${DOMAIN.replace('.', '\\.')}\\s+${TOKEN_A}\\s+120`));

      // The authoritative server answers what the ACME CA will ask.
      assert.deepEqual(await answers(`_acme-challenge.${DOMAIN}`, TYPE.TXT), [`_acme-challenge.${DOMAIN}. 120 IN TXT "${TOKEN_A}"`]);

      // A retried create finds the record (it compares the unquoted value) and writes nothing.
      const before = await serial();
      await ok(['create', DOMAIN, 'TXT', '--name', `_acme-challenge.${DOMAIN}`, '--content', TOKEN_A, '--ttl', '120']);
      assert.deepEqual(await zoneLines(), [...BASE_LINES, acmeA]);
      assert.equal(await serial(), before, 'no dns-zone-put for a duplicate');

      // A second token at the same name (domain + wildcard certificate); both are served.
      await ok(['create', DOMAIN, 'TXT', '--name', '_acme-challenge', '--content', TOKEN_B, '--ttl', '120']);
      const acmeB = `_acme-challenge TXT 0  "${TOKEN_B} " 120`;
      assert.deepEqual(await zoneLines(), [...BASE_LINES, acmeA, acmeB]);
      assert.deepEqual((await answers(`_acme-challenge.${DOMAIN}`, TYPE.TXT)).sort(), [`_acme-challenge.${DOMAIN}. 120 IN TXT "${TOKEN_A}"`, `_acme-challenge.${DOMAIN}. 120 IN TXT "${TOKEN_B}"`].sort());

      // Cleanup of one token removes that line only; the re-put quirky lines come back unchanged.
      await ok(['delete', DOMAIN, 'TXT', '--name', '_acme-challenge', '--content', TOKEN_A]);
      assert.deepEqual(await zoneLines(), [...BASE_LINES, acmeB]);
      assert.deepEqual(await answers(`_acme-challenge.${DOMAIN}`, TYPE.TXT), [`_acme-challenge.${DOMAIN}. 120 IN TXT "${TOKEN_B}"`]);
      await ok(['delete', DOMAIN, 'TXT', '--name', '_acme-challenge', '--content', TOKEN_B]);
      assert.deepEqual(await zoneLines(), BASE_LINES);
      assert.equal((await query(dnsAt(), `_acme-challenge.${DOMAIN}`, TYPE.TXT)).rcode, RCODE.NXDOMAIN);
      assert.deepEqual(await answers(DOMAIN, TYPE.TXT), [`${DOMAIN}. 3600 IN TXT "v=spf1 mx -all"`], 'the SPF record at the apex stays');
    });

    it('A and CNAME: create, create again, update by name and by identifier, delete', { skip }, async () => {
      await ok(['create', DOMAIN, 'A', '--name', `host.${DOMAIN}`, '--content', '192.0.2.20']);
      await ok(['create', DOMAIN, 'CNAME', '--name', 'alias', '--content', `host.${DOMAIN}`]);
      const hostA = 'host A 0 192.0.2.20 3600';
      const alias = `alias CNAME 0 host.${DOMAIN} 3600`;
      assert.deepEqual(await zoneLines(), [...BASE_LINES, hostA, alias]);
      const before = await serial();
      await ok(['create', DOMAIN, 'A', '--name', 'host', '--content', '192.0.2.20']);
      await ok(['create', DOMAIN, 'CNAME', '--name', 'alias', '--content', `host.${DOMAIN}`]);
      assert.deepEqual(await zoneLines(), [...BASE_LINES, hostA, alias]);
      assert.equal(await serial(), before, 'no dns-zone-put for duplicates');

      assert.deepEqual(
        (await list('A')).map(({ name, content }) => `${name} ${content}`),
        [`www.${DOMAIN} 192.0.2.10`, `mail.${DOMAIN} 192.0.2.25`, `host.${DOMAIN} 192.0.2.20`],
      );
      assert.deepEqual(await answers(`alias.${DOMAIN}`, TYPE.A), [`alias.${DOMAIN}. 3600 IN CNAME host.${DOMAIN}.`, `host.${DOMAIN}. 3600 IN A 192.0.2.20`]);

      // Update by type + name keeps the line's position.
      await ok(['update', DOMAIN, 'A', '--name', 'host', '--content', '192.0.2.21', '--ttl', '600']);
      const hostA2 = 'host A 0 192.0.2.21 600';
      assert.deepEqual(await zoneLines(), [...BASE_LINES, hostA2, alias]);
      assert.deepEqual(await answers(`host.${DOMAIN}`, TYPE.A), [`host.${DOMAIN}. 600 IN A 192.0.2.21`]);

      // Update by the identifier lexicon's list printed.
      const [cname] = await list('CNAME', ['--name', 'alias']);
      assert.ok(cname, 'list shows the CNAME');
      assert.equal(cname.content, `host.${DOMAIN}`);
      await ok(['update', DOMAIN, 'CNAME', '--identifier', cname.id, '--content', `www.${DOMAIN}`]);
      const alias2 = `alias CNAME 0 www.${DOMAIN} 3600`;
      assert.deepEqual(await zoneLines(), [...BASE_LINES, hostA2, alias2]);
      assert.deepEqual(await answers(`alias.${DOMAIN}`, TYPE.CNAME), [`alias.${DOMAIN}. 3600 IN CNAME www.${DOMAIN}.`]);

      // Delete by name without content: the A records at that name only.
      await ok(['delete', DOMAIN, 'A', '--name', 'host']);
      assert.deepEqual(await zoneLines(), [...BASE_LINES, alias2]);
      assert.equal((await query(dnsAt(), `host.${DOMAIN}`, TYPE.A)).rcode, RCODE.NXDOMAIN);
      const [cname2] = await list('CNAME');
      await ok(['delete', DOMAIN, 'CNAME', '--identifier', cname2!.id]);
      assert.deepEqual(await zoneLines(), BASE_LINES);
      assert.deepEqual(await list('CNAME'), []);
    });

    it('a read-only key lists but cannot change; another reseller’s key does not see the domain; a bad key is refused', { skip }, async () => {
      const listed = await lexicon(['list', DOMAIN, 'MX', '--output', 'JSON'], readOnlyKey);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual((JSON.parse(listed.stdout) as LexRecord[]).map((r) => `${r.name} ${r.content}`), [`${DOMAIN} mail.${DOMAIN}.`]);

      // lexicon builds its message from Status-Code, Status-Text and the Error header (§1.6).
      const refused = await lexicon(['create', DOMAIN, 'TXT', '--name', '_acme-challenge', '--content', TOKEN_A], readOnlyKey);
      assert.notEqual(refused.code, 0);
      // lexicon keeps an Error value only up to its first colon: the reason must reach the user whole.
      assert.match(refused.stderr, /HTTPError: 2201 Error: Authorization error \(this session uses a read-only API key, which cannot modify anything \(dns-zone-put\)\) for url: http:\/\/127\.0\.0\.1:\d+\/request\/dns-zone-put/);
      assert.deepEqual(await zoneLines(), BASE_LINES);

      const stranger = await lexicon(['list', DOMAIN, 'TXT'], strangerKey);
      assert.notEqual(stranger.code, 0);
      assert.match(stranger.stderr, new RegExp(`AuthenticationError: Domain ${DOMAIN.replace('.', '\\.')} is not registered with this account\\.`));

      const bad = await lexicon(['list', DOMAIN, 'TXT'], 'not-a-key');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /requests\.exceptions\.HTTPError: 2200 Error: Authentication error \(.+\) for url: http:\/\/127\.0\.0\.1:\d+\/request\/login/);
      assert.doesNotMatch(bad.stderr, /KeyError/);
    });

    it('the other domain of the account was never touched', { skip }, async () => {
      assert.equal((await zoneLines(OTHER)).join('\n'), otherZone);
      const sorted = [...times].sort((a, b) => a - b);
      console.log(`# lexicon runs [${t().dialect}]: ${times.length}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms, total ${times.reduce((a, b) => a + b, 0).toFixed(0)} ms`);
    });
  },
  { dnsHost: ['127.0.0.1'], dnsPort: 0 },
);
