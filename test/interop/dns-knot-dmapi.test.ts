import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { query } from '../../src/dns/client.ts';
import { RCODE, TYPE } from '../../src/dns/wire/types.ts';
import { forEachDatabase } from '../helpers/harness.ts';
import { addDomain } from '../helpers/zones.ts';
import { freePort, needTools, presentAnswers, startKnot, waitFor, type Knot } from './dns-tools.ts';

/**
 * The whole path a real secondary sees: dns-zone-put commits the zone and its dns-notify job,
 * the worker sends NOTIFY, Knot asks our server (reading the database) for the SOA, transfers
 * the zone and answers the new record. Timed from the put's answer to Knot's answer.
 */
const skip = needTools('knotd');
const knotPort = skip ? 0 : await freePort();
const ZONE = 'knot-interop.com';

forEachDatabase(
  'interop: dns-zone-put → NOTIFY → Knot secondary',
  (t) => {
    let knot: Knot | undefined;
    let sid = '';
    const knotAt = () => ({ host: '127.0.0.1', port: knot!.port });

    before(async () => {
      if (skip) return;
      const { app } = t();
      await app.dns!.listen();
      const r = await t().reseller('knot-reseller');
      sid = r.sid;
      await addDomain(t(), r.account.id, ZONE);
      const put = await t().call('dns-zone-put', { 'auth-sid': sid, domain: ZONE, zone: '$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.10 3600' });
      assert.equal(put.code, 0, put.raw);
      await t().work();
      knot = await startKnot(app.dns!.port, [ZONE], knotPort);
    });
    after(() => knot?.stop());

    it('Knot bootstraps the zone from the database-backed server', { skip }, async () => {
      await waitFor(async () => (await query(knotAt(), `www.${ZONE}`, TYPE.A)).answers.length === 1);
      assert.deepEqual(presentAnswers(await query(knotAt(), `www.${ZONE}`, TYPE.A)), [`www.${ZONE}. 3600 IN A 192.0.2.10`]);
    });

    it('after dns-zone-put Knot answers the new record; the time from the put’s answer is reported', { skip }, async () => {
      const times: number[] = [];
      for (let i = 1; i <= 5; i++) {
        const zone = `$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.10 3600\nnew${i} A 0 192.0.2.${100 + i} 300\n@ MX 10 mail.${ZONE}. 3600\nmail A 0 192.0.2.25 3600\n_acme-challenge TXT 0 "token-${i}" 120`;
        const put = await t().call('dns-zone-put', { 'auth-sid': sid, domain: ZONE, zone });
        assert.equal(put.code, 0, put.raw);
        const start = performance.now();
        // What the worker loop does after the commit: perform the dns-notify job.
        const work = t().work();
        await waitFor(async () => (await query(knotAt(), `new${i}.${ZONE}`, TYPE.A)).answers.length === 1, 15_000, 1);
        await work;
        times.push(performance.now() - start);
        assert.equal((await query(knotAt(), `new${i - 1}.${ZONE}`, TYPE.A)).rcode, RCODE.NXDOMAIN, 'the previous record is gone');
      }
      const theirs = await query(knotAt(), `_acme-challenge.${ZONE}`, TYPE.TXT);
      const ours = await query({ host: '127.0.0.1', port: t().app.dns!.port }, `_acme-challenge.${ZONE}`, TYPE.TXT);
      assert.deepEqual(presentAnswers(theirs), presentAnswers(ours));
      assert.deepEqual(presentAnswers(theirs), [`_acme-challenge.${ZONE}. 120 IN TXT "token-5"`]);
      const soaOf = async (port: number) => {
        const d = (await query({ host: '127.0.0.1', port }, ZONE, TYPE.SOA)).answers[0]!.data;
        return d.type === 'SOA' ? d.serial : -1;
      };
      assert.equal(await soaOf(knot!.port), await soaOf(t().app.dns!.port));
      // Puts here follow each other at once; Knot refreshes a zone at most once per wall-clock
      // second, so a put landing in the second of the previous transfer shows up as ~1 s (bench:dns spaces them).
      times.sort((a, b) => a - b);
      console.log(`# put → Knot answers [${t().dialect}]: ${times.map((x) => x.toFixed(1)).join(', ')} ms (median ${times[2]!.toFixed(1)} ms)`);
    });
  },
  { dnsHost: ['127.0.0.1'], dnsPort: 0, dnsNotify: [{ host: '127.0.0.1', port: knotPort }] },
);
