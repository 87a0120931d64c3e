import type { ResourceRecord, ZoneSnapshot } from '../zone-source.ts';

/**
 * A zone exercising every answer rule and every record type; the server tests, the interop
 * tests with dig/kdig/knot and the benchmark serve it.
 */
export function exampleZone(origin = 'example.test', serial = 2026011501): ZoneSnapshot {
  const n = (label: string) => (label === '@' ? origin : `${label}.${origin}`);
  const rr = (label: string, ttl: number, data: ResourceRecord['data']): ResourceRecord => ({ name: n(label), ttl, data });
  return {
    origin,
    soa: { type: 'SOA', mname: n('ns1'), rname: `hostmaster.${origin}`, serial, refresh: 10800, retry: 3600, expire: 1209600, minimum: 300 },
    soaTtl: 3600,
    records: [
      rr('@', 86400, { type: 'NS', host: n('ns1') }),
      rr('@', 86400, { type: 'NS', host: 'ns2.example.net' }),
      rr('ns1', 3600, { type: 'A', address: '192.0.2.53' }),
      rr('@', 3600, { type: 'A', address: '192.0.2.1' }),
      rr('@', 3600, { type: 'AAAA', address: '2001:db8::1' }),
      rr('@', 3600, { type: 'MX', preference: 10, exchange: n('mail') }),
      rr('mail', 3600, { type: 'A', address: '192.0.2.25' }),
      rr('mail', 3600, { type: 'AAAA', address: '2001:db8::25' }),
      rr('www', 3600, { type: 'CNAME', target: origin }),
      rr('alias', 3600, { type: 'CNAME', target: n('www') }),
      rr('ext', 3600, { type: 'CNAME', target: 'target.example.org' }),
      rr('loop1', 3600, { type: 'CNAME', target: n('loop2') }),
      rr('loop2', 3600, { type: 'CNAME', target: n('loop1') }),
      rr('dangling', 3600, { type: 'CNAME', target: n('nothere') }),
      rr('txt', 300, { type: 'TXT', strings: ['v=spf1 -all'] }),
      rr('txt', 300, { type: 'TXT', strings: ['two', 'strings'] }),
      rr('long', 300, { type: 'TXT', strings: Array.from({ length: 8 }, (_, i) => String(i).repeat(200)) }),
      rr('_sip._tcp', 3600, { type: 'SRV', priority: 10, weight: 60, port: 5060, target: n('sip') }),
      rr('sip', 3600, { type: 'A', address: '192.0.2.60' }),
      rr('caa', 3600, { type: 'CAA', flags: 0, tag: 'issue', value: 'letsencrypt.org' }),
      rr('naptr', 3600, { type: 'NAPTR', order: 100, preference: 10, flags: 'U', service: 'E2U+sip', regexp: '!^.*$!sip:info@example.test!', replacement: '' }),
      rr('ptr', 3600, { type: 'PTR', target: n('www') }),
      rr('a.b.c', 3600, { type: 'A', address: '192.0.2.3' }),
      rr('*.wild', 600, { type: 'A', address: '192.0.2.99' }),
      rr('*.wild', 600, { type: 'TXT', strings: ['wild'] }),
      rr('host.wild', 600, { type: 'A', address: '192.0.2.98' }),
      rr('*.cw', 600, { type: 'CNAME', target: n('www') }),
      rr('sub', 3600, { type: 'NS', host: n('ns.sub') }),
      rr('sub', 3600, { type: 'NS', host: 'ns.other.example.net' }),
      rr('sub', 3600, { type: 'DS', keyTag: 12345, algorithm: 13, digestType: 2, digest: 'E2D3C916F6DEEAC73294E8268FB5885044A833FC5459588F4A9184CFC41A5766' }),
      rr('ns.sub', 3600, { type: 'A', address: '192.0.2.200' }),
      // A duplicate is served once (RFC 2181 §5); mixed TTLs in one RRset become the lowest.
      rr('dup', 600, { type: 'A', address: '192.0.2.7' }),
      rr('dup', 600, { type: 'A', address: '192.0.2.7' }),
      rr('dup', 300, { type: 'A', address: '192.0.2.8' }),
    ],
  };
}
