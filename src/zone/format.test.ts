import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeError, formatRecord, formatZone, parseZone, tokenize, type ParseOptions } from './format.ts';
import { redirectStatuses, type ZoneRecord } from './records.ts';

const opts: ParseOptions = { origin: 'example.com', platformNameservers: ['a.ns.dmapid.test', 'b.ns.dmapid.test'] };

function ok(text: string, o: ParseOptions = opts) {
  const r = parseZone(text, o);
  if (!r.ok) assert.fail(`expected a valid zone, got:\n${r.errors.map(describeError).join('\n')}`);
  return r.zone;
}

function errors(text: string, o: ParseOptions = opts): string[] {
  const r = parseZone(text, o);
  if (r.ok) assert.fail(`expected errors for:\n${text}`);
  return r.errors.map(describeError);
}

const one = (line: string) => ok(line).records[0]!;

describe('zone format: the seed examples', () => {
  const seed = [
    'www A 0 127.0.0.1 86400',
    'www AAAA 0 fec0::17 86400',
    '@ MX 10 mail.example.com. 86400',
    'redirect URL 0 http://joker.com 86400',
    'frame FRAME 0 http://joker.com 86400 0 0 "Header: Frame-Forward" "head" "title" "body"',
    'username MAILFW 0 redirected@example.com 86400 0 0 1',
    '_ldap._tcp SRV 10/100 ldap.example.com:389 60',
    'caa CAA 0 issue "letsencrypt.org" 86400',
    'caa CAA 0 issuewild "letsencrypt.org" 86400',
    'caa CAA 0 iodef "mailto:certissues@example.com" 86400',
    'www2 CNAME 0 example.com. 86400',
  ];

  it('accepts every example line and gives it back unchanged', () => {
    const zone = ok(seed.join('\n'));
    assert.equal(zone.records.length, seed.length);
    zone.records.forEach((r, i) => assert.equal(formatRecord(r), seed[i]));
  });

  it('reads each field into the model', () => {
    assert.deepEqual(one('www A 0 127.0.0.1 86400'), { label: 'www', type: 'A', address: '127.0.0.1', ttl: 86400, validFrom: 0, validTo: 0 });
    assert.deepEqual(one('_ldap._tcp SRV 10/100 ldap.example.com:389 60'), {
      label: '_ldap._tcp', type: 'SRV', priority: 10, weight: 100, target: 'ldap.example.com', port: 389, ttl: 60, validFrom: 0, validTo: 0,
    });
    assert.deepEqual(one('frame FRAME 0 http://joker.com 86400 0 0 "Header: Frame-Forward" "head" "title" "body"'), {
      label: 'frame', type: 'FRAME', url: 'http://joker.com', headers: 'Header: Frame-Forward', head: 'head', title: 'title', body: 'body', ttl: 86400, validFrom: 0, validTo: 0,
    });
    assert.deepEqual(one('username MAILFW 0 redirected@example.com 86400 0 0 1'), {
      label: 'username', type: 'MAILFW', address: 'redirected@example.com', spamFilter: true, ttl: 86400, validFrom: 0, validTo: 0,
    });
    assert.deepEqual(one('caa CAA 128 issue "letsencrypt.org" 86400'), { label: 'caa', type: 'CAA', flags: 128, tag: 'issue', value: 'letsencrypt.org', ttl: 86400, validFrom: 0, validTo: 0 });
  });

  it('NAPTR: replacement or regex, quotes mandatory, TTL may be 0', () => {
    assert.deepEqual(one('naptr NAPTR 10/100 sip.example.com 0 0 0 "S" "SIP+D2U" ""'), {
      label: 'naptr', type: 'NAPTR', order: 10, preference: 100, replacement: 'sip.example.com', flags: 'S', service: 'SIP+D2U', regexp: '', ttl: 0, validFrom: 0, validTo: 0,
    });
    assert.equal(one('e164 NAPTR 100/10 . 60 0 0 "u" "E2U+sip" "!^.*$!sip:info@example.com!"').type, 'NAPTR');
    assert.deepEqual(errors('n NAPTR 10/100 sip.example.com 60 0 0 "S" "SIP+D2U" "!^.*$!sip:x@y!"'), ['line 1 (NAPTR with a regex needs the replacement ".")']);
    assert.deepEqual(errors('n NAPTR 10/100 . 60 0 0 "S" "SIP+D2U" ""'), ['line 1 (NAPTR needs either a replacement or a regex)']);
    assert.deepEqual(errors('n NAPTR 10/100 . 60 0 0 S "SIP+D2U" "!x!y!"'), ['line 1 (NAPTR needs 0 0 "flags" "service" "regex" after the ttl, all three quoted)']);
    assert.deepEqual(errors('n NAPTR 10 . 60 0 0 "S" "SIP+D2U" "!x!y!"'), ['line 1 (NAPTR pri must be <order>/<preference> like 10/100, not 10)']);
  });
});

