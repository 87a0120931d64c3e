import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkGlueAddress, clientPrefix, parseAddressList } from './ip.ts';
import { ipv4SpecialRanges, ipv6SpecialRanges } from './data/ip-special-purpose.ts';

const refused = (s: string) => {
  const r = checkGlueAddress(s);
  assert.equal(r.ok, false, `${s} should be refused`);
  return r as { reason: string; kind: string };
};

describe('glue addresses', () => {
  it('accepts global unicast and canonicalises IPv6 (RFC 5952)', () => {
    assert.deepEqual(checkGlueAddress('45.76.10.10'), { ok: true, family: 'ipv4', address: '45.76.10.10' });
    assert.deepEqual(checkGlueAddress('2A05:D014:0010:0000:0000:0000:0000:0053'), { ok: true, family: 'ipv6', address: '2a05:d014:10::53' });
  });

  it('refuses malformed addresses as syntax errors', () => {
    for (const s of ['01.2.3.4', '1.2.3', '256.1.1.1', 'fe80::1%eth0', 'ns1.example.com', '::g']) assert.equal(refused(s).kind, 'syntax', s);
    assert.match(refused('1.2.3.04').reason, /no leading zeros/);
  });

  it('refuses every special-purpose block of the IANA registries that is not globally reachable', () => {
    for (const s of ['0.1.2.3', '10.0.0.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '172.16.0.1', '192.0.0.1', '192.0.2.53', '192.88.99.1', '192.168.1.1', '198.18.0.1', '198.51.100.1', '203.0.113.9', '224.0.0.1', '240.0.0.1', '255.255.255.255']) {
      const r = refused(s);
      assert.equal(r.kind, 'policy', s);
      assert.match(r.reason, /special-purpose/, s);
    }
    for (const s of ['::1', '::', '::ffff:1.2.3.4', '64:ff9b:1::1', '100::1', '2001:db8::53', '2001:2::1', '2001:10::1', '2002:c000:0204::1', '3fff::1', 'fc00::1', 'fe80::1', 'ff02::1', '5f00::1']) {
      assert.equal(refused(s).kind, 'policy', s);
    }
  });

  it('accepts the globally reachable exceptions inside reserved blocks, but nothing outside 2000::/3', () => {
    for (const s of ['192.0.0.9', '192.0.0.10', '192.31.196.1', '192.52.193.1', '192.175.48.1', '2001:1::1', '2001:4:112::1', '2001:20::1', '2620:4f:8000::1']) {
      assert.equal(checkGlueAddress(s).ok, true, s);
    }
    assert.match(refused('64:ff9b::1.2.3.4').reason, /not usable/);
    assert.match(refused('4000::1').reason, /outside 2000::\/3/);
  });

  it('checks the family and the list form', () => {
    assert.match((checkGlueAddress('2a05:d014::1', 'ipv4') as { reason: string }).reason, /IPv6 address where an IPv4/);
    assert.match((checkGlueAddress('45.76.10.10', 'ipv6') as { reason: string }).reason, /IPv4 address where an IPv6/);
    assert.deepEqual(parseAddressList('45.76.10.10, 45.76.10.11,45.76.10.10', 'ipv4'), { ok: true, addresses: ['45.76.10.10', '45.76.10.11'] });
    const bad = parseAddressList('45.76.10.10,10.0.0.1,x', 'ipv4');
    assert.equal(bad.ok, false);
    assert.equal((bad as { reasons: string[] }).reasons.length, 2);
    assert.equal((bad as { kind: string }).kind, 'syntax');
  });

  it('the data tables are well-formed CIDR blocks', () => {
    for (const r of [...ipv4SpecialRanges, ...ipv6SpecialRanges]) assert.match(r.prefix, /^[0-9a-f.:]+\/\d{1,3}$/);
  });

  it('an accepted address is canonical and accepted again unchanged (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (s) => {
        const r = checkGlueAddress(s);
        if (!r.ok) return r.reason.length > 0;
        const again = checkGlueAddress(r.address);
        return again.ok && again.address === r.address;
      }),
    );
  });
});

describe('clientPrefix', () => {
  it('counts IPv4 by address, IPv6 by /64, IPv4-mapped IPv6 as IPv4', () => {
    assert.equal(clientPrefix('192.0.2.7'), '192.0.2.7');
    assert.equal(clientPrefix('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(clientPrefix('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(clientPrefix('2001:db8:1:2::9'), '2001:db8:1:2::/64');
    assert.notEqual(clientPrefix('2001:db8:1:3::9'), clientPrefix('2001:db8:1:2::9'));
    assert.equal(clientPrefix('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientPrefix(undefined), '?');
  });
});
