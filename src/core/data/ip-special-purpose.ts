/**
 * IANA IPv4 and IPv6 Special-Purpose Address Registries, plus the multicast blocks, as data.
 * `reachable` is the registry's "Globally Reachable" column (N/A and deprecated blocks count as
 * not reachable: they are unsuitable as glue). The most specific matching entry decides, so a
 * reachable /32 inside a reserved /24 (192.0.0.9) is allowed.
 * Snapshot of the registries as last updated 2025-10 (IPv6) and 2025-03 (IPv4); refresh from
 * https://www.iana.org/assignments/iana-ipv4-special-registry and …/iana-ipv6-special-registry.
 */
export interface SpecialRange {
  readonly prefix: string;
  readonly name: string;
  readonly reachable: boolean;
}

export const specialRangesUpdated = '2025-10';

export const ipv4SpecialRanges: readonly SpecialRange[] = [
  { prefix: '0.0.0.0/8', name: '"This network"', reachable: false },
  { prefix: '0.0.0.0/32', name: '"This host on this network"', reachable: false },
  { prefix: '10.0.0.0/8', name: 'Private-Use', reachable: false },
  { prefix: '100.64.0.0/10', name: 'Shared Address Space', reachable: false },
  { prefix: '127.0.0.0/8', name: 'Loopback', reachable: false },
  { prefix: '169.254.0.0/16', name: 'Link Local', reachable: false },
  { prefix: '172.16.0.0/12', name: 'Private-Use', reachable: false },
  { prefix: '192.0.0.0/24', name: 'IETF Protocol Assignments', reachable: false },
  { prefix: '192.0.0.0/29', name: 'IPv4 Service Continuity Prefix', reachable: false },
  { prefix: '192.0.0.8/32', name: 'IPv4 dummy address', reachable: false },
  { prefix: '192.0.0.9/32', name: 'Port Control Protocol Anycast', reachable: true },
  { prefix: '192.0.0.10/32', name: 'Traversal Using Relays around NAT Anycast', reachable: true },
  { prefix: '192.0.0.170/32', name: 'NAT64/DNS64 Discovery', reachable: false },
  { prefix: '192.0.0.171/32', name: 'NAT64/DNS64 Discovery', reachable: false },
  { prefix: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', reachable: false },
  { prefix: '192.31.196.0/24', name: 'AS112-v4', reachable: true },
  { prefix: '192.52.193.0/24', name: 'AMT', reachable: true },
  { prefix: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)', reachable: false },
  { prefix: '192.168.0.0/16', name: 'Private-Use', reachable: false },
  { prefix: '192.175.48.0/24', name: 'Direct Delegation AS112 Service', reachable: true },
  { prefix: '198.18.0.0/15', name: 'Benchmarking', reachable: false },
  { prefix: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', reachable: false },
  { prefix: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', reachable: false },
  { prefix: '224.0.0.0/4', name: 'Multicast', reachable: false },
  { prefix: '240.0.0.0/4', name: 'Reserved', reachable: false },
  { prefix: '255.255.255.255/32', name: 'Limited Broadcast', reachable: false },
];

export const ipv6SpecialRanges: readonly SpecialRange[] = [
  { prefix: '::1/128', name: 'Loopback Address', reachable: false },
  { prefix: '::/128', name: 'Unspecified Address', reachable: false },
  { prefix: '::ffff:0:0/96', name: 'IPv4-mapped Address', reachable: false },
  { prefix: '64:ff9b::/96', name: 'IPv4-IPv6 Translation', reachable: true },
  { prefix: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translation (local use)', reachable: false },
  { prefix: '100::/64', name: 'Discard-Only Address Block', reachable: false },
  { prefix: '100:0:0:1::/64', name: 'Dummy IPv6 Prefix', reachable: false },
  { prefix: '2001::/23', name: 'IETF Protocol Assignments', reachable: false },
  { prefix: '2001::/32', name: 'TEREDO', reachable: false },
  { prefix: '2001:1::1/128', name: 'Port Control Protocol Anycast', reachable: true },
  { prefix: '2001:1::2/128', name: 'Traversal Using Relays around NAT Anycast', reachable: true },
  { prefix: '2001:1::3/128', name: 'DNS-SD Service Registration Protocol Anycast', reachable: true },
  { prefix: '2001:2::/48', name: 'Benchmarking', reachable: false },
  { prefix: '2001:3::/32', name: 'AMT', reachable: true },
  { prefix: '2001:4:112::/48', name: 'AS112-v6', reachable: true },
  { prefix: '2001:10::/28', name: 'Deprecated (previously ORCHID)', reachable: false },
  { prefix: '2001:20::/28', name: 'ORCHIDv2', reachable: true },
  { prefix: '2001:30::/28', name: 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', reachable: true },
  { prefix: '2001:db8::/32', name: 'Documentation', reachable: false },
  { prefix: '2002::/16', name: '6to4', reachable: false },
  { prefix: '2620:4f:8000::/48', name: 'Direct Delegation AS112 Service', reachable: true },
  { prefix: '3fff::/20', name: 'Documentation', reachable: false },
  { prefix: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', reachable: false },
  { prefix: 'fc00::/7', name: 'Unique-Local', reachable: false },
  { prefix: 'fe80::/10', name: 'Link-Local Unicast', reachable: false },
  { prefix: 'ff00::/8', name: 'Multicast', reachable: false },
];
