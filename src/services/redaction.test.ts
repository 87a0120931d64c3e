import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fieldLabel, isNaturalPerson, publishedFields, redactedFields, stricterLevel } from './redaction.ts';

const hidden = (o: Parameters<typeof redactedFields>[0]) => Object.fromEntries(redactedFields(o));

describe('redaction rules of RDAP and WHOIS', () => {
  it('a natural person: everything but organisation, state and country', () => {
    assert.deepEqual(hidden({ privacy: 'off', person: true }), {
      handle: 'person', name: 'person', street: 'person', city: 'person', 'postal-code': 'person', phone: 'person', fax: 'person', email: 'person',
    });
  });

  it('an organisation: nothing without privacy; basic keeps handle, name and organisation; pro hides all', () => {
    assert.deepEqual(hidden({ privacy: 'off', person: false }), {});
    assert.deepEqual(Object.keys(hidden({ privacy: 'basic', person: false })), ['street', 'city', 'state', 'postal-code', 'country', 'phone', 'fax', 'email']);
    assert.deepEqual(Object.keys(hidden({ privacy: 'pro', person: false })), [...publishedFields]);
  });

  it('both reasons at once: privacy is named where it applies, the person rule for the rest', () => {
    const both = hidden({ privacy: 'basic', person: true });
    assert.equal(both.email, 'privacy');
    assert.equal(both.name, 'person');
    assert.equal(both.organization, undefined);
  });

  it('who is a natural person, and the stricter of two levels', () => {
    assert.equal(isNaturalPerson({ individual: 'Y', organization: 'Acme' }), true);
    assert.equal(isNaturalPerson({ individual: 'N', organization: 'Acme' }), false);
    assert.equal(isNaturalPerson({ organization: '  ' }), true);
    assert.equal(isNaturalPerson({ organization: 'Acme' }), false);
    assert.deepEqual([stricterLevel('off', 'basic'), stricterLevel('pro', 'basic'), stricterLevel('off', 'off')], ['basic', 'pro', 'off']);
  });

  it('labels: the names RFC 9537 and the WHOIS layout use', () => {
    assert.deepEqual([fieldLabel('registrant', 'handle'), fieldLabel('technical', 'email'), fieldLabel('administrative', 'state'), fieldLabel(undefined, 'name')], [
      'Registry Registrant ID', 'Tech Email', 'Admin State/Province', 'Contact Name',
    ]);
  });
});
