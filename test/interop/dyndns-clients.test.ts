import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '../../src/dns/client.ts';
import { TYPE } from '../../src/dns/wire/types.ts';
import { forEachDatabase } from '../helpers/harness.ts';
import { addDomain } from '../helpers/zones.ts';
import { findTool, needTools, presentAnswers } from './dns-tools.ts';

/**
 * DynDNS clients from Debian, unchanged, against the in-process listener and DNS server:
 * inadyn 2.10 with its `custom` provider, and ddclient 3.10 with Joker's own recipe
 * (`server=<host>/nic/update?`, `use=web, web=<host>/nic/checkip`): the doubled path and the
 * checkip page. Each updates a DYNA record that the DNS server then answers.
 */

const skip = needTools('inadyn', 'ddclient');

interface Run {
  code: number;
  out: string;
}

const runTool = (file: string, args: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile(file, args, { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });

forEachDatabase(
  'interop: inadyn and ddclient (Joker recipe) against /nic/update and /nic/checkip',
  (t) => {
    let dir = '';
    let base = '';
    let port = 0;
    let sid = '';
    const DOMAIN = 'dyndns-interop.com';

    const zoneLines = async () => (await t().call('dns-zone-get', { 'auth-sid': sid, domain: DOMAIN })).body.trimEnd().split('\n');
    const answers = async (name: string) => presentAnswers(await query({ host: '127.0.0.1', port: t().app.dns!.port }, name, TYPE.A));

    before(async () => {
      if (skip) return;
      const { app } = t();
      await app.http.listen({ port: 0, host: '127.0.0.1' });
      await app.dns!.listen();
      port = (app.http.server.address() as AddressInfo).port;
      base = `127.0.0.1:${port}`;
      dir = mkdtempSync(join(tmpdir(), 'dmapid-dyndns-clients-'));
      const r = await t().reseller('dyndns-clients');
      sid = r.sid;
      await addDomain(t(), r.account.id, DOMAIN);
      const put = await t().call('dns-zone-put', { 'auth-sid': sid, domain: DOMAIN, zone: '$dyndns=yes:home-user:home-secret-1\nrouter DYNA 0 192.0.2.1 60\nnas DYNA 0 192.0.2.2 60\nwww A 0 192.0.2.80 3600' });
      assert.equal(put.code, 0, put.raw);
    });
    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('inadyn 2.10 (custom provider, ddns-path with %h and %i) updates the DYNA record: good, then nochg', { skip }, async () => {
      const conf = join(dir, 'inadyn.conf');
      writeFileSync(
        conf,
        [
          `custom dmapid {`,
          `    username = home-user`,
          `    password = home-secret-1`,
          `    ddns-server = "${base}"`,
          `    ddns-path = "/nic/update?hostname=%h&myip=%i"`,
          `    hostname = "router.${DOMAIN}"`,
          `    ssl = false`,
          `    checkip-command = "echo 198.51.100.7"`,
          `}`,
          '',
        ].join('\n'),
      );
      const inadyn = findTool('inadyn')!;
      const args = ['-1', '-n', '-f', conf, '--cache-dir', join(dir, 'inadyn-cache'), '-l', 'debug'];
      const first = await runTool(inadyn, args);
      assert.equal(first.code, 0, first.out);
      assert.match(first.out, new RegExp(`Successful alias table update for router\\.${DOMAIN.replace('.', '\\.')} => new IP# 198\\.51\\.100\\.7`), first.out);
      assert.match(first.out, /DDNS server response: HTTP\/1\.1 200 OK[\s\S]*\ngood 198\.51\.100\.7/, 'inadyn logs the reply it parsed');
      assert.ok((await zoneLines()).includes('router DYNA 0 198.51.100.7 60'));
      assert.deepEqual(await answers(`router.${DOMAIN}`), [`router.${DOMAIN}. 60 IN A 198.51.100.7`]);
      // Forced again with the same address: the server says nochg, which inadyn counts as success.
      const again = await runTool(inadyn, [...args, '--force']);
      assert.equal(again.code, 0, again.out);
      assert.match(again.out, /\nnochg 198\.51\.100\.7[\s\S]*Successful alias table update/);
      assert.ok((await zoneLines()).includes('nas DYNA 0 192.0.2.2 60'), 'the other DYNA record is untouched');
    });

    it("ddclient 3.10 with Joker's recipe: the address from /nic/checkip, the update through `/nic/update?/nic/update?…`", { skip }, async () => {
      const conf = join(dir, 'ddclient.conf');
      writeFileSync(
        conf,
        [
          'daemon=0',
          'ssl=no',
          'syslog=no',
          'protocol=dyndns2',
          // Joker's FAQ: server=svc.joker.com/nic/update? (the script is appended: the path doubles).
          `server=${base}/nic/update?`,
          `use=web, web=${base}/nic/checkip`,
          'login=home-user',
          "password='home-secret-1'",
          `nas.${DOMAIN}`,
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      const run = await runTool(findTool('ddclient')!, ['-daemon=0', '-foreground', '-verbose', '-noquiet', '-file', conf, '-cache', join(dir, 'ddclient.cache')]);
      assert.match(run.out, /SUCCESS/, run.out);
      // The checkip page showed the connection's address, which ddclient then sent as myip.
      assert.match(run.out, /\/nic\/update\?\/nic\/update\?system=dyndns&hostname=nas\./, run.out);
      assert.ok((await zoneLines()).includes('nas DYNA 0 127.0.0.1 60'), (await zoneLines()).join('\n'));
      assert.deepEqual(await answers(`nas.${DOMAIN}`), [`nas.${DOMAIN}. 60 IN A 127.0.0.1`]);
    });
  },
  { dnsHost: ['127.0.0.1'], dnsPort: 0 },
);
