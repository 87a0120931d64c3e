import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { directoryWorld, handles, host, names, org, person, bobPerson } from '../../test/helpers/directory-world.ts';
import { rdapSchemaErrors } from '../../test/helpers/rdap-schema.ts';
import { insertDomain } from '../../test/helpers/domain-rows.ts';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface RdapReply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  raw: string;
  body: Body;
}

async function rdap(t: TestApp, url: string, o: { method?: 'GET' | 'HEAD' | 'POST' | 'OPTIONS' | 'DELETE'; ip?: string; payload?: string; contentType?: string } = {}): Promise<RdapReply> {
  const res = await t.app.http.inject({
    method: o.method ?? 'GET',
    url,
    remoteAddress: o.ip ?? '127.0.0.1',
    ...(o.payload !== undefined ? { payload: o.payload, headers: { 'content-type': o.contentType ?? 'application/json' } } : {}),
  });
  return { status: res.statusCode, headers: res.headers, raw: res.body, body: res.body ? (JSON.parse(res.body) as Body) : {} };
}

/** Every RDAP answer: the media type, CORS, and a body the RFC 9083 schema accepts. */
function assertRdap(r: RdapReply, status: number) {
  assert.equal(r.status, status, r.raw);
  assert.equal(r.headers['content-type'], 'application/rdap+json');
  assert.equal(r.headers['access-control-allow-origin'], '*');
  assert.deepEqual(rdapSchemaErrors(r.body), []);
  if (status >= 400) assert.equal(r.body.errorCode, status);
}

const entity = (b: Body, role: string) => (b.entities as Body[]).find((e) => (e.roles as string[] | undefined)?.includes(role))!;
const card = (e: Body, prop: string) => (e.vcardArray[1] as unknown[][]).filter((p) => p[0] === prop);
const redactedNames = (b: Body) => ((b.redacted ?? []) as Body[]).map((r) => r.name.type ?? r.name.description).sort();

/** Every value of a contact that must not be shown; street, city, phone … */
const secrets = (f: typeof org) => [f.email!, f.phone!, f['address-1']!, f.city!, f['postal-code']!, f.name!];