describe('zone format: the TXT quirk (dmapi-wire §5.4)', () => {
  it('answers two spaces after pri and a space inside the closing quote', () => {
    assert.equal(formatRecord(one('_acme-challenge.fqdn TXT 0 "challengetoken" 3600')), '_acme-challenge.fqdn TXT 0  "challengetoken " 3600');
  });

  it('accepts the quirky line back and renders it the same (no growing spaces)', () => {
    const quirky = '_acme-challenge TXT 0  "SrqD25Gpm3WtIGKCqhgsLeXWE_FAD5Hv9CRoLAHxlIE " 120';
    let line = quirky;
    for (let i = 0; i < 3; i++) line = formatRecord(one(line));
    assert.equal(line, quirky);
    assert.equal((one(quirky) as { text: string }).text, 'SrqD25Gpm3WtIGKCqhgsLeXWE_FAD5Hv9CRoLAHxlIE');
  });

  it('keeps inner spaces, so WHMCS can cut two characters at each end', () => {
    const line = formatRecord(one('@ TXT 0 "v=spf1 a ~all" 3600'));
    assert.equal(line, '@ TXT 0  "v=spf1 a ~all " 3600');
    const fields = line.split(' ');
    assert.equal(fields.slice(3, -1).join(' ').slice(2, -2), 'v=spf1 a ~all');
  });

  it('takes escaped quotes (DNSControl) and gives them back escaped', () => {
    const r = one('t TXT 0 "say \\"hi\\"" 300');
    assert.equal((r as { text: string }).text, 'say "hi"');
    assert.equal(formatRecord(r), 't TXT 0  "say \\"hi\\" " 300');
  });

  it('requires quotes and a value', () => {
    assert.deepEqual(errors('t TXT 0 bare 300\nu TXT 0 "   " 300'), ['line 1 (the TXT value must be quoted, like "v=spf1 -all")', 'line 2 (the TXT value is empty)']);
  });
});

describe('zone format: directives', () => {
  it('reads $dnssec and $dyndns and writes them first, in that order', () => {
    const z = ok('$dyndns=yes:user:pass\n$dnssec=no\n');
    assert.deepEqual(z.dyndns, { enabled: true, user: 'user', password: 'pass' });
    assert.equal(z.dnssec, false);
    // The stored password (a hash) is never shown: a mask stands for it.
    assert.equal(formatZone({ dnssec: false, dyndns: z.dyndns!, records: [] }), '$dnssec=no\n$dyndns=yes:user:********\n');
  });

  it('leaves out what the text does not say', () => {
    const z = ok('www A 0 192.0.2.1 300');
    assert.equal(z.dnssec, undefined);
    assert.equal(z.dyndns, undefined);
  });

  it('answers the recorded empty zone', () => {
    assert.equal(formatZone({ dnssec: false, dyndns: { enabled: false, user: '', password: '' }, records: [] }), '$dnssec=no\n$dyndns=no::\n');
    assert.deepEqual(ok('$dnssec=no\n$dyndns=no::').dyndns, { enabled: false, user: '', password: '' });
  });

  it('names what is wrong with a directive', () => {
    assert.deepEqual(errors('$dyndns=yes::\n$dyndns=maybe\n$dnssec=on\n$TTL=3600\n$dyndns=yes:a:b:c\n$dyndns=yes:a b:c'), [
      'line 1 ($dyndns=yes needs a user and a password ($dyndns=yes:<user>:<password>))',
      'line 2 ($dyndns must be yes:<user>:<password> or no::)',
      'line 3 ($dnssec must be yes or no, not on)',
      'line 4 (unknown directive $TTL (only $dyndns and $dnssec are known))',
      'line 5 ($dyndns user and password may not contain ":")',
      'line 6 ($dyndns user may contain only printable characters without spaces)',
    ]);
    assert.deepEqual(errors('$dnssec=no\n$dnssec=yes'), ['line 2 ($dnssec was already given on line 1)']);
  });
});

