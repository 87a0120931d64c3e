import type { RData, ZoneSnapshot } from '../../dns/zone-source.ts';
import { typeName } from '../../dns/wire/types.ts';
import { html, type Html } from '../html.ts';

/** Record data in zone-file presentation form. */
function rdata(d: RData): string {
  switch (d.type) {
    case 'A':
    case 'AAAA':
      return d.address;
    case 'NS':
      return `${d.host}.`;
    case 'CNAME':
    case 'PTR':
      return `${d.target}.`;
    case 'MX':
      return `${d.preference} ${d.exchange}.`;
    case 'TXT':
      return d.strings.map((s) => JSON.stringify(s)).join(' ');
    case 'SRV':
      return `${d.priority} ${d.weight} ${d.port} ${d.target}.`;
    case 'CAA':
      return `${d.flags} ${d.tag} ${JSON.stringify(d.value)}`;
    case 'NAPTR':
      return `${d.order} ${d.preference} ${JSON.stringify(d.flags)} ${JSON.stringify(d.service)} ${JSON.stringify(d.regexp)} ${d.replacement}.`;
    case 'SOA':
      return `${d.mname}. ${d.rname}. ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case 'DS':
    case 'CDS':
      return `${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest}`;
    case 'DNSKEY':
    case 'CDNSKEY':
      return `${d.flags} ${d.protocol} ${d.algorithm} ${d.publicKey}`;
    case 'RRSIG':
      return `${typeName(d.typeCovered)} ${d.algorithm} ${d.labels} ${d.originalTtl} ${d.expiration} ${d.inception} ${d.keyTag} ${d.signer}. ${d.signature}`;
    case 'NSEC':
      return `${d.next}. ${d.types.map(typeName).join(' ')}`;
    case 'NSEC3':
      return `${d.hashAlgorithm} ${d.flags} ${d.iterations} ${d.salt || '-'} ${d.next} ${d.types.map(typeName).join(' ')}`;
    case 'NSEC3PARAM':
      return `${d.hashAlgorithm} ${d.flags} ${d.iterations} ${d.salt || '-'}`;
  }
}

/** What the platform's name servers answer for a zone now (the DNS server's own snapshot), beside the editor. */
export function servedRecords(z: ZoneSnapshot | undefined): Html {
  if (!z) return html`<h2>Served now</h2><p class="muted">The name servers serve no zone for this domain.</p>`;
  const rows = [{ name: z.origin, ttl: z.soaTtl, data: z.soa as RData }, ...z.records];
  return html`<h2>Served now (serial ${String(z.soa.serial)})</h2>
<table class="served"><thead><tr><th scope="col">Name</th><th scope="col">TTL</th><th scope="col">Type</th><th scope="col">Data</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${r.name}.</td><td>${String(r.ttl)}</td><td>${r.data.type}</td><td>${rdata(r.data)}</td></tr>\n`)}</tbody></table>`;
}
