import ipaddr from 'ipaddr.js';

export type AddressMatcher = (address: string) => boolean;

/**
 * Compiles a list of addresses and CIDR prefixes (`127.0.0.0/8`, `::1`, `192.0.2.7`) into a
 * matcher. IPv4-mapped IPv6 peers (`::ffff:127.0.0.1`, as a dual-stack socket reports them)
 * match the IPv4 entries. Throws with the bad entry named.
 */
export function compileAcl(entries: readonly string[]): AddressMatcher {
  const nets = entries.map((e): [ipaddr.IPv4 | ipaddr.IPv6, number] => {
    const text = e.trim();
    try {
      if (text.includes('/')) return ipaddr.parseCIDR(text);
      const addr = ipaddr.parse(text);
      return [addr, addr.kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw new Error(`${JSON.stringify(text)} is neither an IP address nor a CIDR prefix`);
    }
  });
  return (address) => {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(address.replace(/%.*$/, ''));
    } catch {
      return false;
    }
    return nets.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net as typeof addr, bits));
  };
}

/** An ACL entry with an optional TSIG key: `192.0.2.7`, `192.0.2.0/24 key knot1`, `key knot1` (any address). */
export interface KeyedEntry {
  /** Undefined: any address. */
  address: string | undefined;
  key: string | undefined;
}

export function parseKeyedEntry(text: string): KeyedEntry {
  const m = /^(?:(\S+)\s+)?key\s+(\S+)$/i.exec(text.trim());
  if (!m) return { address: text.trim(), key: undefined };
  return { address: m[1], key: m[2]!.replace(/\.$/, '').toLowerCase() };
}

export type TransferDecision = 'allow' | 'needs-key' | 'deny';
export type TransferAcl = (address: string, key: string | undefined) => TransferDecision;

/**
 * Compiles the zone-transfer ACL: an entry without a key admits its addresses unsigned (and
 * signed with any key we know); an entry with a key admits them only with a request signed by
 * that key. An address only keyed entries cover, asking without (or with another) key, gets
 * 'needs-key'; an address no entry covers, 'deny'.
 */
export function compileTransferAcl(entries: readonly string[]): TransferAcl {
  const rules = entries.map(parseKeyedEntry).map((e) => ({ key: e.key, match: e.address === undefined ? () => true : compileAcl([e.address]) }));
  return (address, key) => {
    const covering = rules.filter((r) => r.match(address));
    if (covering.length === 0) return 'deny';
    return covering.some((r) => r.key === undefined || r.key === key) ? 'allow' : 'needs-key';
  };
}

/** Parses `host:port` lists (`127.0.0.1:5354`, `[::1]:5354`, a bare host means port 53). */
export function parseHostPorts(text: string): Array<{ host: string; port: number; key?: string }> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      // `192.0.2.7:53 key knot1`: NOTIFY signed with that TSIG key.
      const { address, key } = parseKeyedEntry(entry);
      const s = address ?? '';
      const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s) ?? (ipaddr.IPv6.isValid(s) ? [s, s, undefined] : null);
      const host = m?.[1];
      const port = m?.[2] === undefined ? 53 : Number(m[2]);
      if (!host || !ipaddr.isValid(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`${JSON.stringify(s)} is not an address with an optional port (192.0.2.1:5354 or [2001:db8::1]:5354)`);
      }
      return key ? { host, port, key } : { host, port };
    });
}
