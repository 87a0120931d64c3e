import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { addDomain } from '../../../test/helpers/zones.ts';

forEachDatabase('dns-zone-get', (t) => {
  it('answers the recorded empty zone for an account domain without records: no Columns, no Proc-ID', async () => {
    const { call } = t();
    const r = await t().reseller('zg-alice');
    await addDomain(t(), r.account.id, 'alice-get.com');
    const get = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'alice-get.com' });
    assert.equal(get.code, 0, get.raw);
    assert.equal(get.get('Status-Text'), 'Command completed successfully');
    assert.equal(get.body, '$dnssec=no\n$dyndns=no::\n');
    assert.equal(get.get('Columns'), undefined);
    assert.equal(get.get('Proc-ID'), undefined);
    assert.match(get.get('Tracking-Id')!, /^[0-9a-f]{32}$/);
    assert.equal(get.get('Version'), '1.2.53');
    assert.ok(!get.raw.includes('\r'));
  });

  it('returns records in put order; an update keeps its position', async () => {
    const { call } = t();
    const r = await t().reseller('zg-bob');
    await addDomain(t(), r.account.id, 'bob-get.com');
    const lines = ['www A 0 192.0.2.1 3600', 'localhost A 0 127.0.0.1 3600', 'docs CNAME 0 docs.example.com 3600'];
    await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'bob-get.com', zone: lines.join('\n') });
    lines[1] = 'localhost A 0 127.0.0.2 3600';
    await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'bob-get.com', zone: lines.join('\n') });
    const get = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'BOB-GET.COM.' });
    assert.equal(get.body, `$dnssec=no\n$dyndns=no::\n${lines.join('\n')}\n`);
  });

  it('reproduces the TXT quirk, and a quirky zone put back unchanged reads back the same (OTL, KADPY)', async () => {
    const { call } = t();
    const r = await t().reseller('zg-carol');
    await addDomain(t(), r.account.id, 'carol-get.com');
    await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'carol-get.com', zone: '_acme-challenge.fqdn TXT 0 "challengetoken" 3600\n@ TXT 0 "v=spf1 a ~all" 3600' });
    const first = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'carol-get.com' });
    assert.equal(first.body, '$dnssec=no\n$dyndns=no::\n_acme-challenge.fqdn TXT 0  "challengetoken " 3600\n@ TXT 0  "v=spf1 a ~all " 3600\n');
    for (let i = 0; i < 2; i++) {
      const put = await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'carol-get.com', zone: first.body });
      assert.equal(put.code, 0, put.raw);
      assert.equal((await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'carol-get.com' })).body, first.body);
    }
  });

  it('include-defaults=1 adds the apex NS of the platform and every 0 0; put accepts that text unchanged', async () => {
    const { call } = t();
    const r = await t().reseller('zg-dave');
    await addDomain(t(), r.account.id, 'dave-get.com');
    await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dave-get.com', zone: 'www A 0 192.0.2.1 3600\nm MAILFW 0 a@example.net 86400 0 0 1' });
    const full = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'dave-get.com', 'include-defaults': 1 });
    assert.equal(
      full.body,
      '$dnssec=no\n$dyndns=no::\n@ NS 0 a.ns.dmapid.test 86400 0 0\n@ NS 0 b.ns.dmapid.test 86400 0 0\nwww A 0 192.0.2.1 3600 0 0\nm MAILFW 0 a@example.net 86400 0 0 1\n',
    );
    assert.equal((await call('dns-zone-put', { 'auth-sid': r.sid, domain: 'dave-get.com', zone: full.body })).code, 0);
    assert.equal((await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'dave-get.com', 'include-defaults': 1 })).body, full.body);
    assert.equal((await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'dave-get.com' })).body, '$dnssec=no\n$dyndns=no::\nwww A 0 192.0.2.1 3600\nm MAILFW 0 a@example.net 86400 0 0 1\n');
    // The empty zone with defaults is never empty (OTL refuses an empty body).
    await addDomain(t(), r.account.id, 'dave-empty.com');
    const empty = await call('dns-zone-get', { 'auth-sid': r.sid, domain: 'dave-empty.com', 'include-defaults': 1 });
    assert.equal(empty.body, '$dnssec=no\n$dyndns=no::\n@ NS 0 a.ns.dmapid.test 86400 0 0\n@ NS 0 b.ns.dmapid.test 86400 0 0\n');
  });

  it("answers another reseller's domain exactly like a missing one (2303)", async () => {
    const { call } = t();
    const owner = await t().reseller('zg-erin');
    const other = await t().reseller('zg-frank');
    await addDomain(t(), owner.account.id, 'erin-get.com');
    await call('dns-zone-put', { 'auth-sid': owner.sid, domain: 'erin-get.com', zone: 'www A 0 192.0.2.1 3600' });
    const foreign = await call('dns-zone-get', { 'auth-sid': other.sid, domain: 'erin-get.com' });
    assert.equal(foreign.code, 2303);
    assert.equal(foreign.get('Error'), 'domain erin-get.com not found');
    assert.equal(foreign.body, '');
    const missing = await call('dns-zone-get', { 'auth-sid': other.sid, domain: 'nothing-here.com' });
    assert.equal(missing.code, 2303);
    assert.equal(missing.get('Error'), 'domain nothing-here.com not found');
  });

  it('is a read: a read-only key may get; no session answers -401; a missing domain parameter 2003', async () => {
    const { call } = t();
    const r = await t().reseller('zg-gina');
    await addDomain(t(), r.account.id, 'gina-get.com');
    const ro = await call('dns-zone-get', { 'auth-sid': await r.session('read-only'), domain: 'gina-get.com' });
    assert.equal(ro.code, 0, ro.raw);
    assert.equal((await call('dns-zone-get', { domain: 'gina-get.com' })).code, -401);
    const noDomain = await call('dns-zone-get', { 'auth-sid': r.sid });
    assert.equal(noDomain.code, 2003);
    assert.equal(noDomain.get('Error'), "missing parameter 'domain'");
  });
});
