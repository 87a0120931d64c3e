import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertValidEpp, xsdProblems } from '../../../test/helpers/epp-xsd.ts';
import { decodeClientFrame, encodeCommand, encodeHello } from './commands.ts';
import { decodeServerFrame, encodeGreeting, encodeResponse } from './responses.ts';
import { EppSyntaxError, NS } from './xml.ts';
import type { Command, Greeting, Response } from './types.ts';

/** Drops undefined members, as a decoded frame has none. */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const t0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const day = 86_400_000;

const ds = { kind: 'ds' as const, records: [{ keyTag: 12345, algorithm: 13, digestType: 2, digest: 'A'.repeat(64) }] };
const key = { kind: 'key' as const, records: [{ flags: 257, protocol: 3, algorithm: 13, publicKey: 'AQID' }] };
const postal = { type: 'loc' as const, name: 'Jane Doe', org: 'Example Ltd', street: ['1 Main St', 'Floor 2'], city: 'Springfield', sp: 'IL', pc: '62701', cc: 'US' };

const commands: Command[] = [
  { cmd: 'login', clID: 'registrar-a', pw: 'secret-pw', objURIs: [NS.domain, NS.host, NS.contact], extURIs: [NS.rgp, NS.secDNS], lang: 'en', clTRID: 'ABC-1' },
  { cmd: 'login', clID: 'registrar-a', pw: 'secret-pw', newPW: 'newer-pw', objURIs: [NS.domain], extURIs: [], lang: 'en' },
  { cmd: 'logout', clTRID: 'ABC-2' },
  { cmd: 'poll', op: 'req' },
  { cmd: 'poll', op: 'ack', msgID: '42' },
  { cmd: 'domain:check', names: ['a.example', 'b.example'] },
  { cmd: 'domain:check', names: ['gold.example'], fee: { currency: 'USD', commands: [{ name: 'create', period: { value: 1, unit: 'y' } }, { name: 'renew' }] } },
  { cmd: 'domain:info', name: 'a.example' },
  { cmd: 'domain:info', name: 'a.example', hosts: 'none', authInfo: 'code' },
  { cmd: 'domain:create', name: 'a.example', period: { value: 2, unit: 'y' }, ns: ['ns1.a.example', 'ns2.other.example'], registrant: 'REG-1', contacts: [{ type: 'admin', id: 'ADM-1' }, { type: 'tech', id: 'TEC-1' }], authInfo: '' },
  { cmd: 'domain:create', name: 'gold.example', authInfo: 'Secr3t!', dnssec: ds, fee: { currency: 'USD', fee: '1000.00' }, clTRID: 'C-9' },
  { cmd: 'domain:create', name: 'key.example', authInfo: '', dnssec: key },
  { cmd: 'domain:delete', name: 'a.example' },
  { cmd: 'domain:renew', name: 'a.example', curExpDate: '2027-01-02', period: { value: 1, unit: 'y' } },
  { cmd: 'domain:renew', name: 'gold.example', curExpDate: '2027-01-02', fee: { currency: 'USD', fee: '500.00' } },
  { cmd: 'domain:transfer', op: 'request', name: 'a.example', period: { value: 1, unit: 'y' }, authInfo: 'code' },
  { cmd: 'domain:transfer', op: 'query', name: 'a.example' },
  { cmd: 'domain:transfer', op: 'approve', name: 'a.example' },
  { cmd: 'domain:transfer', op: 'reject', name: 'a.example' },
  { cmd: 'domain:transfer', op: 'cancel', name: 'a.example' },
  {
    cmd: 'domain:update',
    name: 'a.example',
    add: { ns: ['ns3.other.example'], contacts: [{ type: 'billing', id: 'BIL-1' }], statuses: ['clientHold'] },
    rem: { ns: ['ns1.a.example'], statuses: ['clientTransferProhibited'] },
    chg: { registrant: 'REG-2', authInfo: 'N3w-code!' },
    secDNS: { rem: ds, add: { kind: 'ds', records: [{ keyTag: 1, algorithm: 8, digestType: 1, digest: 'B'.repeat(40) }] } },
  },
  { cmd: 'domain:update', name: 'a.example', chg: { authInfo: null }, secDNS: { remAll: true } },
  { cmd: 'domain:update', name: 'a.example', chg: { authInfo: '' } },
  { cmd: 'domain:update', name: 'a.example', restore: { op: 'request' } },
  {
    cmd: 'domain:update',
    name: 'a.example',
    restore: { op: 'report', report: { preData: 'before', postData: 'after', delTime: t0 - 3 * day, resTime: t0, resReason: 'registrant error', statements: ['one', 'two'], other: 'more' } },
  },
  { cmd: 'host:check', names: ['ns1.a.example'] },
  { cmd: 'host:info', name: 'ns1.a.example' },
  { cmd: 'host:create', name: 'ns1.a.example', addrs: [{ ip: 'v4', addr: '192.0.2.1' }, { ip: 'v6', addr: '2001:db8::1' }] },
  { cmd: 'host:create', name: 'ns.other.example', addrs: [] },
  { cmd: 'host:delete', name: 'ns1.a.example' },
  { cmd: 'host:update', name: 'ns1.a.example', add: { addrs: [{ ip: 'v4', addr: '192.0.2.2' }], statuses: ['clientUpdateProhibited'] }, rem: { addrs: [{ ip: 'v4', addr: '192.0.2.1' }] }, newName: 'ns9.a.example' },
  { cmd: 'contact:check', ids: ['REG-1', 'REG-2'] },
  { cmd: 'contact:info', id: 'REG-1', authInfo: 'x' },
  { cmd: 'contact:create', id: 'REG-1', data: { postalInfo: [postal], voice: '+1.2125550100', voiceExt: '12', fax: '+1.2125550101', email: 'jane@example.net' }, authInfo: 'pass', fields: { lang: 'en', 'nexus-category': 'C11' } },
  { cmd: 'contact:create', id: 'REG-2', data: { postalInfo: [{ type: 'int', name: 'Bob', street: [], city: 'Paris', cc: 'FR' }], email: 'bob@example.net' }, authInfo: '' },
  { cmd: 'contact:delete', id: 'REG-1' },
  { cmd: 'contact:update', id: 'REG-1', addStatuses: ['clientDeleteProhibited'], remStatuses: ['clientUpdateProhibited'], chg: { postalInfo: { type: 'loc', name: 'Jane Roe', addr: { street: ['2 Side St'], city: 'Shelbyville', cc: 'US' } }, voice: '+1.2125550199', voiceExt: '', email: 'roe@example.net' }, fields: { lang: 'fr' } },
  { cmd: 'contact:update', id: 'REG-1', chg: { fax: '' } },
  { cmd: 'contact:transfer', op: 'query', id: 'REG-1' },
];