forEachDatabase('RDAP', (t) => {
  it('setup', async () => {
    await directoryWorld(t().app.deps.db, t().clock.now());
    for (const n of ['lim-a.com', 'lim-b.com', 'lim-c.com', 'lim-d.com']) await insertDomain(t().app.deps.db, (await t().app.deps.db.selectFrom('accounts').select('id').where('login', '=', 'dir-bob').executeTakeFirstOrThrow()).id, n, t().clock.now());
  });

  it('an unprotected domain of an organisation: everything shown, the registrar profile members, no redaction', async () => {
    const r = await rdap(t(), `/rdap/domain/${names.open}`);
    assertRdap(r, 200);
    const b = r.body;
    assert.deepEqual(b.rdapConformance, ['rdap_level_0', 'icann_rdap_response_profile_1', 'icann_rdap_technical_implementation_guide_1']);
    assert.equal(b.redacted, undefined);
    assert.equal(b.objectClassName, 'domain');
    assert.equal(b.ldhName, names.open);
    assert.match(b.handle, /^D\d+-SIM$/);
    assert.deepEqual(b.status, ['client transfer prohibited']);
    assert.deepEqual(b.events.map((e: Body) => e.eventAction), ['registration', 'expiration', 'registrar expiration', 'last changed', 'last update of RDAP database']);
    assert.equal(b.events[0].eventDate, '2026-01-15T12:00:00Z');
    assert.equal(b.events[1].eventDate, '2027-01-15T12:00:00Z');
    assert.deepEqual(b.notices.map((n: Body) => n.title), ['Terms of Use', 'Status Codes', 'RDDS Inaccuracy Complaint Form']);
    assert.equal(b.notices[1].links[0].href, 'https://icann.org/epp');
    assert.equal(b.notices[2].links[0].href, 'https://icann.org/wicf');
    assert.deepEqual(b.links.map((l: Body) => l.rel), ['self', 'related']);
    assert.equal(b.links[0].href, `http://127.0.0.1:8080/rdap/domain/${names.open}`);
    assert.equal(b.port43, 'whois.dmapid.test');
    const registrar = entity(b, 'registrar');
    assert.equal(registrar.handle, '9999');
    assert.deepEqual(registrar.publicIds, [{ type: 'IANA Registrar ID', identifier: '9999' }]);
    assert.deepEqual(card(registrar, 'fn')[0]![3], 'dmapid sandbox registrar');
    const abuse = (registrar.entities as Body[])[0]!;
    assert.deepEqual(abuse.roles, ['abuse']);
    assert.deepEqual(card(abuse, 'email')[0]![3], 'abuse@dmapid.test');
    assert.deepEqual(card(abuse, 'tel')[0]![3], 'tel:+1.5555550100');
    for (const role of ['registrant', 'administrative', 'technical']) {
      const c = entity(b, role);
      assert.equal(c.handle, handles.org);
      assert.equal(card(c, 'fn')[0]![3], org.name);
      assert.equal(card(c, 'org')[0]![3], org.organization);
      assert.deepEqual(card(c, 'adr')[0], ['adr', { cc: 'US' }, 'text', ['', '', org['address-1'], org.city, org.state, org['postal-code'], '']]);
      assert.deepEqual(card(c, 'tel').map((p) => p[3]), [`tel:${org.phone}`, `tel:${org.fax}`]);
      assert.equal(card(c, 'email')[0]![3], org.email);
    }
    assert.deepEqual(b.nameservers.map((n: Body) => [n.ldhName, n.ipAddresses]), [[host.name, { v4: [host.ipv4], v6: [host.ipv6] }], ['a.ns.joker.com', undefined]]);
    assert.deepEqual(b.secureDNS, { delegationSigned: false });
  });

  it('a domain under pro whois privacy: every contact field redacted (RFC 9537), none of the values anywhere', async () => {
    const r = await rdap(t(), `/rdap/domain/${names.pro}`);
    assertRdap(r, 200);
    const b = r.body;
    assert.ok(b.rdapConformance.includes('redacted'));
    for (const secret of [...secrets(org), org.organization!, org.fax!, handles.org]) assert.ok(!r.raw.includes(secret), `${secret} leaked`);
    const registrant = entity(b, 'registrant');
    assert.equal(registrant.handle, undefined);
    assert.equal(card(registrant, 'fn')[0]![3], '');
    assert.deepEqual(card(registrant, 'adr')[0], ['adr', {}, 'text', ['', '', '', '', '', '', '']]);
    assert.deepEqual([card(registrant, 'email'), card(registrant, 'tel'), card(registrant, 'org')], [[], [], []]);
    const registrantRedactions = (b.redacted as Body[]).filter((x) => (x.path ?? x.prePath).includes("'registrant'"));
    assert.deepEqual(registrantRedactions.map((x) => x.name.type ?? x.name.description).sort(), [
      'Registrant City', 'Registrant Country', 'Registrant Email', 'Registrant Fax', 'Registrant Name', 'Registrant Organization', 'Registrant Phone',
      'Registrant Postal Code', 'Registrant State/Province', 'Registrant Street', 'Registry Registrant ID',
    ]);
    const name = registrantRedactions.find((x) => x.name.type === 'Registrant Name')!;
    assert.deepEqual(name, {
      name: { type: 'Registrant Name' }, path: "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='fn')][3]", pathLang: 'jsonpath', method: 'emptyValue',
      reason: { description: 'Redacted for privacy: the domain has a whois privacy service' },
    });
    assert.equal(registrantRedactions.find((x) => x.name.type === 'Registrant Email')!.method, 'removal');
    // The state's name is not registered with IANA: described instead.
    assert.ok(registrantRedactions.some((x) => x.name.description === 'Registrant State/Province'));
    assert.ok(redactedNames(b).includes('Tech Email') && redactedNames(b).includes('Admin Name'));
  });

  it("a natural person's contact: handle, name, street, city, postal code, phone, e-mail redacted; state and country shown", async () => {
    const r = await rdap(t(), `/rdap/domain/${names.personal}`);
    assertRdap(r, 200);
    for (const secret of [...secrets(person), handles.person]) assert.ok(!r.raw.includes(secret), `${secret} leaked`);
    const registrant = entity(r.body, 'registrant');
    assert.deepEqual(card(registrant, 'adr')[0], ['adr', { cc: 'DE' }, 'text', ['', '', '', '', 'BE', '', '']]);
    const own = (r.body.redacted as Body[]).filter((x) => (x.path ?? x.prePath).includes("'registrant'"));
    assert.deepEqual(own.map((x) => x.name.type).sort(), ['Registrant City', 'Registrant Email', 'Registrant Fax', 'Registrant Name', 'Registrant Phone', 'Registrant Postal Code', 'Registrant Street', 'Registry Registrant ID']);
    assert.ok(own.every((x) => x.reason.description === 'Redacted for privacy: the contact is a natural person'));
    // The organisation's admin and tech contacts on the same domain are shown in full.
    assert.equal(card(entity(r.body, 'technical'), 'email')[0]![3], org.email);
    assert.ok(!redactedNames(r.body).some((n: string) => n.startsWith('Tech') || n.startsWith('Admin')));
  });

  it('IDN: the U-label (percent-encoded UTF-8) and the A-label find the same domain, with unicodeName and DS data', async () => {
    const byU = await rdap(t(), `/rdap/domain/${encodeURIComponent('bücher.com')}`);
    const byA = await rdap(t(), '/rdap/domain/XN--BCHER-KVA.COM.');
    assertRdap(byU, 200);
    assertRdap(byA, 200);
    assert.equal(byU.body.ldhName, names.idn);
    assert.equal(byU.body.unicodeName, 'bücher.com');
    const same = (b: Body) => ({ ...b, links: undefined, notices: undefined, entities: undefined, nameservers: undefined });
    assert.deepEqual(same(byU.body), same(byA.body));
    assert.deepEqual(byU.body.secureDNS, { delegationSigned: true, dsData: [{ keyTag: 12345, algorithm: 13, digestType: 2, digest: 'A'.repeat(64) }] });
    assert.deepEqual(byU.body.status, ['inactive']);
  });

  it('nameserver: a host object with its addresses, a delegation name without; 404 for others', async () => {
    const ns = await rdap(t(), `/rdap/nameserver/${host.name}`);
    assertRdap(ns, 200);
    assert.deepEqual([ns.body.objectClassName, ns.body.ldhName, ns.body.ipAddresses, ns.body.status], ['nameserver', host.name, { v4: [host.ipv4], v6: [host.ipv6] }, ['active']]);
    assert.equal(entity(ns.body, 'registrar').handle, '9999');
    assert.deepEqual(ns.body.events.map((e: Body) => e.eventAction), ['registration', 'last changed', 'last update of RDAP database']);
    const external = await rdap(t(), '/rdap/nameserver/A.NS.JOKER.COM');
    assertRdap(external, 200);
    assert.equal(external.body.ipAddresses, undefined);
    assertRdap(await rdap(t(), '/rdap/nameserver/ns9.nowhere.example'), 404);
  });

  it('entity: the registrar by IANA id, contacts some domain publishes (redacted as strictly as their most private domain), 404 for the rest', async () => {
    const registrar = await rdap(t(), '/rdap/entity/9999');
    assertRdap(registrar, 200);
    assert.deepEqual(registrar.body.roles, ['registrar']);
    assert.equal(registrar.body.entities[0].roles[0], 'abuse');
    // ORG is the registrant of private-pro.com (pro privacy) too: shown as that domain shows it.
    const orgContact = await rdap(t(), `/rdap/entity/${handles.org.toLowerCase()}`);
    assertRdap(orgContact, 200);
    assert.equal(orgContact.body.handle, undefined);
    for (const secret of secrets(org)) assert.ok(!orgContact.raw.includes(secret), `${secret} leaked`);
    assert.ok(redactedNames(orgContact.body).includes('Contact Email'));
    const bob = await rdap(t(), `/rdap/entity/${handles.bob}`);
    assertRdap(bob, 200);
    for (const secret of secrets(bobPerson)) assert.ok(!bob.raw.includes(secret), `${secret} leaked`);
    assert.deepEqual(card(bob.body, 'adr')[0]![1], { cc: 'US' });
    assertRdap(await rdap(t(), `/rdap/entity/${handles.unused}`), 404);
    assertRdap(await rdap(t(), '/rdap/entity/CCOM-1'), 404);
    assertRdap(await rdap(t(), '/rdap/entity/bad%20handle'), 400);
  });

  it('searches: domains by name, by name server name and address; name servers by name and address', async () => {
    const byName = await rdap(t(), '/rdap/domains?name=pri*');
    assertRdap(byName, 200);
    assert.deepEqual(byName.body.domainSearchResults.map((d: Body) => d.ldhName), [names.pro]);
    assert.ok(byName.body.rdapConformance.includes('redacted'));
    assert.ok(Array.isArray(byName.body.domainSearchResults[0].redacted));
    assert.ok(!byName.raw.includes(org.email!));
    const suffix = await rdap(t(), '/rdap/domains?name=op*.com');
    assert.deepEqual(suffix.body.domainSearchResults.map((d: Body) => d.ldhName), [names.open]);
    const exact = await rdap(t(), `/rdap/domains?name=${encodeURIComponent('bücher.com')}`);
    assert.deepEqual(exact.body.domainSearchResults.map((d: Body) => d.ldhName), [names.idn]);
    const byNs = await rdap(t(), `/rdap/domains?nsLdhName=ns1.open*.com`);
    assert.deepEqual(byNs.body.domainSearchResults.map((d: Body) => d.ldhName), [names.open]);
    const byIp = await rdap(t(), `/rdap/domains?nsIp=${host.ipv4}`);
    assert.deepEqual(byIp.body.domainSearchResults.map((d: Body) => d.ldhName), [names.open]);
    const byIp6 = await rdap(t(), '/rdap/domains?nsIp=2001:0db8:0:0::53');
    assert.deepEqual(byIp6.body.domainSearchResults.map((d: Body) => d.ldhName), [names.open]);
    const none = await rdap(t(), '/rdap/domains?name=zz*');
    assertRdap(none, 200);
    assert.deepEqual(none.body.domainSearchResults, []);
    const hosts = await rdap(t(), '/rdap/nameservers?name=ns*.open-org.com');
    assertRdap(hosts, 200);
    assert.deepEqual(hosts.body.nameserverSearchResults.map((n: Body) => n.ldhName), [host.name]);
    const delegated = await rdap(t(), '/rdap/nameservers?name=a.ns.jo*.com');
    assert.deepEqual(delegated.body.nameserverSearchResults.map((n: Body) => n.ldhName), ['a.ns.joker.com']);
    const hostsByIp = await rdap(t(), `/rdap/nameservers?ip=${host.ipv6}`);
    assert.deepEqual(hostsByIp.body.nameserverSearchResults.map((n: Body) => n.ldhName), [host.name]);
    const special = await rdap(t(), '/rdap/nameservers?ip=127.0.0.1');
    assertRdap(special, 200);
    assert.deepEqual(special.body.nameserverSearchResults, []);
  });

  it('a search beyond DMAPID_RDAP_SEARCH_LIMIT lists the first matches and says it was cut', async () => {
    const r = await rdap(t(), '/rdap/domains?name=lim*');
    assertRdap(r, 200);
    assert.deepEqual(r.body.domainSearchResults.map((d: Body) => d.ldhName), ['lim-a.com', 'lim-b.com', 'lim-c.com']);
    const cut = (r.body.notices as Body[]).find((n) => n.title === 'Search Policy')!;
    assert.equal(cut.type, 'result set truncated due to excessive load');
    const all = await rdap(t(), '/rdap/domains?name=lim-c*');
    assert.equal((all.body.notices as Body[]).some((n) => n.title === 'Search Policy'), false);
  });

  it("404 for what is not this registrar's: a name at the registry of another registrar, a TLD not sold, nothing at all", async () => {
    for (const name of ['example.com', 'something.invalid', 'unregistered-name.net']) assertRdap(await rdap(t(), `/rdap/domain/${name}`), 404);
  });

  it('bad queries get an RDAP 400 (or 501 for query types not served), never a DMAPI reply or a 500', async () => {
    const bad = [
      '/rdap/domain/', '/rdap/domain/a..com', '/rdap/domain/com', `/rdap/domain/${'a'.repeat(300)}.com`, '/rdap/domain/ex%01ample.com', '/rdap/domain/%ff%fe.com',
      '/rdap/domain/%zz', '/rdap/domain/a.com/extra', '/rdap/nameserver/-bad-.com', '/rdap/domains', '/rdap/domains?name=a*', '/rdap/domains?name=*.com',
      '/rdap/domains?name=ex*a*', '/rdap/domains?name=e*x.com', '/rdap/domains?name=ex*&name=op*', '/rdap/domains?name=ex*&nsIp=192.0.2.1', '/rdap/domains?foo=1',
      `/rdap/domains?name=${encodeURIComponent('bü*.com')}`, '/rdap/domains?nsIp=999.1.1.1', '/rdap/domains?name=%ff', '/rdap/nameservers?ip=', '/rdap/whatever', '/rdap/help/more',
    ];
    for (const url of bad) assertRdap(await rdap(t(), url), 400);
    for (const url of ['/rdap/ip/192.0.2.1', '/rdap/autnum/64496', '/rdap/entities?fn=Ada*']) assertRdap(await rdap(t(), url), 501);
    // The rest of the DMAPI listener still answers DMAPI replies.
    const dmapi = await t().app.http.inject({ method: 'GET', url: '/rdapx' });
    assert.match(dmapi.body, /^Status-Code: /);
  });

  it('help, HEAD, CORS preflight, and methods RDAP does not take', async () => {
    const help = await rdap(t(), '/rdap/help');
    assertRdap(help, 200);
    assert.equal(help.body.notices[0].title, 'Queries');
    assertRdap(await rdap(t(), '/rdap'), 200);
    const head = await t().app.http.inject({ method: 'HEAD', url: `/rdap/domain/${names.open}`, remoteAddress: '127.0.0.1' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-type'], 'application/rdap+json');
    assert.equal(head.body, '');
    const preflight = await t().app.http.inject({ method: 'OPTIONS', url: `/rdap/domain/${names.open}`, headers: { origin: 'https://lookup.example', 'access-control-request-method': 'GET' } });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET, HEAD');
    const post = await rdap(t(), '/rdap/help', { method: 'POST', payload: '{"a":1}' });
    assertRdap(post, 405);
    assert.equal(post.headers['allow'], 'GET, HEAD');
    assertRdap(await rdap(t(), '/rdap/help', { method: 'POST', payload: '{broken' }), 400);
    assertRdap(await rdap(t(), '/rdap/help', { method: 'DELETE' }), 405);
  });

  it("tenancy: one reseller's domain is public only as whois shows it; nothing names the resellers behind the domains", async () => {
    const bob = await rdap(t(), `/rdap/domain/${names.bob}`);
    assertRdap(bob, 200);
    for (const leak of [...secrets(bobPerson), 'dir-bob', 'bob-account@reseller.example', 'dir-alice']) assert.ok(!bob.raw.includes(leak), `${leak} leaked`);
    const open = await rdap(t(), `/rdap/domain/${names.open}`);
    for (const leak of ['dir-alice', 'alice-account@reseller.example']) assert.ok(!open.raw.includes(leak), `${leak} leaked`);
  });
}, { rdapSearchLimit: 3 });

forEachDatabase('RDAP rate limit', (t) => {
  it('an address over DMAPID_DIRECTORY_RATE_LIMIT gets 429 with Retry-After until the clock has moved; others are not affected', async () => {
    for (let i = 0; i < 2; i++) assertRdap(await rdap(t(), '/rdap/help', { ip: '192.0.2.10' }), 200);
    const limited = await rdap(t(), '/rdap/domain/example.com', { ip: '192.0.2.10' });
    assertRdap(limited, 429);
    assert.equal(limited.headers['retry-after'], '30');
    assertRdap(await rdap(t(), '/rdap/help', { ip: '192.0.2.11' }), 200);
    t().clock.advance(29_000);
    assert.equal((await rdap(t(), '/rdap/help', { ip: '192.0.2.10' })).headers['retry-after'], '1');
    t().clock.advance(1_000);
    assertRdap(await rdap(t(), '/rdap/help', { ip: '192.0.2.10' }), 200);
  });
}, { directoryRateLimit: 2 });