describe('zone format: syntax', () => {
  it('ignores comments and empty lines, takes tabs and CRLF, and counts lines from 1', () => {
    const z = ok('# header\r\n\r\nwww\tA\t0\t192.0.2.1\t300\r\n   \n  mail   A  0 192.0.2.2   300  ');
    assert.deepEqual(z.records.map((r) => r.label), ['www', 'mail']);
    assert.deepEqual(z.lines, [3, 5]);
  });

  it('accepts the trailing 0 0 (WHMCS) and omits it on output', () => {
    assert.equal(formatRecord(one('www A 0 192.0.2.1 86400 0 0')), 'www A 0 192.0.2.1 86400');
  });

  it('keeps valid-from/valid-to when set, and checks their order', () => {
    assert.equal(formatRecord(one('www A 0 192.0.2.1 300 1700000000 1800000000')), 'www A 0 192.0.2.1 300 1700000000 1800000000');
    assert.deepEqual(errors('www A 0 192.0.2.1 300 1800000000 1700000000\nx A 0 192.0.2.1 300 5'), [
      'line 1 (valid-to is before valid-from)',
      'line 2 (valid-from must be followed by valid-to)',
    ]);
  });

  it('makes absolute labels inside the zone relative, and refuses others', () => {
    assert.equal(one('www.example.com. A 0 192.0.2.1 300').label, 'www');
    assert.equal(one('example.com. A 0 192.0.2.1 300').label, '@');
    assert.deepEqual(errors('www.other.org. A 0 192.0.2.1 300'), ['line 1 (label www.other.org. is not inside the zone example.com)']);
  });

  it('accepts wildcards, underscores and the STALWART CAA form', () => {
    assert.equal(one('*.dev A 0 192.0.2.1 300').label, '*.dev');
    assert.equal(one('_dmarc TXT 0 "v=DMARC1; p=none" 300').label, '_dmarc');
    assert.equal(formatRecord(one('@ CAA 0 0 issue "letsencrypt.org" 3600')), '@ CAA 0 issue "letsencrypt.org" 3600');
    assert.equal(formatRecord(one('@ CAA 0 issue letsencrypt.org 3600')), '@ CAA 0 issue "letsencrypt.org" 3600');
  });

  it('accepts the type in any case and writes it in capitals', () => {
    assert.equal(formatRecord(one('www cname 0 host.example.net. 300')), 'www CNAME 0 host.example.net. 300');
  });

  it('reports one error per bad line, in line order, with its number', () => {
    const text = [
      'www A 0 1.2.3.400 300',
      'ok A 0 192.0.2.1 300',
      'v6 AAAA 0 fe80::1%eth0 300',
      'low A 0 192.0.2.1 59',
      'pri A 5 192.0.2.1 300',
      'mx MX x mail.example.com 300',
      'srv SRV 1/2 host.example.com 300',
      '_sip._tcp SRV 1/2 host.example.com:70000 300',
      'nosrv SRV 1/2 host.example.com:5060 300',
      'u URL 0 javascript:alert(1) 300',
      'u2 URL 0 http://example.net/ 300 0 0 304',
      'f FRAME 0 http://example.net/ 300 0 0 "Content-Length: 5"',
      'm MAILFW 0 not-an-address 300',
      'm2 MAILFW 0 a@example.net 300 0 0 2',
      'c CAA 0 iodef "ftp://x" 300',
      'c2 CAA 256 issue "x" 300',
      'x SPF 0 "v=spf1" 300',
      '@ SOA 0 x 300',
      'bad_label! A 0 192.0.2.1 300',
      'a..b A 0 192.0.2.1 300',
      'x.*.y A 0 192.0.2.1 300',
      'nottl A 0 192.0.2.1',
      'q TXT 0 "open 300',
      'q2 TXT 0 "a"b 300',
      'extra A 0 192.0.2.1 300 0 0 junk',
    ].join('\n');
    assert.deepEqual(errors(text), [
      'line 1 (A target 1.2.3.400 is not an IPv4 address)',
      'line 3 (AAAA target fe80::1%eth0 is not an IPv6 address)',
      'line 4 (ttl 59 is below the minimum of 60 seconds (only NAPTR may go lower))',
      'line 5 (pri must be 0 for A records)',
      'line 6 (MX pri (preference) x is not a whole number)',
      'line 7 (SRV target must be <host>:<port> like sip.example.com:5060, not host.example.com)',
      'line 8 (SRV port 70000 is not a port number (0…65535))',
      'line 9 (SRV label nosrv must start with _<service>._<protocol>, like _sip._tcp)',
      'line 10 (the URL javascript:alert(1) must use http or https)',
      'line 11 (URL redirect status must be one of 301, 302, 303, 307, 308, not 304)',
      'line 12 (FRAME header Content-Length is set by the redirect service and cannot be given)',
      'line 13 (MAILFW target not-an-address is not an e-mail address)',
      'line 14 (the MAILFW spam-filter parameter must be 0 or 1, not 2)',
      'line 15 (the CAA iodef value must be a mailto: or http(s):// URL)',
      'line 16 (CAA flags (pri) 256 is out of range (0…255))',
      'line 17 (unknown record type SPF (known types are A, AAAA, MX, CNAME, TXT, SRV, NAPTR, CAA, URL, FRAME, MAILFW, DYNA, DYNAAAA, NS))',
      'line 18 (SOA is managed by the platform and cannot be put)',
      'line 19 (label bad_label! may contain only letters, digits, hyphens and underscores (use the xn-- form for IDN))',
      'line 20 (label a..b has an empty part (two dots in a row, or a leading dot))',
      'line 21 (label x.*.y has a * that is not alone in the leftmost part (only a leftmost * is a wildcard))',
      'line 22 (missing ttl)',
      'line 23 (a quoted value is not closed (missing "))',
      'line 24 (a closing quote must be followed by a space or tab)',
      'line 25 (A records take no parameters after valid-from/valid-to)',
    ]);
  });
});

