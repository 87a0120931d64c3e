import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../test/helpers/harness.ts';
import { DmapiClient, DmapiRequestError } from './client.ts';

forEachDatabase('typed client', (t) => {
  it('logs in, calls requests with the session, reports failures and logs out over real HTTP', async () => {
    const { app } = t();
    await t().reseller('client-user');
    const address = await app.http.listen({ port: 0, host: '127.0.0.1' });
    const client = new DmapiClient(address);

    const bad = await client.call('login', { username: 'client-user', password: 'nope' });
    assert.equal(bad.ok, false);
    assert.equal(bad.code, 2200);
    assert.deepEqual(bad.errors, ['invalid username or password']);

    const login = await client.login({ username: 'client-user', password: 'secret-pw' });
    assert.equal(login.get('User-Login'), 'client-user');
    assert.match(client.authSid!, /^[0-9a-f]{32}$/);

    const profile = await client.request('query-profile');
    assert.match(profile.body, /^balance: 1000\.00$/m);

    await client.logout();
    await assert.rejects(
      () => client.request('query-profile'),
      (e: unknown) => e instanceof DmapiRequestError && e.reply.code === -401,
    );
  });
});
