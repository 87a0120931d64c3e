/**
 * The contract between hosted zones (src/zone/, fed by dns-zone-put) and the authoritative DNS
 * server (src/dns/): the server asks for zones in DNS terms and never parses DMAPI zone text.
 * Names are absolute, lowercase A-labels without the trailing dot ('' is the root).
 */
export type RData =
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  | { type: 'NS'; host: string }
  | { type: 'CNAME'; target: string }
  | { type: 'PTR'; target: string }
  | { type: 'MX'; preference: number; exchange: string }
  | { type: 'TXT'; strings: string[] }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'CAA'; flags: number; tag: string; value: string }
  | { type: 'NAPTR'; order: number; preference: number; flags: string; service: string; regexp: string; replacement: string }
  | { type: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { type: 'DS' | 'CDS'; keyTag: number; algorithm: number; digestType: number; digest: string }
  // DNSSEC (RFC 4034, 5155, 7344); made by the signer (src/dns/dnssec/), never by DMAPI zones.
  | { type: 'DNSKEY' | 'CDNSKEY'; flags: number; protocol: number; algorithm: number; publicKey: string }
  | { type: 'RRSIG'; typeCovered: number; algorithm: number; labels: number; originalTtl: number; expiration: number; inception: number; keyTag: number; signer: string; signature: string }
  | { type: 'NSEC'; next: string; types: number[] }
  | { type: 'NSEC3'; hashAlgorithm: number; flags: number; iterations: number; salt: string; next: string; types: number[] }
  | { type: 'NSEC3PARAM'; hashAlgorithm: number; flags: number; iterations: number; salt: string };

export type RRType = RData['type'];

export interface ResourceRecord {
  name: string;
  ttl: number;
  data: RData;
}

/** One zone as the DNS server serves it: the SOA (with the current serial) and every other record. */
export interface ZoneSnapshot {
  origin: string;
  soa: Extract<RData, { type: 'SOA' }>;
  soaTtl: number;
  records: ResourceRecord[];
  /** Set by the signer (src/dns/dnssec/sign.ts): the records include DNSKEY, RRSIG and this denial chain. */
  signed?: { denial: 'nsec' } | { denial: 'nsec3'; iterations: number; salt: string };
}

/** What changed between two versions of a zone (records compare by name, TTL and data). */
export interface ZoneDelta {
  removed: ResourceRecord[];
  added: ResourceRecord[];
}

export interface ZoneSource {
  /** The zone that is authoritative for `qname` (the longest matching origin), if dmapid hosts one. */
  findZone(qname: string): Promise<ZoneSnapshot | undefined>;
  /** The current serial of `origin`, cheaply (for caches and SOA polling). */
  serial(origin: string): Promise<number | undefined>;
  /**
   * Optional: the origin of the zone that is authoritative for `qname` (the longest hosted origin
   * that equals it or is a parent of it) with its current serial, in one look-up. Without it the
   * DNS server asks serial() for every suffix of the query name.
   */
  findOrigin?(qname: string): Promise<{ origin: string; serial: number } | undefined>;
  /**
   * Optional, for incremental transfers (IXFR): what changed from the version served with
   * serial `from` to the one served with `to` (the current one); undefined when the source's
   * history does not reach `from` or `to` is no longer current. Without it IXFR answers the
   * whole zone.
   */
  changes?(origin: string, from: number, to: number): Promise<ZoneDelta | undefined>;
}
