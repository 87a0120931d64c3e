import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { giveDomain, runAsync } from '../../../test/helpers/registry-fixtures.ts';
import { simulatorOf } from '../../registry/index.ts';

forEachDatabase('ns-modify', (t) => {
  let sid = '';
  const host = async (name: string) => t().app.deps.db.selectFrom('hosts').select(['ipv4', 'ipv6']).where('name', '=', name).executeTakeFirstOrThrow();
  const refused = async (params: Record<string, string>, code: number, error: RegExp, s = sid) => {
    const r = await t().call('ns-modify', { 'auth-sid': s, ...params });
    assert.equal(r.code, code, r.raw);
    assert.match(r.all('Error').join('\n'), error);
  };

  it('setup', async () => {
    const r = await t().reseller('alice');
    sid = r.sid;
    await giveDomain(t(), r.account.id, 'alice-example.org');
    assert.equal((await runAsync(t(), sid, 'ns-create', { host: 'ns1.alice-example.org', ip: '45.76.10.10', ipv6: '2a05:d014::53' })).status, 'ack');
    assert.equal((await runAsync(t(), sid, 'ns-create', { host: 'ns.outside-dns.ch' })).status, 'ack');
  });

  it('replaces one family and keeps the other, here and at the registry', async () => {
    const r = await runAsync(t(), sid, 'ns-modify', { host: 'ns1.alice-example.org', ip: '45.76.10.11,45.76.10.12', ipv6: '' });
    assert.equal(r.status, 'ack', r.body);
    assert.equal(r.object, 'ns1.alice-example.org');
    assert.deepEqual(await host('ns1.alice-example.org'), { ipv4: '45.76.10.11,45.76.10.12', ipv6: '2a05:d014::53' });
    const reg = await simulatorOf(t().app.deps).open(t().app.deps.db, t().clock.now()).infoHost('ns1.alice-example.org');
    assert.deepEqual([reg!.ipv4, reg!.ipv6], [['45.76.10.11', '45.76.10.12'], ['2a05:d014::53']]);
  });

  it('removes a family with "-", but an in-bailiwick host keeps at least one address', async () => {
    assert.equal((await runAsync(t(), sid, 'host-modify', { host: 'ns1.alice-example.org', ip: '-' })).status, 'ack');
    assert.deepEqual(await host('ns1.alice-example.org'), { ipv4: '', ipv6: '2a05:d014::53' });
    // `!@!`, the clear marker of every *-modify, does the same; clearing what is empty is no change.
    assert.equal((await runAsync(t(), sid, 'host-modify', { host: 'ns1.alice-example.org', ip: '!@!' })).status, 'ack');
    assert.deepEqual(await host('ns1.alice-example.org'), { ipv4: '', ipv6: '2a05:d014::53' });
    await refused({ host: 'ns1.alice-example.org', ipv6: '-' }, 2306, /^invalid 'ip' \(ns1\.alice-example\.org lies inside alice-example\.org and must keep at least one address/);
    await refused({ host: 'ns1.alice-example.org', ip: '-', ipv6: '-' }, 2306, /must keep at least one address/);
  });

  it('names the parameter of bad addresses and needs one of ip or ipv6', async () => {
    await refused({ host: 'ns1.alice-example.org', ip: '192.168.0.1' }, 2306, /^invalid 'ip' \(192\.168\.0\.1 is in IANA special-purpose range 192\.168\.0\.0\/16/);
    await refused({ host: 'ns1.alice-example.org', ipv6: 'fe80::1' }, 2306, /^invalid 'ipv6' \(fe80::1 is in IANA special-purpose range fe80::\/10/);
    await refused({ host: 'ns1.alice-example.org', ip: '1.2.3' }, 2005, /^invalid 'ip' \(1\.2\.3 is not an IPv4 address/);
    await refused({ host: 'ns1.alice-example.org' }, 2003, /^missing parameter 'ip' or 'ipv6'$/);
    await refused({ host: 'ns1.alice-example.org', ip: '' }, 2003, /'ip' or 'ipv6'/);
    await refused({ ip: '45.76.10.10' }, 2003, /^missing parameter 'host'$/);
  });

  it('gives an out-of-bailiwick host no addresses', async () => {
    await refused({ host: 'ns.outside-dns.ch', ip: '45.76.10.10' }, 2306, /out of bailiwick/);
  });

  it('answers another reseller\'s or an unknown host exactly like a missing one', async () => {
    const bob = await t().reseller('bob');
    await refused({ host: 'ns1.alice-example.org', ip: '45.76.10.13' }, 2303, /^host ns1\.alice-example\.org not found$/, bob.sid);
    await refused({ host: 'ns9.alice-example.org', ip: '45.76.10.13' }, 2303, /^host ns9\.alice-example\.org not found$/);
  });

  it('a read-only key cannot modify', async () => {
    const ro = await (await t().reseller('carol')).session('read-only');
    await refused({ host: 'ns1.alice-example.org', ip: '45.76.10.13' }, 2201, /read-only/, ro);
  });
});