const greeting: Greeting = { svID: 'dmapid simulated registry', svDate: t0, versions: ['1.0'], langs: ['en'], objURIs: [NS.domain, NS.host, NS.contact], extURIs: [NS.rgp, NS.secDNS, NS.fee, NS.dmapid] };

const ok = [{ code: 1000, msg: 'Command completed successfully' }];
const trn = { id: 'a.example', trStatus: 'pending' as const, reID: 'registrar-b', reDate: t0, acID: 'registrar-a', acDate: t0 + 5 * day, exDate: t0 + 400 * day };
const responses: Response[] = [
  { results: ok, svTRID: 'SV-1' },
  { results: [{ code: 2303, msg: 'Object does not exist' }], clTRID: 'ABC-1', svTRID: 'SV-2' },
  { results: [{ code: 1500, msg: 'Command completed successfully; ending session' }], svTRID: 'SV-3' },
  { results: ok, resData: { type: 'domain:chkData', cds: [{ id: 'a.example', avail: true }, { id: 'b.example', avail: false, reason: 'In use' }] }, svTRID: 'SV-4' },
  {
    results: ok,
    resData: { type: 'domain:chkData', cds: [{ id: 'gold.example', avail: true }] },
    ext: { feeCheck: { currency: 'USD', cds: [{ name: 'gold.example', avail: true, class: 'premium', commands: [{ name: 'create', period: { value: 1, unit: 'y' }, fee: '1000.00', standard: false }] }] } },
    svTRID: 'SV-5',
  },
  {
    results: ok,
    resData: {
      type: 'domain:infData',
      data: { name: 'a.example', roid: 'D1-SIM', statuses: ['clientHold', 'pendingDelete'], registrant: 'REG-1', contacts: [{ type: 'admin', id: 'ADM-1' }], ns: ['ns1.a.example'], hosts: ['ns1.a.example'], clID: 'registrar-a', crID: 'registrar-a', crDate: t0, upID: 'registrar-a', upDate: t0 + day, exDate: t0 + 365 * day, trDate: t0 + 2 * day, authInfo: '' },
    },
    ext: { rgp: { kind: 'infData', statuses: ['redemptionPeriod'] }, secDNS: ds },
    svTRID: 'SV-6',
  },
  { results: ok, resData: { type: 'domain:infData', data: { name: 'b.example', roid: 'D2-SIM', statuses: ['ok'], contacts: [], ns: [], hosts: [], clID: 'registrar-b' } }, ext: { secDNS: key }, svTRID: 'SV-7' },
  { results: ok, resData: { type: 'domain:creData', name: 'a.example', crDate: t0, exDate: t0 + 365 * day }, ext: { fee: { kind: 'creData', currency: 'USD', fees: ['1000.00'], credits: [] } }, svTRID: 'SV-8' },
  { results: ok, resData: { type: 'domain:renData', name: 'a.example', exDate: t0 + 730 * day }, svTRID: 'SV-9' },
  { results: [{ code: 1001, msg: 'Command completed successfully; action pending' }], resData: { type: 'domain:trnData', data: trn }, svTRID: 'SV-10' },
  { results: ok, resData: { type: 'domain:panData', name: 'a.example', paResult: true, paTRID: { clTRID: 'ABC-1', svTRID: 'SV-1' }, paDate: t0 }, svTRID: 'SV-11' },
  { results: ok, ext: { rgp: { kind: 'upData', statuses: ['pendingRestore'] } }, svTRID: 'SV-12' },
  { results: ok, resData: { type: 'host:chkData', cds: [{ id: 'ns1.a.example', avail: false }] }, svTRID: 'SV-13' },
  {
    results: ok,
    resData: { type: 'host:infData', data: { name: 'ns1.a.example', roid: 'H1-SIM', statuses: ['ok', 'linked'], addrs: [{ ip: 'v4', addr: '192.0.2.1' }, { ip: 'v6', addr: '2001:db8::1' }], clID: 'registrar-a', crID: 'registrar-a', crDate: t0, upID: 'registrar-a', upDate: t0 + day } },
    svTRID: 'SV-14',
  },
  { results: ok, resData: { type: 'host:creData', name: 'ns1.a.example', crDate: t0 }, svTRID: 'SV-15' },
  { results: ok, resData: { type: 'contact:chkData', cds: [{ id: 'REG-1', avail: false, reason: 'In use' }] }, svTRID: 'SV-16' },
  {
    results: ok,
    resData: { type: 'contact:infData', data: { id: 'REG-1', roid: 'C1-SIM', statuses: ['linked'], postalInfo: [postal], voice: '+1.2125550100', voiceExt: '12', fax: '+1.2125550101', email: 'jane@example.net', clID: 'registrar-a', crID: 'registrar-a', crDate: t0, upID: 'registrar-a', upDate: t0 + day } },
    ext: { contactFields: { lang: 'en' } },
    svTRID: 'SV-17',
  },
  { results: ok, resData: { type: 'contact:creData', id: 'REG-1', crDate: t0 }, svTRID: 'SV-18' },
  { results: ok, resData: { type: 'contact:trnData', data: { id: 'REG-1', trStatus: 'clientApproved', reID: 'registrar-b', reDate: t0, acID: 'registrar-a', acDate: t0 } }, svTRID: 'SV-19' },
  { results: [{ code: 1300, msg: 'Command completed successfully; no messages' }], svTRID: 'SV-20' },
  {
    results: [{ code: 1301, msg: 'Command completed successfully; ack to dequeue' }],
    msgQ: { count: 3, id: '17', qDate: t0, msg: 'transfer of a.example requested' },
    resData: { type: 'domain:trnData', data: trn },
    ext: { poll: { kind: 'transfer-requested', object: 'a.example' } },
    svTRID: 'SV-21',
  },
  { results: ok, msgQ: { count: 2, id: '17' }, svTRID: 'SV-22' },
];

