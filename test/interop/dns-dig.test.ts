import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../src/dns/client.ts';
import { MemoryZoneSource } from '../../src/dns/memory-zone-source.ts';
import { DnsServer } from '../../src/dns/server/server.ts';
import { exampleZone } from '../../src/dns/server/test-zone.ts';
import { typeCode } from '../../src/dns/wire/types.ts';
import { createLogger } from '../../src/obs/logger.ts';
import { answerLines, needTools, presentAnswers, runTool } from './dns-tools.ts';

/** Every record type, asked with dig and kdig; the answers must be exactly what the server holds. */
const questions: Array<[string, string]> = [
  ['example.test', 'SOA'],
  ['example.test', 'NS'],
  ['example.test', 'A'],
  ['example.test', 'AAAA'],
  ['example.test', 'MX'],
  ['www.example.test', 'CNAME'],
  ['alias.example.test', 'A'],
  ['txt.example.test', 'TXT'],
  ['_sip._tcp.example.test', 'SRV'],
  ['caa.example.test', 'CAA'],
  ['naptr.example.test', 'NAPTR'],
  ['ptr.example.test', 'PTR'],
  ['sub.example.test', 'DS'],
  ['x.wild.example.test', 'A'],
];

describe('interop: dig and kdig against the DNS server', { skip: needTools('dig', 'kdig') }, () => {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  const server = new DnsServer({ source, hosts: ['127.0.0.1'], port: 0, log: createLogger('silent') });
  let port = 0;
  before(async () => {
    await server.listen();
    port = server.port;
  });
  after(() => server.close());

  const expected = async (name: string, type: string) => presentAnswers(await query({ host: '127.0.0.1', port }, name, typeCode(type)!, { tcp: true }));

  for (const tool of ['dig', 'kdig'] as const) {
    it(`${tool}: every record type, over UDP and TCP`, async () => {
      for (const [name, type] of questions) {
        const want = await expected(name, type);
        assert.ok(want.length > 0, `${name} ${type} has data`);
        for (const tcp of [false, true]) {
          const out = await runTool(tool, [`@127.0.0.1`, '-p', String(port), '+norec', '+noall', '+answer', ...(tcp ? ['+tcp'] : []), name, type]);
          assert.deepEqual(answerLines(out), want, `${tool} ${tcp ? 'TCP' : 'UDP'} ${name} ${type}:\n${out}`);
        }
      }
    });
  }

  it('dig sees AA, NXDOMAIN with the SOA, and REFUSED outside the zones', async () => {
    const nx = await runTool('dig', ['@127.0.0.1', '-p', String(port), '+norec', 'nope.example.test', 'A']);
    assert.match(nx, /status: NXDOMAIN/);
    assert.match(nx, /flags: qr aa;/);
    assert.match(nx, /AUTHORITY SECTION:\nexample\.test\.\s+300\s+IN\s+SOA\s+ns1\.example\.test\. hostmaster\.example\.test\. 2026011501/);
    const refused = await runTool('dig', ['@127.0.0.1', '-p', String(port), '+norec', 'example.org', 'A']);
    assert.match(refused, /status: REFUSED/);
    const referral = await runTool('dig', ['@127.0.0.1', '-p', String(port), '+norec', 'www.sub.example.test', 'A']);
    assert.match(referral, /flags: qr;/);
    assert.match(referral, /ADDITIONAL SECTION:\nns\.sub\.example\.test\.\s+3600\s+IN\s+A\s+192\.0\.2\.200/);
  });

  it('dig retries a truncated UDP answer over TCP and gets it whole', async () => {
    const out = await runTool('dig', ['@127.0.0.1', '-p', String(port), '+norec', '+bufsize=512', 'long.example.test', 'TXT']);
    assert.match(out, /Truncated, retrying in TCP mode/);
    assert.match(out, /SERVER: 127\.0\.0\.1#\d+\(127\.0\.0\.1\) \(TCP\)/);
    assert.deepEqual(answerLines(out.split('ANSWER SECTION:')[1]!.split('\n\n')[0]!), await expected('long.example.test', 'TXT'));
  });

  it('dig and kdig transfer the zone (AXFR) with the SOA first and last', async () => {
    const want = (await runTool('dig', ['@127.0.0.1', '-p', String(port), '+noall', '+answer', 'example.test', 'AXFR']));
    const lines = answerLines(want);
    assert.match(lines[0]!, /^example\.test\. 3600 IN SOA /);
    assert.equal(lines.at(-1), lines[0]);
    assert.equal(lines.length, exampleZone().records.length - 1 + 2);
    const k = answerLines(await runTool('kdig', ['@127.0.0.1', '-p', String(port), '+noall', '+answer', 'example.test', 'AXFR']));
    assert.deepEqual(k, lines);
    // IXFR from an old serial: the whole zone (no history kept), which dig accepts.
    const ixfr = answerLines(await runTool('dig', ['@127.0.0.1', '-p', String(port), '+noall', '+answer', 'example.test', 'IXFR=2026010100']));
    assert.deepEqual(ixfr, lines);
  });

  it('kdig shows our EDNS: version 0, payload 1232, the DO bit echoed', async () => {
    const out = await runTool('kdig', ['@127.0.0.1', '-p', String(port), '+norec', '+dnssec', 'example.test', 'A']);
    assert.match(out, /EDNS PSEUDOSECTION:\n;; Version: 0; flags: do; UDP size: 1232 B/);
  });
});
