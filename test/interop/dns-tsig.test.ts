import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { wallClock } from '../../src/core/clock.ts';
import { query } from '../../src/dns/client.ts';
import { MemoryZoneSource } from '../../src/dns/memory-zone-source.ts';
import { sendNotify } from '../../src/dns/server/notify.ts';
import { DnsServer } from '../../src/dns/server/server.ts';
import { exampleZone } from '../../src/dns/server/test-zone.ts';
import { parseTsigKeys, type TsigKey } from '../../src/dns/wire/tsig.ts';
import { RCODE, TYPE } from '../../src/dns/wire/types.ts';
import { createLogger } from '../../src/obs/logger.ts';
import { answerLines, needTools, runTool, startKnot, startNsd, waitFor, type Knot, type Nsd } from './dns-tools.ts';

const [knotKey, nsdKey] = parseTsigKeys('knot-key:hmac-sha256:ZG1hcGlkLXRzaWctdGVzdC1rbm90LXNlY3JldA==,nsd-key:hmac-sha512:ZG1hcGlkLXRzaWctdGVzdC1uc2Qtc2VjcmV0') as [TsigKey, TsigKey];
const forged = (k: TsigKey): TsigKey => ({ ...k, secret: Buffer.from('a secret nobody shared') });
/** dig's answer lines without the TSIG pseudo-records it prints among them. */
const records = (out: string) => answerLines(out).filter((l) => !l.includes(' TSIG '));
const dashY = (k: TsigKey) => `${k.algorithm}:${k.name}:${Buffer.from(k.secret).toString('base64')}`;

describe('interop: TSIG with dig, kdig, Knot and NSD', { skip: needTools('knotd', 'kdig', 'dig', 'nsd') }, () => {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  const server = new DnsServer({
    source,
    hosts: ['127.0.0.1'],
    port: 0,
    transferAcl: ['127.0.0.1 key knot-key', '127.0.0.1 key nsd-key'],
    tsigKeys: new Map([knotKey, nsdKey].map((k) => [k.name, k])),
    log: createLogger('silent'),
  });
  const ours = () => ['-p', String(server.port), '@127.0.0.1'];
  let knot: Knot;
  let wrongKnot: Knot;
  let nsd: Nsd;
  before(async () => {
    await server.listen();
    [knot, wrongKnot, nsd] = await Promise.all([
      startKnot(server.port, ['example.test'], undefined, { tsig: knotKey }),
      startKnot(server.port, ['example.test'], undefined, { tsig: forged(knotKey) }),
      startNsd(server.port, ['example.test'], { tsig: nsdKey }),
    ]);
  });
  after(async () => {
    await Promise.all([knot?.stop(), wrongKnot?.stop(), nsd?.stop()]);
    await server.close();
  });

  it('dig and kdig transfer the zone with the key and verify every message; a wrong or missing key is refused', async () => {
    const full = await runTool('dig', [...ours(), '-y', dashY(knotKey), 'example.test', 'AXFR']);
    assert.doesNotMatch(full, /verify failure|failed|BADSIG|BADKEY/i, 'dig verified every message');
    assert.match(full, /TSIG\s+hmac-sha256\. \d+ 300 32 \S+ \d+ NOERROR/);
    const signed = records(full);
    assert.ok(signed.length > 30);
    assert.match(signed[0]!, / SOA /);
    assert.equal(signed.at(-1), signed[0]);
    const k = records(await runTool('kdig', [...ours(), '-y', dashY(nsdKey), 'example.test', 'AXFR', '+noall', '+answer']));
    assert.deepEqual(k.sort(), [...signed].sort());
    // dig reports the refusal in comments; kdig exits non-zero on a TSIG failure.
    const wrong = await runTool('dig', [...ours(), '-y', dashY(forged(knotKey)), 'example.test', 'AXFR']);
    assert.match(wrong, /Transfer failed|tsig|BADSIG/i);
    assert.equal(records(wrong).length, 0);
    const none = await runTool('dig', [...ours(), 'example.test', 'AXFR']);
    assert.match(none, /Transfer failed/);
    const kd = await runTool('kdig', [...ours(), '-y', dashY(forged(nsdKey)), 'example.test', 'SOA']).catch((err: { stdout?: string }) => err.stdout ?? '');
    assert.match(kd, /NOTAUTH|BADSIG/);
  });

  it('Knot with the key transfers the zone and takes a signed NOTIFY; unsigned NOTIFY gets NOTAUTH', async () => {
    const at = { host: '127.0.0.1', port: knot.port };
    await waitFor(async () => (await query(at, 'example.test', TYPE.SOA)).rcode === RCODE.NOERROR);
    const serial = source.update('example.test', [...exampleZone().records, { name: 'tsig.example.test', ttl: 300, data: { type: 'A', address: '192.0.2.250' } }]);
    assert.deepEqual(await sendNotify(at, 'example.test', [2000]), { acknowledged: true, rcode: RCODE.NOTAUTH });
    assert.deepEqual(await sendNotify(at, 'example.test', [2000], { key: knotKey, clock: wallClock }), { acknowledged: true, rcode: RCODE.NOERROR });
    await waitFor(async () => (await query(at, 'tsig.example.test', TYPE.A)).answers.length === 1);
    const soa = (await query(at, 'example.test', TYPE.SOA)).answers[0]!.data;
    assert.equal(soa.type === 'SOA' && soa.serial, serial);
  });

  it('Knot with a wrong secret never gets the zone', async () => {
    await waitFor(async () => /refresh.*failed|failed.*TSIG|BADSIG|NOTAUTH/i.test(wrongKnot.log()));
    assert.equal((await query({ host: '127.0.0.1', port: wrongKnot.port }, 'example.test', TYPE.SOA)).rcode, RCODE.SERVFAIL);
    assert.ok(server.handler.stats.tsigErrors > 0);
  });

  it('NSD with an hmac-sha512 key transfers the zone and takes a signed NOTIFY', async () => {
    const at = { host: '127.0.0.1', port: nsd.port };
    await waitFor(async () => (await query(at, 'example.test', TYPE.SOA)).answers.length === 1);
    const serial = source.update('example.test', [...exampleZone().records, { name: 'nsd-tsig.example.test', ttl: 300, data: { type: 'A', address: '192.0.2.251' } }]);
    assert.deepEqual(await sendNotify(at, 'example.test', [2000], { key: nsdKey, clock: wallClock }), { acknowledged: true, rcode: RCODE.NOERROR });
    await waitFor(async () => (await query(at, 'nsd-tsig.example.test', TYPE.A)).answers.length === 1);
    const soa = (await query(at, 'example.test', TYPE.SOA)).answers[0]!.data;
    assert.equal(soa.type === 'SOA' && soa.serial, serial);
  });
});
