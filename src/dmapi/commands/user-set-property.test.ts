import { it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachDatabase } from '../../../test/helpers/harness.ts';
import { domainReseller, domainRow, registered, type DomainReseller } from '../../../test/helpers/domain-fixtures.ts';
import { retrieve } from '../../../test/helpers/registry-fixtures.ts';

forEachDatabase('user-set-property', (t) => {
  let alice: DomainReseller;
  const set = (params: Record<string, string | number>, sid = alice.sid) => t().call('user-set-property', { 'auth-sid': sid, ...params });
  const autorenewOf = async (name: string) => (await domainRow(t(), name))!.autorenew;

  it('setup', async () => {
    alice = await domainReseller(t(), 'uprop-alice');
  });

  it("sets the account's default autorenew, which registrations without `autorenew` then use", async () => {
    await registered(t(), alice, 'before-default.com');
    assert.equal(await autorenewOf('before-default.com'), 0, 'a new account registers without autorenew');

    // RPANEL: pname=autorenew&pvalue=1&uid=<UID>
    const on = await set({ pname: 'autorenew', pvalue: 1, uid: alice.id });
    assert.equal(on.code, 0, on.raw);
    assert.match(on.get('Proc-ID')!, /^\d+$/);
    const { keys, reply } = await retrieve(t(), alice.sid, on.get('Proc-ID')!);
    assert.equal(keys.get('Completion-Status'), 'ack');
    assert.match(reply.body, /\n\nuser\.property\.autorenew = 1\n$/);

    await registered(t(), alice, 'after-default.com');
    assert.equal(await autorenewOf('after-default.com'), 1);
    await registered(t(), alice, 'explicit-off.com', { autorenew: 0 });
    assert.equal(await autorenewOf('explicit-off.com'), 0, 'the request’s own autorenew wins');
    assert.equal(await autorenewOf('before-default.com'), 0, 'domains already registered keep theirs');

    assert.equal((await set({ pname: 'AutoRenew', pvalue: 'no' })).code, 0);
    await registered(t(), alice, 'default-off-again.com');
    assert.equal(await autorenewOf('default-off-again.com'), 0);
    assert.equal((await set({ pname: 'autorenew', pvalue: 'yes', uid: '*' })).code, 0);
    assert.equal((await set({ pname: 'autorenew', pvalue: '' })).code, 0, 'an empty value restores the default');
    const row = await t().app.deps.db.selectFrom('accounts').select('autorenew_default').where('id', '=', alice.id).executeTakeFirstOrThrow();
    assert.equal(row.autorenew_default, 0);
  });

  it("refuses unknown properties and values, and another account's uid like a missing one, changing nothing", async () => {
    const bob = await domainReseller(t(), 'uprop-bob');
    const bad = async (params: Record<string, string | number>, code: number, error: RegExp) => {
      const r = await set(params);
      assert.equal(r.code, code, r.raw);
      assert.match(r.get('Error')!, error);
      assert.equal(r.get('Proc-ID'), undefined);
    };
    await bad({ pname: 'colour', pvalue: 1 }, 2004, /^invalid 'pname' \(colour is not a user property; use autorenew or \*\)$/);
    await bad({ pname: 'autorenew', pvalue: 'maybe' }, 2005, /^invalid 'pvalue'/);
    await bad({ pvalue: 1 }, 2003, /^missing parameter 'pname'$/);
    await bad({ pname: 'autorenew', pvalue: 1, uid: bob.id }, 2303, new RegExp(`^user ${bob.id} not found$`));
    await bad({ pname: 'autorenew', pvalue: 1, uid: 987654 }, 2303, /^user 987654 not found$/);
    const rows = await t().app.deps.db.selectFrom('accounts').select('autorenew_default').where('id', 'in', [alice.id, bob.id]).execute();
    assert.deepEqual(rows.map((r) => r.autorenew_default), [0, 0]);
  });

  it('is refused to a read-only key and allowed to a modify-only key', async () => {
    assert.equal((await set({ pname: 'autorenew', pvalue: 1 }, await alice.session('read-only'))).code, 2201);
    assert.equal((await set({ pname: 'autorenew', pvalue: 1 }, await alice.session('modify-only'))).code, 0);
  });
});
