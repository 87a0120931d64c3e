import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';

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