describe('zone format: whole-zone rules', () => {
  it('refuses CNAME next to other data, at the apex, and twice', () => {
    assert.deepEqual(errors('www A 0 192.0.2.1 300\nwww CNAME 0 x.example.net. 300\nWWW TXT 0 "x" 300\n@ CNAME 0 x.example.net. 300'), [
      'line 2 (www clashes with line 1 (a CNAME cannot share its name with any other record))',
      'line 4 (the zone apex (@) cannot be a CNAME because it holds the SOA and NS records)',
    ]);
  });

  it('refuses duplicates (case-insensitively for names)', () => {
    assert.deepEqual(errors('www A 0 192.0.2.1 300\nWWW A 0 192.0.2.1 600\nv6 AAAA 0 2001:db8::1 300\nv6 AAAA 0 2001:DB8:0::1 300'), [
      'line 2 (duplicate of line 1)',
      'line 4 (duplicate of line 3)',
    ]);
  });

  it('keeps URL/FRAME names for the redirect service alone', () => {
    assert.deepEqual(errors('r URL 0 http://x.example/ 300\nr A 0 192.0.2.1 300\nr FRAME 0 http://y.example/ 300\nr TXT 0 "fine" 300'), [
      'line 2 (r clashes with line 1 (a URL/FRAME name is answered by the redirect service and cannot hold A/AAAA/DYNA/DYNAAAA or another URL/FRAME record))',
      'line 3 (a second URL/FRAME record for r (the first is on line 1))',
    ]);
  });

  it('delegates sub-domains with NS, allows glue below, refuses other data there', () => {
    ok('sub NS 0 ns1.sub.example.com. 3600\nsub NS 0 ns2.other.net. 3600\nns1.sub A 0 192.0.2.53 3600');
    assert.deepEqual(errors('sub NS 0 ns1.other.net 3600\nsub A 0 192.0.2.1 300\nwww.sub CNAME 0 x.example.net 300'), [
      'line 2 (sub clashes with line 1 (a delegated name (NS) cannot hold other records))',
      'line 3 (www.sub lies below the delegation of sub (line 1), where only A/AAAA glue records may be)',
    ]);
  });

  it('drops apex NS lines naming the platform name servers (include-defaults output) and refuses others', () => {
    const z = ok('@ NS 0 a.ns.dmapid.test 86400 0 0\n@ NS 0 B.NS.DMAPID.TEST. 86400\nwww A 0 192.0.2.1 300');
    assert.equal(z.records.length, 1);
    assert.deepEqual(errors('@ NS 0 ns1.elsewhere.net 86400'), [
      "line 1 (the apex NS records are the platform's name servers (a.ns.dmapid.test, b.ns.dmapid.test); NS records can only delegate sub-domains)",
    ]);
  });

  it('refuses zones with too many records', () => {
    const text = Array.from({ length: 4 }, (_, i) => `h${i} A 0 192.0.2.${i + 1} 300`).join('\n');
    assert.deepEqual(errors(text, { ...opts, maxRecords: 3 }), ['line 4 (the zone has more than 3 records)']);
  });
});

