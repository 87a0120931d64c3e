import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, tsigKeyring } from './config.ts';

describe('configuration: job leases', () => {
  it('defaults to a 5 s lease renewed every second, and reads both from the environment', () => {
    const d = loadConfig({});
    assert.deepEqual([d.jobLeaseMs, d.jobHeartbeatMs], [5000, 1000]);
    const c = loadConfig({ DMAPID_JOB_LEASE_MS: '20000', DMAPID_JOB_HEARTBEAT_MS: '10000' });
    assert.deepEqual([c.jobLeaseMs, c.jobHeartbeatMs], [20000, 10000]);
  });

  it('refuses a heartbeat slower than half the lease, and leases too short to renew', () => {
    assert.throws(() => loadConfig({ DMAPID_JOB_LEASE_MS: '3000', DMAPID_JOB_HEARTBEAT_MS: '1501' }), /DMAPID_JOB_HEARTBEAT_MS: must be at most half of the job lease \(3000 ms\)/);
    assert.throws(() => loadConfig({ DMAPID_JOB_LEASE_MS: '1500' }), /DMAPID_JOB_HEARTBEAT_MS: must be at most half/, 'the default heartbeat does not fit a 1.5 s lease');
    assert.throws(() => loadConfig({ DMAPID_JOB_LEASE_MS: '100' }), /DMAPID_JOB_LEASE_MS/);
    assert.throws(() => loadConfig({ DMAPID_JOB_HEARTBEAT_MS: '0' }), /DMAPID_JOB_HEARTBEAT_MS/);
    assert.throws(() => loadConfig({ DMAPID_JOB_LEASE_MS: '5s' }), /DMAPID_JOB_LEASE_MS/);
  });
});

describe('configuration: TSIG keys of the DNS server', () => {
  it('reads keys from the variable and the file, and the keys NOTIFY targets and transfer ACL entries name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmapid-tsig-'));
    const file = join(dir, 'keys');
    writeFileSync(file, '# secondaries\nnsd1:hmac-sha512:c2Vjb25k\n');
    const c = loadConfig({
      DMAPID_DNS_TSIG_KEYS: 'knot1:hmac-sha256:Zmlyc3Q=',
      DMAPID_DNS_TSIG_KEYS_FILE: file,
      DMAPID_DNS_NOTIFY: '192.0.2.7:53 key knot1,192.0.2.8',
      DMAPID_DNS_TRANSFER_ACL: '192.0.2.7 key knot1,key nsd1,127.0.0.1',
    });
    assert.deepEqual([...tsigKeyring(c).keys()], ['knot1', 'nsd1']);
    assert.deepEqual(c.dnsNotify, [{ host: '192.0.2.7', port: 53, key: 'knot1' }, { host: '192.0.2.8', port: 53 }]);
    assert.throws(() => loadConfig({ DMAPID_DNS_NOTIFY: '192.0.2.7 key nope' }), /DMAPID_DNS_NOTIFY: names the TSIG key nope/);
    assert.throws(() => loadConfig({ DMAPID_DNS_TRANSFER_ACL: '10.0.0.0/8 key nope' }), /DMAPID_DNS_TRANSFER_ACL: names the TSIG key nope/);
    assert.throws(() => loadConfig({ DMAPID_DNS_TRANSFER_ACL: 'nowhere key nope' }), /DMAPID_DNS_TRANSFER_ACL/);
    assert.throws(() => loadConfig({ DMAPID_DNS_TSIG_KEYS: 'k:hmac-md5:AAAA' }), /DMAPID_DNS_TSIG_KEYS: .*unknown algorithm/);
    assert.throws(() => loadConfig({ DMAPID_DNS_TSIG_KEYS_FILE: join(dir, 'missing') }), /DMAPID_DNS_TSIG_KEYS_FILE/);
    rmSync(dir, { recursive: true, force: true });
  });
});
