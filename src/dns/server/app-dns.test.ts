import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addDomain } from '../../../test/helpers/zones.ts';
import { query, tcpExchange, buildQuery, transferComplete } from '../client.ts';
import { decodeMessage } from '../wire/message.ts';
import { formatRecord } from '../wire/present.ts';
import { RCODE, TYPE } from '../wire/types.ts';

/**
 * The DNS server as `dmapid serve` wires it: zones from the database through the zone service's
 * ZoneSource, put with dns-zone-put. Every change is visible to the next query (the cache is
 * checked against the serial), on SQLite and PostgreSQL.
 */
forEachDatabase(
  'DNS server on the database',
  (t) => {
    let sid = '';
    const at = () => ({ host: '127.0.0.1', port: t().app.dns!.port });
    const lines = async (name: string, type: number) => (await query(at(), name, type)).answers.map(formatRecord);
    const put = async (zone: string) => {
      const r = await t().call('dns-zone-put', { 'auth-sid': sid, domain: 'served.com', zone });
      assert.equal(r.code, 0, r.raw);
    };

    before(async () => {
      await t().app.dns!.listen();
      const r = await t().reseller('dns-server');
      sid = r.sid;
      await addDomain(t(), r.account.id, 'served.com');
    });
    after(() => t().app.dns!.close());

    it('serves what dns-zone-put stored, with the SOA and apex NS of the platform', async () => {
      await put('$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.10 3600\n@ MX 10 mail.served.com. 86400\nmail AAAA 0 2001:db8::25 3600\n_acme-challenge TXT 0 "token" 120');
      assert.deepEqual(await lines('www.served.com', TYPE.A), ['www.served.com. 3600 IN A 192.0.2.10']);
      assert.deepEqual(await lines('served.com', TYPE.MX), ['served.com. 86400 IN MX 10 mail.served.com.']);
      assert.deepEqual(await lines('_acme-challenge.served.com', TYPE.TXT), ['_acme-challenge.served.com. 120 IN TXT "token"']);
      assert.deepEqual(await lines('served.com', TYPE.NS), ['served.com. 86400 IN NS a.ns.dmapid.test.', 'served.com. 86400 IN NS b.ns.dmapid.test.']);
      const soa = (await query(at(), 'served.com', TYPE.SOA)).answers[0]!;
      assert.match(formatRecord(soa), /^served\.com\. 3600 IN SOA a\.ns\.dmapid\.test\. hostmaster\.dmapid\.test\. \d{10} 10800 3600 1209600 300$/);
      const nx = await query(at(), 'nope.served.com', TYPE.A);
      assert.equal(nx.rcode, RCODE.NXDOMAIN);
      assert.ok(nx.aa);
      assert.equal(nx.authorities[0]!.data.type, 'SOA');
      assert.equal((await query(at(), 'unhosted.com', TYPE.A)).rcode, RCODE.REFUSED);
    });

    it('answers a change at once, with a grown serial (no stale cache)', async () => {
      const serial = async () => {
        const d = (await query(at(), 'served.com', TYPE.SOA)).answers[0]!.data;
        return d.type === 'SOA' ? d.serial : -1;
      };
      const before = await serial();
      await put('www A 0 192.0.2.11 3600');
      assert.deepEqual(await lines('www.served.com', TYPE.A), ['www.served.com. 3600 IN A 192.0.2.11']);
      assert.ok((await serial()) > before);
      assert.equal((await query(at(), 'mail.served.com', TYPE.AAAA)).rcode, RCODE.NXDOMAIN);
      // Over TCP and by AXFR too.
      assert.deepEqual((await query(at(), 'www.served.com', TYPE.A, { tcp: true })).answers.map(formatRecord), ['www.served.com. 3600 IN A 192.0.2.11']);
      const xfr = (await tcpExchange(at(), [buildQuery('served.com', TYPE.AXFR)], transferComplete)).flatMap((m) => decodeMessage(m).answers);
      assert.deepEqual(xfr.map((r) => r.data.type), ['SOA', 'NS', 'NS', 'A', 'SOA']);
    });

    it('URL and FRAME names resolve to the redirect service, DYNA/DYNAAAA answer as A/AAAA', async () => {
      await put('$dyndns=yes:user:secret\nredir URL 0 http://example.org/ 3600\nframe FRAME 0 http://example.org/ 3600 0 0 "" "h" "t" "b"\nhome DYNA 0 192.0.2.77 60\nhome DYNAAAA 0 2001:db8::77 60');
      assert.deepEqual(await lines('redir.served.com', TYPE.A), ['redir.served.com. 3600 IN A 127.0.0.1']);
      assert.deepEqual(await lines('frame.served.com', TYPE.A), ['frame.served.com. 3600 IN A 127.0.0.1']);
      assert.deepEqual(await lines('home.served.com', TYPE.A), ['home.served.com. 60 IN A 192.0.2.77']);
      assert.deepEqual(await lines('home.served.com', TYPE.AAAA), ['home.served.com. 60 IN AAAA 2001:db8::77']);
    });

    it('reports its answers in the metrics: responses by rcode, zone transfers', async () => {
      const text = await t().app.deps.metrics.exposition(t().clock.now());
      const value = (series: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${series} `)) ?? '')?.[2] ?? 0);
      assert.ok(value('dmapid_dns_responses_total{rcode="NOERROR"}') >= 5);
      assert.ok(value('dmapid_dns_responses_total{rcode="NXDOMAIN"}') >= 1);
      assert.ok(value('dmapid_dns_responses_total{rcode="REFUSED"}') >= 1);
      assert.ok(value('dmapid_dns_zone_transfers_total') >= 1);
      assert.equal(value('dmapid_dns_tsig_errors_total'), 0);
      assert.match(text, /^# TYPE dmapid_dns_incremental_transfers_total counter$/m);
    });
  },
  { dnsHost: ['127.0.0.1'], dnsPort: 0 },
);
