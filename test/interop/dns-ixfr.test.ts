import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { query, tcpExchange, transferComplete, buildQuery } from '../../src/dns/client.ts';
import { sendNotify } from '../../src/dns/server/notify.ts';
import { decodeMessage } from '../../src/dns/wire/message.ts';
import { formatRecord } from '../../src/dns/wire/present.ts';
import { TYPE } from '../../src/dns/wire/types.ts';
import { dyndnsOff, type ZoneRecord } from '../../src/zone/records.ts';
import { writeZone } from '../../src/zone/store.ts';
import { forEachDatabase } from '../helpers/harness.ts';
import { addDomain } from '../helpers/zones.ts';
import { needTools, startKnot, startNsd, waitFor, type Knot, type Nsd } from './dns-tools.ts';

/**
 * Incremental transfers to real secondaries from the database-backed server: a zone of 10,000
 * records changed one record at a time; Knot and NSD follow every serial by IXFR (our server
 * answers each with the difference), and their copy, transferred back, equals ours.
 */
const skip = needTools('knotd', 'nsd');
const ZONE = 'ixfr-interop.com';
const SIZE = 10_000;

const host = (i: number, address = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`): ZoneRecord => ({ type: 'A', label: `h${i}`, address, ttl: 300, validFrom: 0, validTo: 0 });

/** A server's copy of the zone, by AXFR, as sorted presentation lines. */
async function copyOf(port: number): Promise<string[]> {
  const answers = await tcpExchange({ host: '127.0.0.1', port }, [buildQuery(ZONE, TYPE.AXFR, { edns: false })], transferComplete, 20_000);
  const records = answers.flatMap((a) => decodeMessage(a).answers);
  // The closing SOA repeats the first.
  return records.slice(0, -1).map(formatRecord).sort();
}

forEachDatabase(
  'interop: IXFR of a 10,000-record zone to Knot and NSD',
  (t) => {
    let knot: Knot | undefined;
    let nsd: Nsd | undefined;
    let records: ZoneRecord[] = [];
    let domain = { id: 0, account_id: 0, name: ZONE };
    const ourPort = () => t().app.dns!.port;
    const serialAt = async (port: number) => {
      const d = (await query({ host: '127.0.0.1', port }, ZONE, TYPE.SOA)).answers[0]?.data;
      return d?.type === 'SOA' ? d.serial : -1;
    };
    const put = () => t().app.deps.db.transaction().execute((trx) => writeZone(trx, domain, { dnssec: false, dyndns: { ...dyndnsOff }, records }, t().clock.now()));

    before(async () => {
      if (skip) return;
      await t().app.dns!.listen();
      const r = await t().reseller('ixfr-reseller');
      domain = { id: await addDomain(t(), r.account.id, ZONE), account_id: r.account.id, name: ZONE };
      records = Array.from({ length: SIZE }, (_, i) => host(i));
      const serial = await put();
      [knot, nsd] = await Promise.all([startKnot(ourPort(), [ZONE], undefined, { provideXfr: true }), startNsd(ourPort(), [ZONE], { provideXfr: true })]);
      await waitFor(async () => (await serialAt(knot!.port)) === serial && (await serialAt(nsd!.port)) === serial, 30_000);
    });
    after(() => Promise.all([knot?.stop(), nsd?.stop()]));

    it('each one-record change reaches both secondaries as an increment; their copies equal ours', { skip }, async () => {
      const stats = t().app.dns!.handler.stats;
      const before = stats.incremental;
      const changes: Array<() => void> = [
        () => (records[17] = host(17, '192.0.2.17')),
        () => records.push(host(SIZE, '192.0.2.100')),
        () => records.splice(4242, 1),
        () => (records[99] = { ...records[99]!, ttl: 60 }),
      ];
      for (const change of changes) {
        change();
        t().clock.advance(1000);
        const serial = await put();
        for (const s of [knot!, nsd!]) assert.equal((await sendNotify({ host: '127.0.0.1', port: s.port }, ZONE)).acknowledged, true);
        await waitFor(async () => (await serialAt(knot!.port)) === serial && (await serialAt(nsd!.port)) === serial, 30_000);
      }
      assert.equal(stats.incremental - before, 2 * changes.length, 'every transfer after the first was incremental');
      assert.match(knot!.log(), /IXFR, incoming.*finished/);
      const ours = await copyOf(ourPort());
      assert.equal(ours.length, SIZE + 2 + 1, 'records, apex NS, SOA');
      assert.deepEqual(await copyOf(knot!.port), ours);
      assert.deepEqual(await copyOf(nsd!.port), ours);
    });
  },
  { dnsHost: ['127.0.0.1'], dnsPort: 0 },
);
