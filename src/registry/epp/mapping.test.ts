import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContactInfo, DomainInfo, HostInfo, TransferInfo } from '../port.ts';
import { RegistryError } from '../port.ts';
import { decodeClientFrame, encodeCommand } from './commands.ts';
import { decodeServerFrame, encodeResponse } from './responses.ts';
import { contactChangeOf, contactFromEpp, contactToEpp, domainFromEpp, domainToEpp, domainUpdateFromEpp, domainUpdateToEpp, hostFromEpp, hostToEpp, moneyOf, feeOf, periodOfMonths, monthsOf, pollFromEpp, pollToEpp, postalChangeOf, registryErrorOf, result, transferFromEpp, transferToEpp } from './mapping.ts';
import type { Command, Response } from './types.ts';

const t0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const day = 86_400_000;
const domain: DomainInfo = {
  name: 'example.test',
  unicode: 'example.test',
  roid: 'D7-SIM',
  tld: 'test',
  sponsor: 'registrar-a',
  createdBy: 'registrar-a',
  createdAt: t0,
  updatedAt: t0 + day,
  expiresAt: t0 + 365 * day,
  transferredAt: null,
  registrant: 'REG-1',
  admin: 'ADM-1',
  tech: 'ADM-1',
  billing: null,
  nameservers: ['ns1.example.test', 'ns.other.example'],
  subordinateHosts: ['ns1.example.test'],
  statuses: ['clientTransferProhibited'],
  rgp: ['addPeriod'],
  dnssec: { kind: 'ds', records: [{ keyTag: 1, algorithm: 13, digestType: 2, digest: 'C'.repeat(64) }] },
  hasAuthCode: true,
  pendingTransfer: null,
};

/** Through the wire and back: port → EPP response → XML → EPP → port. */
function overTheWire(r: Response): Response {
  const f = decodeServerFrame(encodeResponse(r));
  assert.equal(f.kind, 'response');
  return (f as { response: Response }).response;
}
function commandOverTheWire<C extends Command>(c: C): C {
  const f = decodeClientFrame(encodeCommand(c));
  return (f as unknown as { command: C }).command;
}

