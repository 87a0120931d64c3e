import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../../src/services/accounts.ts';
import { forEachDatabase } from '../helpers/harness.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { addDomain } from '../helpers/zones.ts';
import { findTool, freePort, needTools } from './dns-tools.ts';
import { startTlsFront, type TlsFront } from './tls-front.ts';

/**
 * lego 4.9.1 (Debian) unchanged, issuing a certificate for a name and its wildcard from pebble
 * (Debian) by DNS-01, in both of its Joker modes: DMAPI (login with an API key, dns-zone-get,
 * dns-zone-put, logout) and SVC (/nic/replace with the zone's DynDNS credentials). lego's URLs
 * are fixed (https://dmapi.joker.com, https://svc.joker.com): HTTPS_PROXY points it at a CONNECT
 * proxy that tunnels to a TLS front of dmapid, whose test CA it trusts through SSL_CERT_FILE.
 * Pebble asks dmapid's DNS listener for the challenge; lego finds the zone there too.
 */

const skip = needTools('lego', 'pebble', 'openssl');

interface Run {
  code: number;
  out: string;
  ms: number;
}

forEachDatabase(
  'interop: lego 4.9.1 + pebble, DNS-01 through dmapid (DMAPI and SVC modes)',
  (t) => {
    let front: TlsFront | undefined;
    let pebble: ChildProcess | undefined;
    let pebbleLog = '';
    let pebbleUrl = '';
    let dir = '';
    let key = '';
    let sid = '';
    const runs: number[] = [];

    const zone = (extra = '') => `$dyndns=yes:svc-user:svc-secret-9\nwww A 0 192.0.2.10 3600\n@ TXT 0 "v=spf1 -all" 3600${extra}`;

    const zoneLines = async (domain: string) => (await t().call('dns-zone-get', { 'auth-sid': sid, domain })).body.trimEnd().split('\n');

    const lego = (domain: string, env: Record<string, string>): Promise<Run> => {
      const path = join(dir, `lego-${domain}`);
      const start = performance.now();
      return new Promise((resolve) => {
        execFile(
          findTool('lego')!,
          ['--server', `${pebbleUrl}/dir`, '--accept-tos', '--email', 'certs@example.org', '--dns', 'joker', '--dns.resolvers', `127.0.0.1:${t().app.dns!.port}`, '--dns.disable-cp', '--path', path, '-d', domain, '-d', `*.${domain}`, 'run'],
          {
            timeout: 150_000,
            env: {
              PATH: process.env.PATH ?? '/usr/bin:/bin',
              HOME: dir,
              HTTPS_PROXY: front!.proxyUrl,
              SSL_CERT_FILE: front!.caFile,
              LEGO_CA_CERTIFICATES: front!.caFile,
              JOKER_PROPAGATION_TIMEOUT: '60',
              JOKER_POLLING_INTERVAL: '1',
              JOKER_HTTP_TIMEOUT: '20',
              ...env,
            },
          },
          (err, stdout, stderr) => {
            const ms = performance.now() - start;
            runs.push(ms);
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr, ms });
          },
        );
      });
    };

    /** The certificate lego stored: issued by pebble, for the name and its wildcard. */
    const issued = (domain: string) => {
      const file = join(dir, `lego-${domain}`, 'certificates', `${domain}.crt`);
      assert.ok(existsSync(file), `no certificate at ${file}`);
      const cert = new X509Certificate(readFileSync(file));
      assert.deepEqual(cert.subjectAltName?.split(', ').sort(), [`DNS:*.${domain}`, `DNS:${domain}`]);
      assert.match(cert.issuer, /Pebble/);
    };

    before(async () => {
      if (skip) return;
      const { app, clock } = t();
      await app.http.listen({ port: 0, host: '127.0.0.1' });
      await app.dns!.listen();
      front = await startTlsFront((app.http.server.address() as AddressInfo).port);
      dir = mkdtempSync(join(tmpdir(), 'dmapid-lego-'));

      const r = await t().reseller('lego-reseller');
      sid = r.sid;
      key = (await createApiKey(app.deps.db, r.account.id, 'modify-only', 'lego', clock.now())).key;
      for (const domain of ['lego-dmapi.com', 'lego-svc.com']) {
        await addDomain(t(), r.account.id, domain);
        const put = await t().call('dns-zone-put', { 'auth-sid': sid, domain, zone: zone() });
        assert.equal(put.code, 0, put.raw);
      }

      const [port, mgmt, httpPort, tlsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
      pebbleUrl = `https://127.0.0.1:${port}`;
      const config = join(dir, 'pebble-config.json');
      writeFileSync(config, JSON.stringify({ pebble: { listenAddress: `127.0.0.1:${port}`, managementListenAddress: `127.0.0.1:${mgmt}`, certificate: front.certFile, privateKey: front.keyFile, httpPort, tlsPort, ocspResponderURL: '', externalAccountBindingRequired: false } }));
      pebble = spawn(findTool('pebble')!, ['-config', config, '-dnsserver', `127.0.0.1:${app.dns!.port}`], {
        // No sleeps before validation, no random nonce rejections, a fresh authorization every time.
        env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      pebble.stdout!.on('data', (d: Buffer) => (pebbleLog += d.toString()));
      pebble.stderr!.on('data', (d: Buffer) => (pebbleLog += d.toString()));
      const ca = readFileSync(front.caFile);
      await waitFor(
        () =>
          new Promise<boolean>((resolve) => {
            https.get(`${pebbleUrl}/dir`, { ca }, (res) => {
              res.resume();
              resolve(res.statusCode === 200);
            }).on('error', () => resolve(false));
          }),
        20_000,
        100,
      );
    });
    after(async () => {
      if (pebble && pebble.exitCode === null && pebble.signalCode === null) {
        const exited = new Promise((r) => pebble!.once('exit', r));
        pebble.kill('SIGTERM');
        await exited;
      }
      await front?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('DMAPI mode: login with the API key, two TXT lines appended by dns-zone-put, validated, removed again, logout', { skip }, async () => {
      const before = await zoneLines('lego-dmapi.com');
      const run = await lego('lego-dmapi.com', { JOKER_API_KEY: key, JOKER_API_MODE: 'DMAPI' });
      assert.equal(run.code, 0, `${run.out}\n--- pebble ---\n${pebbleLog}`);
      issued('lego-dmapi.com');
      assert.ok(front!.connects.includes('dmapi.joker.com:443'), front!.connects.join(','));
      // CleanUp dropped its lines by their `_acme-challenge TXT 0 ` prefix; the rest is as it was.
      assert.deepEqual(await zoneLines('lego-dmapi.com'), before);
      const results = await t().app.deps.db.selectFrom('results').select(['request_type', 'object_name', 'status']).where('request_type', '=', 'dns-zone-put').where('object_name', '=', 'lego-dmapi.com').execute();
      assert.ok(results.length >= 3, `two presents and a cleanup, got ${results.length}`);
      assert.ok(results.every((r) => r.status === 'ack'));
      // lego logs out: every session its key opened has ended.
      const keyId = (await t().app.deps.db.selectFrom('api_keys').select('id').where('label', '=', 'lego').executeTakeFirstOrThrow()).id;
      const sessions = await t().app.deps.db.selectFrom('sessions').select('ended_at').where('api_key_id', '=', keyId).execute();
      assert.ok(sessions.length >= 1 && sessions.every((s) => s.ended_at !== null), JSON.stringify(sessions));
    });

    it('SVC mode: /nic/replace with the zone’s DynDNS credentials, one value after the other, then emptied', { skip }, async () => {
      const before = await zoneLines('lego-svc.com');
      const run = await lego('lego-svc.com', { JOKER_API_MODE: 'SVC', JOKER_USERNAME: 'svc-user', JOKER_PASSWORD: 'svc-secret-9', JOKER_SEQUENCE_INTERVAL: '1' });
      assert.equal(run.code, 0, `${run.out}\n--- pebble ---\n${pebbleLog}`);
      issued('lego-svc.com');
      assert.ok(front!.connects.includes('svc.joker.com:443'), front!.connects.join(','));
      assert.deepEqual(await zoneLines('lego-svc.com'), before);
    });

    it('SVC mode with the account password instead of the DynDNS one fails the way lego users report it (401: badauth)', { skip }, async () => {
      const run = await lego('lego-svc.com', { JOKER_API_MODE: 'SVC', JOKER_USERNAME: 'svc-user', JOKER_PASSWORD: 'secret-pw', JOKER_SEQUENCE_INTERVAL: '1' });
      assert.notEqual(run.code, 0);
      assert.match(run.out, /401: badauth/);
      const sorted = [...runs].sort((a, b) => a - b);
      console.log(`# lego runs [${t().dialect}]: ${runs.length}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);
    });
  },
  { dnsHost: ['127.0.0.1'], dnsPort: 0 },
);
