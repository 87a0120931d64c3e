import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { forEachDatabase, type TestApp } from '../../test/helpers/harness.ts';
import { directoryWorld, handles, host, names, org, person } from '../../test/helpers/directory-world.ts';
import { WhoisServer } from './server.ts';

/** Sends `query` (bytes as given) and reads until the server closes; `halfClose` ends our side after it. */
function ask(port: number, query: string | Buffer, o: { halfClose?: boolean; from?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', ...(o.from ? { localAddress: o.from } : {}) });
    let out = '';
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer to ${String(query).slice(0, 40)}`))), 5000);
    socket.on('data', (d) => (out += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => (clearTimeout(timer), resolve(out)));
    socket.write(query, () => o.halfClose && socket.end());
  });
}

/** The `Key: value` lines of an answer, in order. */
const fields = (text: string) => text.split('\r\n').filter((l) => /^[A-Z][^:]*:/.test(l) && !l.startsWith('>>>')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as const);
const value = (text: string, key: string) => fields(text).filter(([k]) => k === key).map(([, v]) => v);

function whoisServer(t: () => TestApp) {
  let server: WhoisServer;
  let port = 0;
  before(async () => {
    server = new WhoisServer(t().app.deps);
    port = (await server.listen({ host: '127.0.0.1', port: 0 })).port;
  });
  after(() => server.close());
  return { port: () => port };
}

forEachDatabase('port-43 WHOIS', (t) => {
  const w = whoisServer(t);

  it('setup', async () => {
    await directoryWorld(t().app.deps.db, t().clock.now());
  });

  it('an unprotected domain: the registrar output of the registration data policy, every field shown, CRLF lines', async () => {
    const text = await ask(w.port(), `${names.open}\r\n`);
    assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends');
    assert.deepEqual(fields(text).slice(0, 13), [
      ['Domain Name', names.open], ['Registry Domain ID', 'D1-SIM'], ['Registrar WHOIS Server', 'whois.dmapid.test'], ['Registrar URL', 'http://127.0.0.1:8080'],
      ['Updated Date', '2026-01-15T12:00:00Z'], ['Creation Date', '2026-01-15T12:00:00Z'], ['Registrar Registration Expiration Date', '2027-01-15T12:00:00Z'],
      ['Registrar', 'dmapid sandbox registrar'], ['Registrar IANA ID', '9999'], ['Registrar Abuse Contact Email', 'abuse@dmapid.test'], ['Registrar Abuse Contact Phone', '+1.5555550100'],
      ['Domain Status', 'clientTransferProhibited https://icann.org/epp#clientTransferProhibited'], ['Registry Registrant ID', handles.org],
    ]);
    for (const [key, v] of [['Registrant Name', org.name], ['Registrant Organization', org.organization], ['Registrant Street', org['address-1']], ['Registrant City', org.city], ['Registrant State/Province', org.state], ['Registrant Postal Code', org['postal-code']], ['Registrant Country', org.country], ['Registrant Phone', org.phone], ['Registrant Fax', org.fax], ['Registrant Email', org.email], ['Tech Email', org.email], ['Admin Name', org.name]] as const) {
      assert.deepEqual(value(text, key), [v], key);
    }
    assert.deepEqual(value(text, 'Name Server'), [host.name, 'a.ns.joker.com']);
    assert.deepEqual(value(text, 'DNSSEC'), ['unsigned']);
    assert.deepEqual(value(text, 'URL of the ICANN Whois Inaccuracy Complaint Form'), ['https://www.icann.org/wicf/']);
    assert.match(text, /\r\n>>> Last update of WHOIS database: 2026-01-15T12:00:00Z <<<\r\n/);
    assert.ok(!text.includes('REDACTED'));
  });

  it('pro privacy redacts every contact field; a natural person keeps only organisation, state and country', async () => {
    const pro = await ask(w.port(), `domain ${names.pro}\r\n`);
    for (const secret of [org.name!, org.email!, org.phone!, org['address-1']!, org.organization!, handles.org]) assert.ok(!pro.includes(secret), `${secret} leaked`);
    assert.deepEqual(value(pro, 'Registrant Name'), ['REDACTED FOR PRIVACY']);
    assert.deepEqual(value(pro, 'Registrant Country'), ['REDACTED FOR PRIVACY']);
    assert.deepEqual(value(pro, 'Domain Status'), ['ok https://icann.org/epp#ok']);
    const personal = await ask(w.port(), `${names.personal}\n`);
    for (const secret of [person.name!, person.email!, person.phone!, person['address-1']!, person.city!, handles.person]) assert.ok(!personal.includes(secret), `${secret} leaked`);
    assert.deepEqual(
      ['Registry Registrant ID', 'Registrant Name', 'Registrant Organization', 'Registrant Street', 'Registrant City', 'Registrant State/Province', 'Registrant Postal Code', 'Registrant Country', 'Registrant Phone', 'Registrant Email'].map((k) => value(personal, k)[0]),
      ['REDACTED FOR PRIVACY', 'REDACTED FOR PRIVACY', '', 'REDACTED FOR PRIVACY', 'REDACTED FOR PRIVACY', 'BE', 'REDACTED FOR PRIVACY', 'DE', 'REDACTED FOR PRIVACY', 'REDACTED FOR PRIVACY'],
    );
    assert.deepEqual(value(personal, 'Tech Email'), [org.email]);
  });

  it('WHOIS redacts exactly the fields RDAP names in its redacted member (one rule for both)', async () => {
    for (const name of [names.open, names.pro, names.personal, names.bob]) {
      const text = await ask(w.port(), `${name}\r\n`);
      const inWhois = fields(text).filter(([, v]) => v === 'REDACTED FOR PRIVACY').map(([k]) => k).sort();
      const res = await t().app.http.inject({ method: 'GET', url: `/rdap/domain/${name}` });
      const inRdap = ((JSON.parse(res.body).redacted ?? []) as Array<{ name: { type?: string; description?: string } }>).map((r) => r.name.type ?? r.name.description!).sort();
      assert.deepEqual(inWhois, inRdap, name);
    }
  });

  it('IDN by U-label, DNSSEC, name servers and the registrar', async () => {
    const idn = await ask(w.port(), 'bücher.com\r\n');
    assert.deepEqual(value(idn, 'Domain Name'), [names.idn]);
    assert.deepEqual(value(idn, 'DNSSEC'), ['signedDelegation']);
    assert.deepEqual(value(idn, 'Domain Status'), ['inactive https://icann.org/epp#inactive']);
    const ns = await ask(w.port(), `nameserver ${host.name}\r\n`);
    assert.deepEqual(fields(ns).slice(0, 4), [['Server Name', host.name], ['IP Address', host.ipv4], ['IP Address', host.ipv6], ['Registrar', 'dmapid sandbox registrar']]);
    assert.deepEqual(value(await ask(w.port(), 'ns A.NS.JOKER.COM\r\n'), 'Server Name'), ['a.ns.joker.com']);
    for (const q of ['registrar 9999', 'registrar dmapid sandbox registrar']) assert.deepEqual(value(await ask(w.port(), `${q}\r\n`), 'Registrar IANA ID'), ['9999'], q);
  });

  it("Joker's availability form: domain:<name> free | registered, as whois.joker.com:4343 answers", async () => {
    assert.equal(await ask(w.port(), 'domain:surely-free-name.com\r\n'), 'domain:surely-free-name.com free\r\n');
    assert.equal(await ask(w.port(), `domain:${names.open}\r\n`), `domain:${names.open} registered\r\n`);
    assert.equal(await ask(w.port(), 'domain:example.com\r\n'), 'domain:example.com registered\r\n', "another registrar's domain");
    assert.equal(await ask(w.port(), 'domain:nic.com\r\n'), 'domain:nic.com registered\r\n', 'reserved');
    assert.equal(await ask(w.port(), 'domain:bücher-frei.com lang=de\r\n'), 'domain:bücher-frei.com free\r\n');
    assert.equal(await ask(w.port(), 'domain:no-such-tld.invalid\r\n'), 'domain:no-such-tld.invalid registered\r\n');
    assert.equal(await ask(w.port(), 'domain:bad..name.com\r\n'), 'domain:bad..name.com registered\r\n');
    assert.match(await ask(w.port(), 'domain:x.com foo=bar\r\n'), /^domain:x\.com unknown /);
  });

  it('No match for what is not ours; only the first line counts; a query without line end (half-closed) is answered', async () => {
    const none = await ask(w.port(), 'example.com\r\n');
    assert.match(none, /^No match for "example\.com"\.\r\n>>> Last update of WHOIS database: .* <<<\r\n$/);
    assert.match(await ask(w.port(), 'nameserver ns9.nowhere.example\r\n'), /^No match for /);
    assert.match(await ask(w.port(), 'registrar Someone Else\r\n'), /^No match for /);
    assert.match(await ask(w.port(), 'what is this\r\n'), /^No match for "what is this"/);
    assert.deepEqual(value(await ask(w.port(), `${names.open}\r\nexample.com\r\n`), 'Domain Name'), [names.open]);
    assert.deepEqual(value(await ask(w.port(), names.open, { halfClose: true }), 'Domain Name'), [names.open]);
  });

  it('bad input is answered with an Error line, never a crash: overlong, control characters, not UTF-8, empty, bad names', async () => {
    assert.equal(await ask(w.port(), `${'a'.repeat(600)}.com\r\n`), 'Error: the query is longer than 512 bytes\r\n');
    assert.equal(await ask(w.port(), 'a'.repeat(2000)), 'Error: the query is longer than 512 bytes\r\n', 'no line end at all');
    assert.equal(await ask(w.port(), 'exa\u0007mple.com\r\n'), 'Error: the query has control characters\r\n');
    assert.equal(await ask(w.port(), Buffer.from([0x65, 0xff, 0xfe, 0x2e, 0x63, 0x0d, 0x0a])), 'Error: the query is not UTF-8\r\n');
    assert.match(await ask(w.port(), '\r\n'), /^Error: empty query/);
    assert.match(await ask(w.port(), '-bad-.com\r\n'), /^Error: label -bad- starts or ends with a hyphen/);
    // Still serving.
    assert.deepEqual(value(await ask(w.port(), `${names.open}\r\n`), 'Domain Name'), [names.open]);
  });

  it("tenancy: the resellers behind the domains are never named", async () => {
    for (const name of [names.open, names.bob]) {
      const text = await ask(w.port(), `${name}\r\n`);
      for (const leak of ['dir-alice', 'dir-bob', 'alice-account@reseller.example', 'bob-account@reseller.example']) assert.ok(!text.includes(leak), `${leak} leaked`);
    }
  });
});

forEachDatabase('port-43 WHOIS limits', (t) => {
  const w = whoisServer(t);

  it('an address over DMAPID_DIRECTORY_RATE_LIMIT is told when to come back, until the clock has moved', async () => {
    assert.match(await ask(w.port(), 'example.com\r\n'), /^No match/);
    assert.match(await ask(w.port(), 'example.com\r\n'), /^No match/);
    assert.equal(await ask(w.port(), 'example.com\r\n'), 'Error: too many queries from this address; try again in 30 s\r\n');
    assert.equal(await ask(w.port(), 'domain:free-one.com\r\n'), 'domain:free-one.com unknown too many queries from this address; try again in 30 s\r\n');
    assert.match(await ask(w.port(), 'example.com\r\n', { from: '127.0.0.2' }), /^No match/, 'another address');
    t().clock.advance(30_000);
    assert.match(await ask(w.port(), 'example.com\r\n'), /^No match/);
  });

  it('a connection that sends nothing is closed at the query deadline; one address holds at most its cap', async () => {
    const open = () => new Promise<net.Socket>((resolve) => {
      const s = net.connect({ port: w.port(), host: '127.0.0.1', localAddress: '127.0.0.3' }, () => resolve(s));
      s.on('error', () => {});
    });
    const closed = (s: net.Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
    const held = await Promise.all([open(), open()]);
    const third = await open();
    await closed(third);
    // The first two stay until the deadline (0.2 s here), then go.
    assert.equal(held.some((s) => s.destroyed), false);
    await Promise.all(held.map(closed));
    assert.match(await ask(w.port(), 'example.com\r\n', { from: '127.0.0.3' }), /^No match/);
  });
}, { directoryRateLimit: 2, whoisQueryTimeoutMs: 200, whoisMaxConnectionsPerAddress: 2 });
