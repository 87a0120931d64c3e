import { typeCodeOf, typeName, type AnyRData, type WireRecord } from './types.ts';

const types = (list: readonly number[]) => [...list].sort((a, b) => a - b).map(typeName).join(' ');
/** RRSIG times as YYYYMMDDHHmmSS (RFC 4034 §3.2). */
const stamp = (t: number) => new Date(t * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** Zone-file presentation (RFC 1035 §5.1, RFC 3597 for unknown types), as dig and kdig print records. */

const fqdn = (name: string) => (name === '' ? '.' : `${name}.`);

/** A <character-string> in double quotes, with `"` and `\` escaped and non-printable bytes as \DDD. */
export function quote(text: string): string {
  let out = '"';
  for (const b of Buffer.from(text, 'utf8')) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return `${out}"`;
}

export function formatRData(d: AnyRData): string {
  switch (d.type) {
    case 'A':
    case 'AAAA':
      return d.address;
    case 'NS':
      return fqdn(d.host);
    case 'CNAME':
    case 'PTR':
      return fqdn(d.target);
    case 'MX':
      return `${d.preference} ${fqdn(d.exchange)}`;
    case 'TXT':
      return d.strings.map(quote).join(' ');
    case 'SRV':
      return `${d.priority} ${d.weight} ${d.port} ${fqdn(d.target)}`;
    case 'CAA':
      return `${d.flags} ${d.tag} ${quote(d.value)}`;
    case 'NAPTR':
      return `${d.order} ${d.preference} ${quote(d.flags)} ${quote(d.service)} ${quote(d.regexp)} ${fqdn(d.replacement)}`;
    case 'SOA':
      return `${fqdn(d.mname)} ${fqdn(d.rname)} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case 'DS':
    case 'CDS':
      return `${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest.toUpperCase()}`;
    case 'DNSKEY':
    case 'CDNSKEY':
      return `${d.flags} ${d.protocol} ${d.algorithm} ${d.publicKey}`;
    case 'RRSIG':
      return `${typeName(d.typeCovered)} ${d.algorithm} ${d.labels} ${d.originalTtl} ${stamp(d.expiration)} ${stamp(d.inception)} ${d.keyTag} ${fqdn(d.signer)} ${d.signature}`;
    case 'NSEC':
      return `${fqdn(d.next)} ${types(d.types)}`.trimEnd();
    case 'NSEC3':
      return `${d.hashAlgorithm} ${d.flags} ${d.iterations} ${d.salt === '' ? '-' : d.salt.toUpperCase()} ${d.next.toUpperCase()} ${types(d.types)}`.trimEnd();
    case 'NSEC3PARAM':
      return `${d.hashAlgorithm} ${d.flags} ${d.iterations} ${d.salt === '' ? '-' : d.salt.toUpperCase()}`;
    case 'UNKNOWN':
      return `\\# ${d.data.length}${d.data.length ? ` ${Buffer.from(d.data).toString('hex').toUpperCase()}` : ''}`;
  }
}

/** `owner. TTL IN TYPE rdata`, fields separated by single spaces. */
export function formatRecord(rr: WireRecord): string {
  const klass = rr.class === 1 ? 'IN' : `CLASS${rr.class}`;
  return `${fqdn(rr.name)} ${rr.ttl} ${klass} ${typeName(typeCodeOf(rr.data))} ${formatRData(rr.data)}`;
}
