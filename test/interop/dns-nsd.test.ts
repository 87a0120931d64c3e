import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../src/dns/client.ts';
import { MemoryZoneSource } from '../../src/dns/memory-zone-source.ts';
import { sendNotify } from '../../src/dns/server/notify.ts';
import { DnsServer } from '../../src/dns/server/server.ts';
import { exampleZone } from '../../src/dns/server/test-zone.ts';
import { RCODE, TYPE } from '../../src/dns/wire/types.ts';
import { createLogger } from '../../src/obs/logger.ts';
import { needTools, presentAnswers, startNsd, waitFor, type Nsd } from './dns-tools.ts';

describe('interop: NSD as a secondary', { skip: needTools('nsd') }, () => {
  const source = new MemoryZoneSource();
  source.put(exampleZone());
  const server = new DnsServer({ source, hosts: ['127.0.0.1'], port: 0, log: createLogger('silent') });
  let nsd: Nsd;
  const nsdAt = () => ({ host: '127.0.0.1', port: nsd.port });
  before(async () => {
    await server.listen();
    nsd = await startNsd(server.port, ['example.test']);
  });
  after(async () => {
    await nsd?.stop();
    await server.close();
  });

  it('transfers the zone and serves it as we do', async () => {
    await waitFor(async () => (await query(nsdAt(), 'example.test', TYPE.SOA)).answers.length === 1);
    for (const [name, type] of [['example.test', TYPE.MX], ['txt.example.test', TYPE.TXT], ['_sip._tcp.example.test', TYPE.SRV], ['naptr.example.test', TYPE.NAPTR], ['sub.example.test', TYPE.DS]] as const) {
      const theirs = await query(nsdAt(), name, type);
      const ours = await query({ host: '127.0.0.1', port: server.port }, name, type);
      assert.deepEqual(presentAnswers(theirs).sort(), presentAnswers(ours).sort(), `${name} ${type}`);
    }
  });

  it('takes a change after NOTIFY, through an incremental IXFR', async () => {
    const serial = source.update('example.test', [...exampleZone().records.filter((r) => r.name !== 'caa.example.test'), { name: 'nsd.example.test', ttl: 300, data: { type: 'A', address: '192.0.2.124' } }]);
    const start = performance.now();
    assert.deepEqual(await sendNotify(nsdAt(), 'example.test'), { acknowledged: true, rcode: RCODE.NOERROR });
    await waitFor(async () => (await query(nsdAt(), 'nsd.example.test', TYPE.A)).answers.length === 1);
    if (process.env.SHOW_NSD_LOG) console.log(nsd.log());
    console.log(`# nsd: change → NOTIFY → transfer → answer in ${(performance.now() - start).toFixed(1)} ms`);
    const soa = (await query(nsdAt(), 'example.test', TYPE.SOA)).answers[0]!.data;
    assert.equal(soa.type === 'SOA' && soa.serial, serial);
    assert.equal((await query(nsdAt(), 'caa.example.test', TYPE.CAA)).rcode, RCODE.NXDOMAIN);
  });
});