describe('zone format: include-defaults output', () => {
  it('adds the apex NS lines and writes valid-from/valid-to on every record, and put accepts it back', () => {
    const z = ok('www A 0 192.0.2.1 300\nt TXT 0 "v" 300\nm MAILFW 0 a@example.net 300');
    const text = formatZone({ dnssec: false, dyndns: { enabled: false, user: '', password: '' }, records: z.records }, { defaults: { nameservers: opts.platformNameservers, ttl: 86400 } });
    assert.equal(
      text,
      '$dnssec=no\n$dyndns=no::\n@ NS 0 a.ns.dmapid.test 86400 0 0\n@ NS 0 b.ns.dmapid.test 86400 0 0\nwww A 0 192.0.2.1 300 0 0\nt TXT 0  "v " 300 0 0\nm MAILFW 0 a@example.net 300 0 0 0\n',
    );
    assert.deepEqual(ok(text).records, z.records);
  });
});

describe('tokenize', () => {
  it('splits on spaces and tabs and unquotes', () => {
    assert.deepEqual(tokenize('a  "b c"\t"d\\"e" "f\\\\" "g\\n"'), [
      { text: 'a', quoted: false },
      { text: 'b c', quoted: true },
      { text: 'd"e', quoted: true },
      { text: 'f\\', quoted: true },
      { text: 'g\\n', quoted: true },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const lower = 'abcdefghijklmnopqrstuvwxyz';
const part = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
const relName = fc.array(part, { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
const label = fc.oneof(fc.constant('@'), relName, relName.map((n) => `*.${n}`), fc.constant('*'), relName.map((n) => `_${n}`));
const host = fc.oneof(
  fc.constant('@'),
  fc.tuple(fc.array(part, { minLength: 2, maxLength: 4 }), fc.boolean()).map(([p, dot]) => p.join('.') + (dot ? '.' : '')),
);
const ttl = fc.integer({ min: 60, max: 2_147_483_647 });
const validity = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ validFrom: 0, validTo: 0 }) },
  fc.tuple(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: 0, max: 2_000_000_000 })).map(([a, b]) => (a && b ? { validFrom: Math.min(a, b), validTo: Math.max(a, b) } : { validFrom: a, validTo: b })),
);
// Printable text with the characters that stress quoting: quotes, backslashes, spaces, UTF-8.
const textChar = fc.constantFrom(...`${lower}ABZ0189 =;:.,-_/+"\\\`'!?#$%&()[]{}<>@^~|éß€😀`.split(/(?:)/u));
const freeText = (min: number, max: number) => fc.string({ unit: textChar, minLength: min, maxLength: max });
const txtValue = freeText(1, 60).map((s) => s.trim()).filter((s) => s.length > 0);
const u16 = fc.integer({ min: 0, max: 65535 });
const url = fc.tuple(fc.constantFrom('http://', 'https://', ''), fc.tuple(fc.array(part, { minLength: 1, maxLength: 2 }), fc.stringMatching(/^[a-z]{2,6}$/)).map(([p, tld]) => [...p, tld]), fc.stringMatching(/^(\/[a-zA-Z0-9._~%!$&'()*+,;=:@-]{0,8}){0,3}(\?[a-z0-9=&]{0,10})?$/)).map(
  ([scheme, p, path]) => `${scheme}${p.join('.')}${path}`,
);
const headerLine = fc.tuple(fc.stringMatching(/^X-[A-Za-z0-9-]{1,10}$/), fc.stringMatching(/^[ -[\]-~]{0,20}$/)).map(([n, v]) => `${n}: ${v.trim()}`);
const frameHeadersText = fc.array(headerLine, { maxLength: 3 }).map((l) => l.join('\\n'));
const noCtl = freeText(0, 40);

const recordArb: fc.Arbitrary<ZoneRecord> = fc
  .tuple(
    validity,
    ttl,
    fc.oneof(
      fc.record({ type: fc.constantFrom('A' as const, 'DYNA' as const), label, address: fc.ipV4() }),
      fc.record({ type: fc.constantFrom('AAAA' as const, 'DYNAAAA' as const), label, address: fc.ipV6() }),
      fc.record({ type: fc.constant('CNAME' as const), label: relName, target: host }),
      fc.record({ type: fc.constant('NS' as const), label: relName, host: host.filter((h) => h !== '@') }),
      fc.record({ type: fc.constant('MX' as const), label, preference: u16, exchange: fc.oneof(host, fc.constant('.')) }),
      fc.record({ type: fc.constant('TXT' as const), label, text: txtValue }),
      fc.record({ type: fc.constant('SRV' as const), label: fc.tuple(part, fc.constantFrom('tcp', 'udp', 'tls')).map(([s, p]) => `_${s}._${p}`), priority: u16, weight: u16, target: fc.oneof(host, fc.constant('.')), port: u16 }),
      fc.record({ type: fc.constant('CAA' as const), label, flags: fc.integer({ min: 0, max: 255 }), tag: fc.constantFrom('issue', 'issuewild', 'contactemail', 'X1'), value: noCtl }),
      fc.record({ type: fc.constant('URL' as const), label, url, status: fc.constantFrom(null, ...redirectStatuses) }),
      fc.record({ type: fc.constant('FRAME' as const), label, url, headers: frameHeadersText, head: noCtl, title: noCtl, body: noCtl }),
      fc.record({ type: fc.constant('MAILFW' as const), label: fc.oneof(fc.constant('*'), fc.stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,10}$/)), address: fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,10}$/), fc.array(part, { minLength: 2, maxLength: 3 })).map(([l, d]) => `${l}@${d.join('.')}`), spamFilter: fc.boolean() }),
    ),
  )
  .map(([v, t, body]) => ({ ...body, ttl: t, ...v }) as ZoneRecord);

