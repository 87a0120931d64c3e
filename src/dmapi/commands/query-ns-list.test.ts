import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { giveDomain, runAsync } from '../../../test/helpers/registry-fixtures.ts';

forEachDatabase('query-ns-list', (t) => {
  let sid = '';
  const list = (params: Record<string, string | number> = {}, s = sid) => t().call('query-host-list', { 'auth-sid': s, ...params });

  it('an empty list is a success with an empty body', async () => {
    const r = await t().reseller('alice');
    sid = r.sid;
    const empty = await t().call('query-ns-list', { 'auth-sid': sid });
    assert.equal(empty.code, 0);
    assert.equal(empty.body, '');
    await giveDomain(t(), r.account.id, 'alice-example.com');
    for (const [host, ip, ipv6] of [['ns2.alice-example.com', '45.76.10.11', ''], ['ns1.alice-example.com', '45.76.10.10,45.76.10.12', '2a05:d014::53'], ['ns6.alice-example.com', '', '2a05:d014::56'], ['ns.dns-host.ch', '', '']] as const) {
      assert.equal((await runAsync(t(), sid, 'ns-create', { host, ip, ipv6 })).status, 'ack');
    }
  });

  it('lists host names one per line, sorted', async () => {
    const r = await t().call('query-ns-list', { 'auth-sid': sid });
    assert.equal(r.body, 'ns.dns-host.ch\nns1.alice-example.com\nns2.alice-example.com\nns6.alice-example.com\n');
    assert.equal(r.get('Columns'), undefined);
  });

  it('full=1: host, IPv4 and IPv6 columns, TAB-separated, "-" for a missing family', async () => {
    const r = await list({ full: 1 });
    assert.equal(r.body, [
      'ns.dns-host.ch\t-\t-',
      'ns1.alice-example.com\t45.76.10.10,45.76.10.12\t2a05:d014::53',
      'ns2.alice-example.com\t45.76.10.11\t-',
      'ns6.alice-example.com\t-\t2a05:d014::56',
    ].join('\n') + '\n');
  });

  it('filters by pattern', async () => {
    assert.equal((await list({ pattern: 'ns?.alice*' })).body, 'ns1.alice-example.com\nns2.alice-example.com\nns6.alice-example.com\n');
    assert.equal((await list({ pattern: '*.ch', full: '1' })).body, 'ns.dns-host.ch\t-\t-\n');
    assert.equal((await list({ pattern: 'nothing*' })).body, '');
  });

  it('shows only the account\'s hosts, with any key', async () => {
    const bob = await t().reseller('bob');
    assert.equal((await list({}, bob.sid)).body, '');
    const ro = await bob.session('read-only');
    assert.equal((await list({}, ro)).code, 0);
  });
});
