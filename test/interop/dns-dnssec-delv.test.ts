import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALGORITHM, dnskeyOf, generateKey, ZSK_FLAGS, type Algorithm } from '../../src/dns/dnssec/keys.ts';
import { RFC9276 } from '../../src/dns/dnssec/nsec3.ts';
import { signZone, type ZoneKey } from '../../src/dns/dnssec/sign.ts';
import { testKeys } from '../../src/dns/dnssec/test-keys.ts';
import { MemoryZoneSource } from '../../src/dns/memory-zone-source.ts';
import { DnsServer } from '../../src/dns/server/server.ts';
import { exampleZone } from '../../src/dns/server/test-zone.ts';
import type { ZoneSnapshot } from '../../src/dns/zone-source.ts';
import { createLogger } from '../../src/obs/logger.ts';
import { axfrZoneFile, checkSignedZone, findTool, needTools, runTool } from './dns-tools.ts';

const run = promisify(execFile);

/**
 * Validation by BIND's delv with the zones' KSKs as trust anchors (delv knows only the real
 * time, so these zones are signed now): signed names validate, NXDOMAIN and NODATA are proven,
 * a record changed after signing fails, and so does every step of a ZSK rollover not.
 */
const now = () => Math.floor(Date.now() / 1000);
const sign = (zone: ZoneSnapshot, keys: ZoneKey[], denial: 'nsec' | 'nsec3' = 'nsec3') => signZone(zone, { keys, inception: now() - 3600, expiration: now() + 86400, denial, nsec3: RFC9276, dnskeyTtl: 3600 });

describe('interop: delv validates signed zones; kdig shows the signatures', { skip: needTools('delv', 'kdig', 'dnssec-verify') }, () => {
  const source = new MemoryZoneSource();
  const server = new DnsServer({ source, hosts: ['127.0.0.1'], port: 0, log: createLogger('silent') });
  const dir = mkdtempSync(join(tmpdir(), 'dmapid-delv-'));
  const anchors = join(dir, 'anchors.conf');
  const zones: Record<string, { keys: ZoneKey[]; denial: 'nsec' | 'nsec3'; algorithm: Algorithm }> = {
    'nsec3.test': { keys: testKeys(), denial: 'nsec3', algorithm: ALGORITHM.ECDSAP256SHA256 },
    'nsec.test': { keys: testKeys(ALGORITHM.ED25519), denial: 'nsec', algorithm: ALGORITHM.ED25519 },
    'tampered.test': { keys: testKeys(), denial: 'nsec3', algorithm: ALGORITHM.ECDSAP256SHA256 },
    'roll.test': { keys: testKeys(), denial: 'nsec3', algorithm: ALGORITHM.ECDSAP256SHA256 },
  };

  const delv = async (name: string, type: string, zone: string): Promise<string> => {
    // delv reports failures on stderr and exits non-zero; both streams are what it said.
    const r = await run(findTool('delv')!, ['@127.0.0.1', '-p', String(server.port), '-a', anchors, `+root=${zone}`, '+tcp', name, type], { timeout: 20_000 }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
    return r.stdout + r.stderr;
  };

  before(async () => {
    for (const [origin, z] of Object.entries(zones)) source.put(sign(exampleZone(origin), z.keys, z.denial));
    const t = source.get('tampered.test')!;
    source.put({ ...t, records: t.records.map((r) => (r.name === 'mail.tampered.test' && r.data.type === 'A' ? { ...r, data: { type: 'A', address: '192.0.2.66' } } : r)) });
    const lines = Object.entries(zones).map(([origin, z]) => {
      const k = dnskeyOf(z.keys[0]!.key);
      return `  ${origin}. static-key ${k.flags} ${k.protocol} ${k.algorithm} "${k.publicKey}";`;
    });
    writeFileSync(anchors, `trust-anchors {\n${lines.join('\n')}\n};\n`);
    await server.listen();
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const zone of ['nsec3.test', 'nsec.test']) {
    it(`${zone}: answers, CNAME chains, wildcards, NXDOMAIN and NODATA validate`, async () => {
      for (const [name, type] of [[zone, 'A'], [`alias.${zone}`, 'A'], [`x.wild.${zone}`, 'TXT'], [zone, 'DNSKEY'], [zone, 'CDS'], [`sub.${zone}`, 'DS'], [`_sip._tcp.${zone}`, 'SRV']]) {
        assert.match(await delv(name!, type!, zone), /; fully validated/, `${name} ${type}`);
      }
      for (const [name, type, what] of [[`nothere.${zone}`, 'A', 'nxdomain'], [`a.nothere.${zone}`, 'AAAA', 'nxdomain'], [`mail.${zone}`, 'TXT', 'nxrrset'], [`c.${zone}`, 'A', 'nxrrset'], [`x.wild.${zone}`, 'MX', 'nxrrset']]) {
        const out = await delv(name!, type!, zone);
        assert.match(out, /; negative response, fully validated/, `${name} ${type}: ${out}`);
        assert.match(out, new RegExp(`ncache ${what}`));
      }
    });
  }

  it('a record changed after signing fails validation (and dnssec-verify rejects the transferred zone)', async () => {
    const out = await delv('mail.tampered.test', 'A', 'tampered.test');
    assert.doesNotMatch(out, /fully validated/);
    assert.match(out, /resolution failed|validation failed|RRSIG failed to verify/);
    // The rest of the zone still validates: the failure is the changed RRset's.
    assert.match(await delv('tampered.test', 'A', 'tampered.test'), /; fully validated/);
    await assert.rejects(checkSignedZone(await axfrZoneFile(server.port, 'tampered.test'), 'tampered.test'), /mail\.tampered\.test A/);
  });

  it('kdig +dnssec shows the RRSIGs and the DO bit echoed', async () => {
    const out = await runTool('kdig', ['@127.0.0.1', '-p', String(server.port), '+dnssec', '+tcp', 'www.nsec3.test', 'A']);
    assert.match(out, /EDNS PSEUDOSECTION:[\s\S]*flags: do/);
    assert.match(out, /www\.nsec3\.test\.\s+3600\s+IN\s+RRSIG\s+CNAME 13 3 3600/);
  });

  it('every step of a ZSK pre-publish rollover validates, and dnssec-verify accepts each AXFR', async () => {
    const z = zones['roll.test']!;
    const [ksk, oldZsk] = z.keys as [ZoneKey, ZoneKey];
    const newZsk = generateKey(z.algorithm, ZSK_FLAGS);
    const stages: Array<[string, ZoneKey[]]> = [
      ['new ZSK published', [ksk, oldZsk, { key: newZsk, signs: false }]],
      ['new ZSK signs, old retired', [ksk, { ...oldZsk, signs: false }, { key: newZsk, signs: true }]],
      ['old ZSK removed', [ksk, { key: newZsk, signs: true }]],
    ];
    let serial = source.get('roll.test')!.soa.serial;
    for (const [stage, keys] of stages) {
      const base = exampleZone('roll.test', ++serial);
      source.put(sign(base, keys));
      const out = await delv('mail.roll.test', 'A', 'roll.test');
      assert.match(out, /; fully validated/, stage);
      assert.match(out, new RegExp(`RRSIG\\s+A 13 3 3600 \\d+ \\d+ ${keys.find((k) => k.signs && k.key.flags === ZSK_FLAGS)!.key.keyTag} `), stage);
      assert.match(await checkSignedZone(await axfrZoneFile(server.port, 'roll.test'), 'roll.test'), /Zone fully signed/, stage);
    }
  });
});
