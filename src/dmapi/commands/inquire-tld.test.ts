import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { parseKeyValues } from '../reply.ts';
import { tldLines } from './inquire-tld.ts';
import { tldSchema } from '../../tld/catalogue.ts';

forEachDatabase('inquire-tld', (t) => {
  let sid = '';
  const inquire = async (tld: string, method: 'GET' | 'POST' = 'GET') => t().call('inquire-tld', { 'auth-sid': sid, tld }, { method });

  it('setup', async () => {
    sid = (await t().reseller('itld-alice')).sid;
  });

  it('names the DNSSEC data a TLD takes the way Joker\'s WHMCS module looks for it: dsdata, keydata, none', async () => {
    const com = await inquire('com');
    assert.equal(com.code, 0, com.raw);
    assert.equal(com.get('Proc-ID'), undefined);
    const kv = new Map(parseKeyValues(com.body));
    assert.equal(kv.get('tld'), 'com');
    assert.equal(kv.get('dnssec'), 'dsdata');
    assert.equal(kv.get('contact-roles'), 'owner,admin,tech,billing');
    assert.equal(kv.get('period-create'), '1,2,3,4,5,6,7,8,9,10');
    assert.ok(com.body.endsWith('\n'));
    // WHMCS: key = text before the first space, minus ": "; it tests strpos($dnssec, 'keydata').
    const whmcs = (body: string) => new Map(body.split('\n').map((l) => [l.split(' ')[0]!.replace(/[: ]+$/, ''), l.split(' ').slice(1).join(' ')]));
    assert.equal(whmcs((await inquire('de')).body).get('dnssec'), 'keydata');
    assert.equal(whmcs((await inquire('.EU', 'POST')).body).get('dnssec'), 'dsdata');
    assert.equal(new Map(parseKeyValues((await inquire('de')).body)).get('contact-roles'), 'owner,admin,tech');
  });

  it('says none where the catalogue has DNSSEC off, and refuses a TLD the platform does not offer', async () => {
    const off = new Map(tldLines(tldSchema.parse({ tld: 'nosec', handlePrefix: 'CNOSEC', dnssec: { supported: false }, privacy: [] })));
    assert.equal(off.get('dnssec'), 'none');
    assert.equal(off.get('dnssec-max-records'), '0');
    assert.equal(off.get('privacy'), 'none');
    const r = await inquire('notatld');
    assert.equal(r.code, 2004);
    assert.equal(r.get('Error'), "invalid 'tld' (notatld is not a TLD this platform offers; see query-tld-list)");
    assert.equal((await t().call('inquire-tld', { 'auth-sid': sid })).code, 2003);
  });
});
