import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { domainReseller, later, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { DAY } from '../../core/clock.ts';
import { runPrivacyExpiry } from '../../services/domain-lifecycle.ts';

forEachDatabase('domain-get-property', (t) => {
  let alice: DomainReseller;
  const get = (params: Record<string, string>, sid = alice.sid) => t().call('domain-get-property', { 'auth-sid': sid, ...params });

  it('setup', async () => {
    alice = await domainReseller(t(), 'gprop-alice');
    await registered(t(), alice, 'get-prop.com', { autorenew: 1, privacy: 'pro' });
  });

  it('answers one `name: value` line for each property', async () => {
    for (const [pname, value] of [['autorenew', '1'], ['whois-opt-out', '0'], ['gdpr-opt-in', '0'], ['privacy', 'pro'], ['AUTORENEW', '1']] as const) {
      const r = await get({ domain: 'get-prop.com', pname });
      assert.equal(r.code, 0, r.raw);
      assert.equal(r.body, `${pname.toLowerCase()}: ${value}\n`);
      assert.equal(r.get('Proc-ID'), undefined);
    }
  });

  it('privacy reads off once the subscription has ended', async () => {
    alice = await later(t(), alice, 367 * DAY);
    await runPrivacyExpiry(t().app.deps, t().clock.now());
    assert.equal((await get({ domain: 'get-prop.com', pname: 'privacy' })).body, 'privacy: off\n');
  });

  it('refuses unknown properties, missing parameters and other accounts\' domains; read-only keys may read', async () => {
    assert.equal((await get({ domain: 'get-prop.com', pname: 'colour' })).code, 2004);
    assert.equal((await get({ domain: 'get-prop.com' })).code, 2003);
    const bob = await domainReseller(t(), 'gprop-bob');
    const r = await get({ domain: 'get-prop.com', pname: 'autorenew' }, bob.sid);
    assert.equal(r.code, 2303);
    assert.equal(r.get('Error'), 'domain get-prop.com not found');
    assert.equal((await get({ domain: 'get-prop.com', pname: 'autorenew' }, await alice.session('read-only'))).code, 0);
  });
});
