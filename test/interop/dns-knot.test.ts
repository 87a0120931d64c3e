import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../src/dns/client.ts';
import { MemoryZoneSource } from '../../src/dns/memory-zone-source.ts';
import { sendNotify } from '../../src/dns/server/notify.ts';
import { DnsServer } from '../../src/dns/server/server.ts';
import { exampleZone } from '../../src/dns/server/test-zone.ts';
import { RCODE, TYPE } from '../../src/dns/wire/types.ts';
import { createLogger } from '../../src/obs/logger.ts';
import { needTools, presentAnswers, startKnot, waitFor, type Knot } from './dns-tools.ts';

describe('interop: Knot DNS as a secondary (in-memory zones)', { skip: needTools('knotd', 'kdig') }, () => {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  const server = new DnsServer({ source, hosts: ['127.0.0.1'], port: 0, log: createLogger('silent') });
  let knot: Knot;
  const knotAt = () => ({ host: '127.0.0.1', port: knot.port });
  before(async () => {
    await server.listen();
    knot = await startKnot(server.port, ['example.test']);
  });
  after(async () => {
    await knot?.stop();
    await server.close();
  });

  it('bootstraps the zone by AXFR and serves every record as we do', async () => {
    await waitFor(async () => (await query(knotAt(), 'example.test', TYPE.SOA)).rcode === RCODE.NOERROR);
    for (const [name, type] of [['example.test', TYPE.MX], ['txt.example.test', TYPE.TXT], ['_sip._tcp.example.test', TYPE.SRV], ['naptr.example.test', TYPE.NAPTR], ['caa.example.test', TYPE.CAA], ['x.wild.example.test', TYPE.A]] as const) {
      const theirs = await query(knotAt(), name, type);
      const ours = await query({ host: '127.0.0.1', port: server.port }, name, type);
      assert.ok(theirs.aa, `knot is authoritative for ${name}`);
      // RRset order carries no meaning; Knot keeps RRsets in canonical order.
      assert.deepEqual(presentAnswers(theirs).sort(), presentAnswers(ours).sort(), `${name} ${type}`);
    }
  });

  it('after a change and a NOTIFY it transfers again: new records appear, removed ones go', async () => {
    const base = exampleZone().records.filter((r) => r.name !== 'caa.example.test');
    const serial = source.update('example.test', [...base, { name: 'new.example.test', ttl: 300, data: { type: 'A', address: '192.0.2.123' } }]);
    const start = performance.now();
    const ack = await sendNotify(knotAt(), 'example.test');
    assert.deepEqual(ack, { acknowledged: true, rcode: RCODE.NOERROR });
    await waitFor(async () => (await query(knotAt(), 'new.example.test', TYPE.A)).answers.length === 1);
    const ms = performance.now() - start;
    console.log(`# knot (in-memory source): change → NOTIFY → transfer → answer in ${ms.toFixed(1)} ms`);
    const soa = (await query(knotAt(), 'example.test', TYPE.SOA)).answers[0]!.data;
    assert.equal(soa.type === 'SOA' && soa.serial, serial);
    assert.equal((await query(knotAt(), 'caa.example.test', TYPE.CAA)).rcode, RCODE.NXDOMAIN);
    assert.match(knot.log(), new RegExp(`serial ${serial - 1} -> ${serial}`));
    if (process.env.SHOW_KNOT_LOG) console.log(knot.log());
  });
});