describe('EPP ↔ port mapping', () => {
  it('carries domain info through infData, rgp and secDNS; the auth code shows as set only to the sponsor', () => {
    const { data, ext } = domainToEpp(domain, 'registrar-a');
    const back = overTheWire({ results: [result(1000)], resData: { type: 'domain:infData', data }, ext, svTRID: 'S-1' });
    assert.equal(back.resData?.type, 'domain:infData');
    const info = domainFromEpp((back.resData as { data: typeof data }).data, back.ext);
    assert.deepEqual(info, domain);
    assert.equal(domainToEpp(domain, 'registrar-b').data.authInfo, undefined);
  });

  it('turns a port update into add/rem differences and reads it back into the same change', () => {
    const change = { nameservers: ['ns.other.example', 'ns2.example.test'], tech: 'TEC-9', billing: null, addStatuses: ['clientHold' as const], removeStatuses: ['clientTransferProhibited' as const], dnssec: { kind: 'ds' as const, records: [{ keyTag: 2, algorithm: 8, digestType: 2, digest: 'D'.repeat(64) }] } };
    const cmd = commandOverTheWire(domainUpdateToEpp(domain, change));
    assert.deepEqual(cmd.add?.ns, ['ns2.example.test']);
    assert.deepEqual(cmd.rem?.ns, ['ns1.example.test']);
    assert.deepEqual(domainUpdateFromEpp(domain, cmd), { nameservers: ['ns.other.example', 'ns2.example.test'], tech: 'TEC-9', addStatuses: ['clientHold'], removeStatuses: ['clientTransferProhibited'], dnssec: change.dnssec });
    assert.deepEqual(domainUpdateFromEpp(domain, commandOverTheWire(domainUpdateToEpp(domain, { dnssec: null }))), { dnssec: null });
  });

  it('applies secDNS rem/add to the current records and refuses mixing the interfaces', () => {
    const rec = domain.dnssec!.records[0]!;
    assert.deepEqual(domainUpdateFromEpp(domain, { cmd: 'domain:update', name: domain.name, secDNS: { rem: { kind: 'ds', records: [rec as never] } } }), { dnssec: null });
    assert.throws(() => domainUpdateFromEpp(domain, { cmd: 'domain:update', name: domain.name, secDNS: { add: { kind: 'key', records: [{ flags: 257, protocol: 3, algorithm: 13, publicKey: 'AQID' }] } } }), (e: unknown) => e instanceof RegistryError && e.code === 2306);
    assert.throws(() => domainUpdateFromEpp(domain, { cmd: 'domain:update', name: domain.name, rem: { contacts: [{ type: 'admin', id: 'NOPE-1' }] } }), (e: unknown) => e instanceof RegistryError && e.code === 2303);
  });

  it('carries host, contact and transfer data both ways', () => {
    const host: HostInfo = { name: 'ns1.example.test', roid: 'H3-SIM', sponsor: 'registrar-a', superordinate: 'example.test', ipv4: ['192.0.2.7'], ipv6: ['2001:db8::7'], statuses: ['ok', 'linked'], createdAt: t0, updatedAt: t0 };
    const h = overTheWire({ results: [result(1000)], resData: { type: 'host:infData', data: hostToEpp(host) }, svTRID: 'S-2' });
    assert.deepEqual(hostFromEpp((h.resData as { data: ReturnType<typeof hostToEpp> }).data, 'example.test'), host);

    const contact: ContactInfo = { id: 'REG-1', roid: 'C4-SIM', sponsor: 'registrar-a', postal: { name: 'Zoë Müller', organization: '', street: ['Hauptstraße 1'], city: 'Berlin', state: '', postalCode: '10115', country: 'DE', voice: '+49.301234567', voiceExt: '', fax: '', email: 'zoe@example.de', extensions: { lang: 'de' } }, statuses: ['ok'], createdAt: t0, updatedAt: t0 + day };
    const { data, fields } = contactToEpp(contact);
    const c = overTheWire({ results: [result(1000)], resData: { type: 'contact:infData', data }, ext: { contactFields: fields }, svTRID: 'S-3' });
    assert.deepEqual(contactFromEpp((c.resData as { data: typeof data }).data, c.ext?.contactFields), contact);
    const chg = contactChangeOf(contact.postal, { city: 'Hamburg', email: 'z@example.de' });
    assert.deepEqual(postalChangeOf(chg, undefined, contact.postal), { name: 'Zoë Müller', organization: '', street: ['Hauptstraße 1'], city: 'Hamburg', state: '', postalCode: '10115', country: 'DE', email: 'z@example.de' });

    const t: TransferInfo = { name: 'example.test', status: 'pending', gaining: 'registrar-b', losing: 'registrar-a', requestedAt: t0, actBy: t0 + 5 * day, expiresAt: t0 + 730 * day };
    const tr = overTheWire({ results: [result(1001)], resData: { type: 'domain:trnData', data: transferToEpp(t) }, svTRID: 'S-4' });
    assert.deepEqual(transferFromEpp((tr.resData as { data: ReturnType<typeof transferToEpp> }).data), t);
  });

  it('maps poll messages, periods, fees and result codes', () => {
    const m = { id: 12, kind: 'autorenew', object: 'example.test', text: 'renewed', createdAt: t0 };
    assert.deepEqual(pollFromEpp(overTheWire({ results: [result(1301)], ...pollToEpp(m, 4), svTRID: 'S-5' })), m);
    assert.equal(pollFromEpp({ results: [result(1300)], svTRID: 'S-6' }), undefined);
    assert.deepEqual(periodOfMonths(24), { value: 2, unit: 'y' });
    assert.deepEqual(periodOfMonths(6), { value: 6, unit: 'm' });
    assert.equal(monthsOf({ value: 3, unit: 'y' }, 12), 36);
    assert.equal(monthsOf(undefined, 12), 12);
    assert.deepEqual(feeOf({ amount: 100050, currency: 'USD' }), { currency: 'USD', fee: '1000.50' });
    assert.deepEqual(moneyOf({ currency: 'USD', fee: '1000.50' }), { amount: 100050, currency: 'USD' });
    assert.equal(moneyOf({ currency: 'XXX', fee: '1' }), undefined);
    assert.equal(moneyOf({ currency: 'USD', fee: '1.005' }), undefined);
    const e = registryErrorOf({ results: [result(2302, 'domain x exists')], svTRID: 'S' });
    assert.equal(e.code, 2302);
    assert.equal(e.message, 'domain x exists');
    assert.equal(registryErrorOf({ results: [result(2502)], svTRID: 'S' }).code, 2400);
  });
});