const naptrArb: fc.Arbitrary<ZoneRecord> = fc
  .tuple(
    label,
    fc.integer({ min: 0, max: 3600 }),
    u16,
    u16,
    fc.stringMatching(/^[A-Za-z0-9]{0,3}$/),
    fc.stringMatching(/^[A-Za-z0-9+:._-]{0,12}$/),
    fc.oneof(host.map((h) => ({ replacement: h, regexp: '' })), freeText(1, 30).map((re) => ({ replacement: '.', regexp: re }))),
  )
  .map(([l, t, order, preference, flags, service, rr]) => ({ type: 'NAPTR', label: l, ttl: t, validFrom: 0, validTo: 0, order, preference, flags, service, ...rr }) as ZoneRecord);

const anyRecord = fc.oneof({ weight: 10, arbitrary: recordArb }, { weight: 1, arbitrary: naptrArb });

describe('zone format: properties', () => {
  it('every valid record line round-trips: parse(format(r)) = r, in short and include-defaults form', () => {
    fc.assert(
      fc.property(anyRecord, fc.boolean(), (r, full) => {
        const line = formatRecord(r, full);
        const res = parseZone(line, opts);
        if (!res.ok) throw new Error(`${line}\n${res.errors.map(describeError).join('\n')}`);
        assert.deepEqual(res.zone.records, [r]);
        assert.equal(formatRecord(res.zone.records[0]!, full), line);
      }),
      { numRuns: 3000 },
    );
  });

  it('a whole zone round-trips get → put → get unchanged', () => {
    const zoneArb = fc.tuple(fc.array(anyRecord, { maxLength: 25 }), fc.boolean(), fc.option(fc.tuple(fc.stringMatching(/^[!-9;-~]{1,12}$/), fc.stringMatching(/^[!-9;-~]{1,12}$/)))).map(([records, dnssec, dyn]) => ({
      // One name per record keeps the whole-zone rules (CNAME alone, URL alone, delegations) out of the way.
      records: records.map((r, i) => ({ ...r, label: r.type === 'SRV' ? `${r.label}.n${i}` : `n${i}` })) as ZoneRecord[],
      dnssec,
      dyndns: dyn ? { enabled: true, user: dyn[0], password: dyn[1] } : { enabled: false, user: '', password: '' },
    }));
    fc.assert(
      fc.property(zoneArb, fc.boolean(), (z, full) => {
        const text = formatZone(z, full ? { defaults: { nameservers: opts.platformNameservers, ttl: 86400 } } : {});
        const res = parseZone(text, opts);
        if (!res.ok) throw new Error(`${text}\n${res.errors.map(describeError).join('\n')}`);
        const again = formatZone({ dnssec: res.zone.dnssec!, dyndns: res.zone.dyndns!, records: res.zone.records }, full ? { defaults: { nameservers: opts.platformNameservers, ttl: 86400 } } : {});
        assert.equal(again, text);
      }),
      { numRuns: 500 },
    );
  });

  const vocabulary = fc.constantFrom('@', 'www', '*', 'A', 'AAAA', 'MX', 'CNAME', 'TXT', 'SRV', 'NAPTR', 'CAA', 'URL', 'FRAME', 'MAILFW', 'DYNA', 'NS', '0', '10', '10/100', '60', '3600', '192.0.2.1', '::1', 'host.example.net.', 'h:80', '"q"', '"', '""', '"a b"', '\\', '$dyndns=yes:u:p', '$dnssec=no', '#', 'issue', 'x@y.z', 'http://a.b/', '\t', '-1', '99999999999999999999');
  const lineArb = fc.oneof(fc.array(vocabulary, { maxLength: 10 }).map((w) => w.join(' ')), fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 40 }));

  it('random input never throws and always answers line-numbered errors for lines that exist', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r'), (lines, eol) => {
        const text = lines.join(eol);
        const res = parseZone(text, opts);
        if (res.ok) return;
        assert.ok(res.errors.length > 0);
        const count = text.split(/\r\n|\r|\n/).length;
        let last = 0;
        for (const e of res.errors) {
          assert.ok(Number.isInteger(e.line) && e.line > last && e.line <= count, `line ${e.line} of ${count}`);
          assert.ok(e.message.length > 0 && !/[\r\n]/.test(e.message));
          last = e.line;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
