import ipaddr from 'ipaddr.js';
import type { Config } from '../config/config.ts';
import type { RData, ResourceRecord, ZoneSnapshot } from '../dns/zone-source.ts';
import { isActive, type ZoneData, type ZoneRecord } from './records.ts';

/**
 * Turns a hosted zone (DMAPI records) into what the DNS server serves:
 * - the SOA and apex NS come from the platform's settings;
 * - URL and FRAME names resolve to the redirect service's address (A, and AAAA when configured);
 * - DYNA/DYNAAAA answer as A/AAAA while `$dyndns=yes` (the seeds: with "no" they have no effect);
 * - MAILFW adds an apex MX to the mail-forward host unless the zone has its own apex MX;
 * - records outside their valid-from/valid-to window are left out.
 * Targets are absolute with or without a trailing dot; `@` is the zone itself, and a target of a
 * single label without a dot is taken relative to the zone (a one-label absolute target is never
 * meant: it would be a TLD).
 */
export interface DnsSettings {
  nameservers: readonly string[];
  hostmaster: string;
  nsTtl: number;
  soa: { ttl: number; refresh: number; retry: number; expire: number; minimum: number };
  redirectAddress: string;
  redirectAddress6?: string | undefined;
  mailForwardHost: string;
}

export const dnsSettings = (c: Config): DnsSettings => ({
  nameservers: c.dnsNameservers,
  hostmaster: c.dnsHostmaster,
  nsTtl: c.dnsNsTtl,
  soa: c.dnsSoa,
  redirectAddress: c.redirectAddress,
  redirectAddress6: c.redirectAddress6,
  mailForwardHost: c.mailForwardHost,
});

/** MX preference of the synthesised mail-forwarding MX. */
export const MAILFW_MX_PREFERENCE = 10;

export function ownerName(label: string, origin: string): string {
  return label === '@' ? origin : `${label.toLowerCase()}.${origin}`;
}

/** A host-name target as an absolute, lowercase name without trailing dot ('' is the root). */
export function hostName(target: string, origin: string): string {
  if (target === '@') return origin;
  if (target === '.') return '';
  if (target.endsWith('.')) return target.slice(0, -1).toLowerCase();
  const lower = target.toLowerCase();
  return lower.includes('.') ? lower : `${lower}.${origin}`;
}

/** Splits a TXT value into character-strings of at most 255 bytes, never inside a UTF-8 sequence. */
export function txtStrings(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 255) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out;
}

function rdata(r: ZoneRecord, origin: string, s: DnsSettings): RData[] {
  switch (r.type) {
    case 'A':
    case 'DYNA':
      return [{ type: 'A', address: r.address }];
    case 'AAAA':
    case 'DYNAAAA':
      return [{ type: 'AAAA', address: ipaddr.IPv6.parse(r.address).toRFC5952String() }];
    case 'CNAME':
      return [{ type: 'CNAME', target: hostName(r.target, origin) }];
    case 'NS':
      return [{ type: 'NS', host: hostName(r.host, origin) }];
    case 'MX':
      return [{ type: 'MX', preference: r.preference, exchange: hostName(r.exchange, origin) }];
    case 'TXT':
      return [{ type: 'TXT', strings: txtStrings(r.text) }];
    case 'SRV':
      return [{ type: 'SRV', priority: r.priority, weight: r.weight, port: r.port, target: hostName(r.target, origin) }];
    case 'NAPTR':
      return [{ type: 'NAPTR', order: r.order, preference: r.preference, flags: r.flags, service: r.service, regexp: r.regexp, replacement: hostName(r.replacement, origin) }];
    case 'CAA':
      return [{ type: 'CAA', flags: r.flags, tag: r.tag, value: r.value }];
    case 'URL':
    case 'FRAME': {
      const out: RData[] = [{ type: 'A', address: s.redirectAddress }];
      if (s.redirectAddress6) out.push({ type: 'AAAA', address: ipaddr.IPv6.parse(s.redirectAddress6).toRFC5952String() });
      return out;
    }
    case 'MAILFW':
      return [];
  }
}

/** The served zone for `origin` at `now`. */
export function toSnapshot(origin: string, serial: number, zone: ZoneData, s: DnsSettings, now: number): ZoneSnapshot {
  const records: ResourceRecord[] = s.nameservers.map((host) => ({ name: origin, ttl: s.nsTtl, data: { type: 'NS', host } }));
  const active = zone.records.filter((r) => isActive(r, now) && (zone.dyndns.enabled || (r.type !== 'DYNA' && r.type !== 'DYNAAAA')));
  for (const r of active) {
    const name = ownerName(r.label, origin);
    for (const data of rdata(r, origin, s)) records.push({ name, ttl: r.ttl, data });
  }
  const mailfw = active.find((r) => r.type === 'MAILFW');
  if (mailfw && !active.some((r) => r.type === 'MX' && r.label === '@')) {
    records.push({ name: origin, ttl: mailfw.ttl, data: { type: 'MX', preference: MAILFW_MX_PREFERENCE, exchange: s.mailForwardHost } });
  }
  // RFC 2181 §5.2: one TTL per RRset (the smallest given wins), and an RRset is a set:
  // A 192.0.2.1 and DYNA 192.0.2.1 on one name are served once.
  const ttls = new Map<string, number>();
  for (const r of records) {
    const key = `${r.name}\u0000${r.data.type}`;
    ttls.set(key, Math.min(ttls.get(key) ?? r.ttl, r.ttl));
  }
  const seen = new Set<string>();
  const unique: ResourceRecord[] = [];
  for (const r of records) {
    const key = `${r.name}\u0000${JSON.stringify(r.data)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push({ ...r, ttl: ttls.get(`${r.name}\u0000${r.data.type}`)! });
  }
  return {
    origin,
    soa: { type: 'SOA', mname: s.nameservers[0]!, rname: s.hostmaster, serial, ...pick(s.soa) },
    soaTtl: s.soa.ttl,
    records: unique,
  };
}

const pick = ({ refresh, retry, expire, minimum }: DnsSettings['soa']) => ({ refresh, retry, expire, minimum });
