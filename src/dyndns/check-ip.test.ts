import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';

forEachDatabase('DynDNS /nic/checkip and /nic/myip', (t) => {
  const get = (url: string, remoteAddress: string) => t().app.http.inject({ method: 'GET', url, remoteAddress, headers: { host: 'svc.joker.com' } });

  it('/nic/checkip shows `Current IP Address: <the client address>` and no other address', async () => {
    const res = await get('/nic/checkip', '203.0.113.45');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.body, /Current IP Address: 203\.0\.113\.45</);
    // ddclient without web-skip takes the first address on the page.
    assert.deepEqual(res.body.match(/\d+\.\d+\.\d+\.\d+/g), ['203.0.113.45']);
    assert.match((await get('/nic/checkip', '::ffff:198.51.100.9')).body, /Current IP Address: 198\.51\.100\.9</, 'IPv4-mapped addresses unwrapped');
    assert.match((await get('/nic/checkip', '2001:db8::7')).body, /Current IP Address: 2001:db8::7</);
  });

  it('/nic/myip answers the address alone', async () => {
    const res = await get('/nic/myip', '192.0.2.77');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(res.body, '192.0.2.77\n');
  });
});
