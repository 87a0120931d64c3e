import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadTldCatalogue, tldCatalogue } from './catalogue.ts';
import { checkDomainName } from '../core/domain-name.ts';

describe('TLD catalogue', () => {
  const c = loadTldCatalogue();

  it('ships the issue\'s default set, sorted, with an IDN TLD', () => {
    const names = c.list().map((t) => t.tld);
    for (const t of ['com', 'net', 'org', 'info', 'biz', 'de', 'eu', 'uk', 'co.uk', 'us', 'se', 'nu', 'fi', 'io', 'app', 'dev', 'blog', 'xxx']) assert.ok(names.includes(t), t);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
    const idn = c.list().find((t) => t.tld.startsWith('xn--'));
    assert.ok(idn && idn.unicode && idn.idn.length > 0);
    assert.equal((checkDomainName(`beispiel.${idn.unicode}`) as { ascii: string }).ascii.endsWith(idn.tld), true);
  });

  it('describes periods, grace, transfer, DNSSEC, privacy, IDN and contact rules per TLD', () => {
    const com = c.get('COM')!;
    assert.equal(com.handlePrefix, 'CCOM');
    assert.deepEqual(com.periods.create, [12, 24, 36, 48, 60, 72, 84, 96, 108, 120]);
    assert.deepEqual(com.grace, { add: 5, renew: 5, autoRenew: 45, transfer: 5, redemption: 30, pendingRestore: 7, pendingDelete: 5 });
    assert.equal(com.transfer.authCode, true);
    assert.equal(c.get('eu')!.transfer.authCode, false);
    assert.equal(c.get('de')!.dnssec.format, 'keydata');
    assert.equal(com.dnssec.format, 'dsdata');
    assert.deepEqual(c.get('us')!.privacy, []);
    // DENIC needs no fax (Joker's own modules never send one); faxRequired stays a catalogue option.
    assert.deepEqual(c.list().filter((t) => t.contacts.faxRequired), []);
    assert.deepEqual(Object.fromEntries(['eu', 'us', 'uk', 'co.uk', 'se', 'nu', 'fi', 'com'].map((t) => [t, c.get(t)!.contacts.profile])), { eu: 'eu', us: 'us', uk: 'uk', 'co.uk': 'uk', se: 'se', nu: 'se', fi: 'fi', com: 'generic' });
    assert.ok(c.get('fi')!.periods.create.every((m) => m <= 60));
  });

  it('knows reserved and premium labels', () => {
    assert.ok(c.isReserved('app', 'nic'));
    assert.ok(!c.isReserved('app', 'hello'));
    assert.deepEqual(c.premium('io', 'crypto'), { label: 'crypto', class: 'premium-platinum', create: '12000.00', renew: '250.00' });
    assert.equal(c.premium('com', 'crypto'), undefined);
  });

  it('fills defaults for a terse operator entry and refuses bad ones', () => {
    const own = tldCatalogue([{ tld: 'example', handlePrefix: 'CEXA' }]);
    assert.equal(own.get('example')!.grace.autoRenew, 45);
    assert.equal(own.get('example')!.contacts.profile, 'generic');
    assert.throws(() => tldCatalogue([{ tld: 'a', handlePrefix: 'CA' }]), /handlePrefix/);
    assert.throws(() => tldCatalogue([{ tld: 'a', handlePrefix: 'CAAA', periods: { create: [6] } }]), /multiple of 12/);
    assert.throws(() => tldCatalogue([{ tld: 'a', handlePrefix: 'CAAA' }, { tld: 'a', handlePrefix: 'CAAB' }]), /listed twice/);
    assert.throws(() => tldCatalogue([{ tld: 'a', handlePrefix: 'CAAA', currency: 'JPY', premium: [{ label: 'x', create: '10.50' }] }]), /does not fit JPY/);
  });
});