describe('EPP codec', () => {
  it('round-trips every command and hello, and each frame validates against the RFC schemas', () => {
    const frames = [encodeHello(), ...commands.map(encodeCommand)];
    assertValidEpp(frames);
    assert.deepEqual(decodeClientFrame(frames[0]!), { kind: 'hello' });
    commands.forEach((c, i) => assert.deepEqual(plain(decodeClientFrame(frames[i + 1]!)), plain({ kind: 'command', command: c }), `command ${c.cmd}`));
  });

  it('round-trips the greeting and every response type, each valid against the schemas', () => {
    const frames = [encodeGreeting(greeting), ...responses.map(encodeResponse)];
    assertValidEpp(frames);
    assert.deepEqual(decodeServerFrame(frames[0]!), { kind: 'greeting', greeting });
    responses.forEach((r, i) => assert.deepEqual(plain(decodeServerFrame(frames[i + 1]!)), plain({ kind: 'response', response: r }), `response ${i}`));
  });

  it('the schemas do reject a broken frame (the check is not vacuous)', () => {
    const bad = encodeCommand({ cmd: 'domain:create', name: 'a.example', authInfo: '' }).replace('<domain:authInfo>', '<domain:bogus/><domain:authInfo>');
    const login = encodeCommand({ cmd: 'login', clID: 'ab', pw: 'x', objURIs: [NS.domain], extURIs: [] });
    const [p1, p2] = xsdProblems([bad, login]);
    assert.ok(p1!.length > 0);
    assert.ok(p2!.length > 0, 'clID under 3 characters and a 1-character password are schema errors');
  });

  it('reads any namespace prefix a peer chooses', () => {
    const xml = `<?xml version="1.0"?><e:epp xmlns:e="${NS.epp}"><e:command><e:check><d:check xmlns:d="${NS.domain}"><d:name> x.example </d:name></d:check></e:check><e:clTRID>T-1</e:clTRID></e:command></e:epp>`;
    assert.deepEqual(plain(decodeClientFrame(xml)), { kind: 'command', command: { cmd: 'domain:check', names: ['x.example'], clTRID: 'T-1' } });
  });

  it('refuses what is not EPP with a syntax error, never anything else', () => {
    const cases = [
      '',
      'not xml',
      '<epp xmlns="urn:other"><hello/></epp>',
      `<epp xmlns="${NS.epp}"><greeting/></epp>`,
      `<epp xmlns="${NS.epp}"><hello/><hello/></epp>`,
      `<!DOCTYPE epp [<!ENTITY a "aaaa">]><epp xmlns="${NS.epp}"><hello/></epp>`,
      `<epp xmlns="${NS.epp}"><command><poll op="peek"/></command></epp>`,
      `<epp xmlns="${NS.epp}"><command><check><x:check xmlns:x="urn:x"/></check></command></epp>`,
      `<epp xmlns="${NS.epp}"><command><create><domain:create xmlns:domain="${NS.domain}"><domain:name>a.example</domain:name></domain:create></create></command></epp>`,
      `<epp xmlns="${NS.epp}"><command><renew><domain:renew xmlns:domain="${NS.domain}"><domain:name>a.example</domain:name><domain:curExpDate>2027-01-01</domain:curExpDate><domain:period unit="d">1</domain:period></domain:renew></renew></command></epp>`,
      `<epp xmlns="${NS.epp}"><command><login><clID>abc</clID><pw>secret</pw><options><version>2.0</version><lang>en</lang></options><svcs/></login></command></epp>`,
    ];
    for (const xml of cases) assert.throws(() => decodeClientFrame(xml), EppSyntaxError, xml);
    assert.throws(() => decodeServerFrame(`<epp xmlns="${NS.epp}"><response><trID><svTRID>x12</svTRID></trID></response></epp>`), EppSyntaxError);
  });

  it('skips response extensions it does not know', () => {
    const xml = encodeResponse({ results: ok, svTRID: 'SV-1' }).replace('<trID>', '<extension><o:thing xmlns:o="urn:other">x</o:thing></extension><trID>');
    assert.deepEqual(plain(decodeServerFrame(xml)), { kind: 'response', response: { results: ok, ext: {}, svTRID: 'SV-1' } });
  });
});
