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

/** Parses `host:port` lists (`127.0.0.1:5354`, `[::1]:5354`, a bare host means port 53). */
export function parseHostPorts(text: string): Array<{ host: string; port: number }> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s) ?? (ipaddr.IPv6.isValid(s) ? [s, s, undefined] : null);
      const host = m?.[1];
      const port = m?.[2] === undefined ? 53 : Number(m[2]);
      if (!host || !ipaddr.isValid(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`${JSON.stringify(s)} is not an address with an optional port (192.0.2.1:5354 or [2001:db8::1]:5354)`);
      }
      return { host, port };
    });
}
