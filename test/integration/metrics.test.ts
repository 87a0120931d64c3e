import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { forEachDatabase } from '../helpers/harness.ts';
import { domainReseller, registered } from '../helpers/domain-fixtures.ts';
import { createMetricsServer } from '../../src/obs/metrics-server.ts';

/** One sample's value from the exposition text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

forEachDatabase('metrics', (t) => {
  it('counts requests by name and Status-Code, with latency, registry round trips, jobs, sessions, mail and money', async () => {
    const alice = await domainReseller(t(), 'metrics-alice');
    await t().call('query-profile', { 'auth-sid': alice.sid });
    await t().call('query-profile', { 'auth-sid': 'no-such-session' });
    await registered(t(), alice, 'metered.com');
    await t().call('domain-renew', { 'auth-sid': alice.sid, domain: 'metered.com', period: 12 });

    const text = await t().app.deps.metrics.exposition(t().clock.now());
    assert.equal(sample(text, 'dmapid_requests_total{request="query-profile",code="0"}'), 1);
    assert.equal(sample(text, 'dmapid_requests_total{request="query-profile",code="-401"}'), 1);
    assert.ok(sample(text, 'dmapid_request_duration_seconds_count{request="query-profile"}')! >= 2);
    assert.equal(sample(text, 'dmapid_registry_calls_total{operation="createDomain",result="ok"}'), 1);
    assert.ok(sample(text, 'dmapid_registry_call_duration_seconds_count{operation="createDomain"}')! >= 1);
    assert.equal(sample(text, 'dmapid_jobs{kind="domain-register",status="done"}'), 1);
    assert.equal(sample(text, 'dmapid_jobs{kind="domain-renew",status="queued"}'), 1, 'the renewal waits in the queue');
    assert.ok(sample(text, 'dmapid_job_oldest_due_age_seconds')! >= 0);
    assert.ok(sample(text, 'dmapid_sessions_active')! >= 1);
    // A .com year at the default price, 11.25 USD, booked; the renewal is only reserved.
    assert.equal(sample(text, 'dmapid_money_booked_minor{operation="create",currency="USD"}'), 1125);
    assert.equal(sample(text, 'dmapid_money_booked_minor{operation="renew",currency="USD"}'), undefined);
    assert.ok(sample(text, 'dmapid_process_cpu_seconds_total') !== undefined, 'process metrics');

    // Prometheus' own checker accepts the exposition.
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });

  it('serves GET /metrics on its own listener, and nothing else there', async () => {
    const server = createMetricsServer(t().app.deps);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(await res.text(), /^# HELP dmapid_requests_total /m);
      assert.equal((await fetch(`${base}/`)).status, 404);
      assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
